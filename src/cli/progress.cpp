#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace spikernn {

ProgressBar::ProgressBar(std::string label, int64_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled && total > 0),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {}

void ProgressBar::update(int64_t done) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t decile = done * 10 / total_;
  if (!tty_ && decile == last_decile_) return;
  last_decile_ = decile;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double left = done > 0 ? elapsed * static_cast<double>(total_ - done) / done : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * done / total_);
  std::fprintf(stderr, "%s%s [%s%s] %lld/%lld trials, %.0f s left%s", tty_ ? "\r" : "",
               label_.c_str(), std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(kWidth - filled), '.').c_str(),
               static_cast<long long>(done), static_cast<long long>(total_), left,
               tty_ ? "\033[K" : "\n");
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (tty_) std::fprintf(stderr, "\n");
}

}  // namespace spikernn
