/// @file
/// A one-line progress report on stderr: "label  [#####.....] 40/100 trials, 12 s left".
/// Redrawn in place on a terminal; on a pipe or file, a line every tenth of the way.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace spikernn {

class ProgressBar {
 public:
  ProgressBar(std::string label, int64_t total, bool enabled = true);
  /// Thread-safe; `done` counts up to `total`.
  void update(int64_t done);
  void finish();

 private:
  std::string label_;
  int64_t total_;
  bool enabled_, tty_;
  int64_t last_decile_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
};

}  // namespace spikernn
