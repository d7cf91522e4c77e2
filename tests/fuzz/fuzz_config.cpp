// libFuzzer harness: any bytes given as a JSON config either configure a SpikingConfig and the
// built-in tasks or are refused with a spikernn::Error. Anything else is a finding.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "spikernn/error.hpp"
#include "spikernn/json_fields.hpp"
#include "spikernn/spiking_config.hpp"
#include "spikernn/task.hpp"

namespace {

const std::string& scratch_path() {
  static const std::string path = [] {
    char name[] = "/tmp/spikernn-fuzz-config-XXXXXX.json";
    const int fd = ::mkstemps(name, 5);
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
  nlohmann::json j;
  try {
    j = spikernn::json_fields::parse_file(path);
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
