// The fuzzers' input as a file: the loaders read paths, not memory.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace spikernn::fuzz {

// Writes `data` to this process's scratch file ending in `suffix` (removed at exit) and returns
// its path.
inline const std::string& write_input(const uint8_t* data, size_t size, const std::string& suffix) {
  static const std::string path = [&] {
    std::string name = "/tmp/spikernn-fuzz-XXXXXX" + suffix;
    const int fd = ::mkstemps(name.data(), static_cast<int>(suffix.size()));
    if (fd < 0) std::abort();
    ::close(fd);
    return name;
  }();
  static const bool cleanup = std::atexit([] { std::remove(path.c_str()); }) == 0;
  (void)cleanup;
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  return path;
}

}  // namespace spikernn::fuzz
