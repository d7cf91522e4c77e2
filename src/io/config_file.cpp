#include "spikernn/io/config_file.hpp"

#include <fstream>

#include "spikernn/core/error.hpp"

namespace spikernn {

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw FileError("'" + path + "': cannot open the JSON file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e500
    throw ConfigError("'" + path + "': malformed JSON: " + e.what());
  }
}

SpikingConfig load_spiking_config(const std::string& path) {
  const nlohmann::json j = read_json_file(path);
  try {
    return j.get<SpikingConfig>();
  } catch (const ConfigError& e) {
    throw ConfigError("'" + path + "': " + e.what());
  }
}

}  // namespace spikernn
