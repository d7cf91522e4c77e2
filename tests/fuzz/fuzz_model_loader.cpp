// libFuzzer harness: any bytes given as a model file either load or are refused with a
// spikernn::Error. Anything else (a crash, a sanitizer report, another exception) is a finding.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "spikernn/error.hpp"
#include "spikernn/rate_model.hpp"

namespace {

// One scratch file per process: matio reads files, not memory.
const std::string& scratch_path() {
  static const std::string path = [] {
    char name[] = "/tmp/spikernn-fuzz-model-XXXXXX.mat";
    const int fd = ::mkstemps(name, 4);
    if (fd < 0) std::abort();
    ::close(fd);
    std::atexit([] { std::remove(scratch_path().c_str()); });
    return std::string(name);
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = scratch_path();
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  try {
    const spikernn::RateModel model = spikernn::load_rate_model(path);
    spikernn::validate_rate_model(model);
  } catch (const spikernn::Error&) {
  }
  return 0;
}
