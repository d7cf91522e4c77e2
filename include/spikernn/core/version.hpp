#pragma once

#include <string>

namespace spikernn {

/// The spikernn version, e.g. "0.1.0".
std::string version();

/// The LibTorch version spikernn was built against, e.g. "1.13.1".
std::string torch_version();

}  // namespace spikernn
