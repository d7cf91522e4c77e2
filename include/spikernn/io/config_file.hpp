/// @file
/// JSON config files.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "spikernn/core/spiking_config.hpp"

namespace spikernn {

/// Parses a JSON file. Throws FileError when it cannot be opened and ConfigError naming the file
/// and the position of a syntax error.
nlohmann::json read_json_file(const std::string& path);

/// Loads a JSON file into a config (ConfigError names the file and the key).
SpikingConfig load_spiking_config(const std::string& path);

}  // namespace spikernn
