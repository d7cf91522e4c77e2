// Settings of a `spikernn simulate` run: from a JSON config (snake_case keys, paths relative to
// the config file) and from command-line flags, which override the config.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "spikernn/core/simulation_result.hpp"
#include "spikernn/core/spiking_config.hpp"
#include "spikernn/core/stims.hpp"

namespace spikernn::cli {

struct SimulateSettings {
  std::string model;
  std::optional<double> scaling_factor;  // default: the model's opt_scaling_factor
  std::string stimulus;
  Stims stims;
  std::string record = "all";
  std::string output;
  SpikingConfig spiking;  // device, seed, dtype, downsample, ... (N comes from the model)
};

// Reads a run config. Throws ConfigError naming the file and the key.
SimulateSettings load_simulate_settings(const std::string& path);

void to_json(nlohmann::json& j, const SimulateSettings& settings);

}  // namespace spikernn::cli
