// libFuzzer harness: any bytes given as a JSON config either configure a SpikingConfig and the
// built-in tasks or are refused with a spikernn::Error. Anything else is a finding.
#include "fuzz_input.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/spiking_config.hpp"
#include "spikernn/core/task.hpp"
#include "spikernn/io/config_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nlohmann::json j;
  try {
    j = spikernn::read_json_file(spikernn::fuzz::write_input(data, size, ".json"));
  } catch (const spikernn::Error&) {
    return 0;
  }
  try {
    spikernn::validate_spiking_config(j.get<spikernn::SpikingConfig>());
  } catch (const spikernn::Error&) {
  }
  for (const char* task : {"go-nogo", "xor", "mante"}) {
    try {
      spikernn::make_task(task, j);
    } catch (const spikernn::Error&) {
    }
  }
  return 0;
}
