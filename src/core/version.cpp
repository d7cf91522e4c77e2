#include "spikernn/core/version.hpp"

#include <torch/version.h>

#include "build_config.hpp"

namespace spikernn {

std::string version() { return SPIKERNN_VERSION; }

std::string torch_version() { return TORCH_VERSION; }

}  // namespace spikernn
