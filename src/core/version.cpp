#include "spikernn/core/version.hpp"

#include <torch/version.h>

namespace spikernn {

std::string version() { return SPIKERNN_VERSION; }

std::string torch_version() { return TORCH_VERSION; }

}  // namespace spikernn
