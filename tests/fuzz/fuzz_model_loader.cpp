// libFuzzer harness: any bytes given as a model file either load or are refused with a
// spikernn::Error. Anything else (a crash, a sanitizer report, another exception) is a finding.
#include "fuzz_input.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/io/model_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = spikernn::fuzz::write_input(data, size, ".mat");
  try {
    spikernn::validate_rate_model(spikernn::load_rate_model(path));
  } catch (const spikernn::Error&) {
  }
  return 0;
}
