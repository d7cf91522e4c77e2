#include "spikernn/error.hpp"

#include <iostream>
#include <mutex>
#include <set>

namespace spikernn {

void warn_once(const std::string& message) {
  static std::mutex mutex;
  static std::set<std::string> seen;
  std::lock_guard<std::mutex> lock(mutex);
  if (seen.insert(message).second) std::cerr << "spikernn: warning: " << message << '\n';
}

}  // namespace spikernn
