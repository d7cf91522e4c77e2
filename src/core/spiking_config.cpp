#include "spikernn/core/spiking_config.hpp"

#include <cmath>
#include <sstream>

#include "json_fields.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {

namespace {

const std::vector<std::string> kKeys = {"N",          "dt",
                                        "downsample", "scaling_factor",
                                        "tref",       "tm",
                                        "vreset",     "vpeak",
                                        "tr",         "use_initial_weights",
                                        "device",     "seed",
                                        "dtype",      "clamp_negative_weights",
                                        "engine",     "noise"};

void require(bool ok, const std::string& key, const std::string& rule, const std::string& found) {
  if (!ok) throw ConfigError("key '" + key + "': expected " + rule + ", found " + found);
}

std::string num(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

}  // namespace

torch::Device SpikingConfig::torch_device() const {
  try {
    return torch::Device(device);
  } catch (const c10::Error&) {
    throw ConfigError("key 'device': expected \"cpu\", \"cuda\" or \"cuda:I\", found \"" + device +
                      "\"");
  }
}

torch::Dtype SpikingConfig::torch_dtype() const {
  if (dtype == "float64") return torch::kFloat64;
  if (dtype == "float32") return torch::kFloat32;
  throw ConfigError("key 'dtype': expected \"float64\" or \"float32\", found \"" + dtype + "\"");
}

SpikingConfig create_default_spiking_config() {
  SpikingConfig config;
  validate_spiking_config(config);
  return config;
}

void validate_spiking_config(const SpikingConfig& c) {
  require(c.N > 0, "N", "a positive number of units", std::to_string(c.N));
  require(c.dt > 0 && std::isfinite(c.dt), "dt", "a positive time step", num(c.dt));
  require(c.downsample >= 1, "downsample", "an integer >= 1", std::to_string(c.downsample));
  require(c.scaling_factor > 0 && std::isfinite(c.scaling_factor), "scaling_factor",
          "a positive, finite λ", num(c.scaling_factor));
  require(c.tref >= 0 && std::isfinite(c.tref), "tref", "a non-negative refractory period",
          num(c.tref));
  require(c.tm > 0 && std::isfinite(c.tm), "tm", "a positive membrane time constant", num(c.tm));
  require(c.tr > 0 && std::isfinite(c.tr), "tr", "a positive synaptic rise time", num(c.tr));
  require(std::isfinite(c.vreset) && std::isfinite(c.vpeak) && c.vpeak > c.vreset, "vpeak",
          "a threshold above vreset (" + num(c.vreset) + ")", num(c.vpeak));
  c.torch_dtype();
  require(c.engine == "auto" || c.engine == "reference" || c.engine == "fused", "engine",
          "\"auto\", \"reference\" or \"fused\"", "\"" + c.engine + "\"");
  require(c.noise == "torch" || c.noise == "fast", "noise", "\"torch\" or \"fast\"",
          "\"" + c.noise + "\"");
  const torch::Device device = c.torch_device();
  require(device.is_cpu() || device.is_cuda(), "device", "\"cpu\", \"cuda\" or \"cuda:I\"",
          "\"" + c.device + "\"");
}

void from_json(const nlohmann::json& j, SpikingConfig& c) {
  json_fields::reject_unknown_keys(j, kKeys, "spiking config");
  using json_fields::read;
  read(j, "N", c.N);
  read(j, "dt", c.dt);
  read(j, "downsample", c.downsample);
  read(j, "scaling_factor", c.scaling_factor);
  read(j, "tref", c.tref);
  read(j, "tm", c.tm);
  read(j, "vreset", c.vreset);
  read(j, "vpeak", c.vpeak);
  read(j, "tr", c.tr);
  read(j, "use_initial_weights", c.use_initial_weights);
  read(j, "device", c.device);
  read(j, "seed", c.seed);
  read(j, "dtype", c.dtype);
  read(j, "clamp_negative_weights", c.clamp_negative_weights);
  read(j, "engine", c.engine);
  read(j, "noise", c.noise);
  validate_spiking_config(c);
}

void to_json(nlohmann::json& j, const SpikingConfig& c) {
  j = nlohmann::json{{"N", c.N},
                     {"dt", c.dt},
                     {"downsample", c.downsample},
                     {"scaling_factor", c.scaling_factor},
                     {"tref", c.tref},
                     {"tm", c.tm},
                     {"vreset", c.vreset},
                     {"vpeak", c.vpeak},
                     {"tr", c.tr},
                     {"use_initial_weights", c.use_initial_weights},
                     {"device", c.device},
                     {"seed", c.seed ? nlohmann::json(*c.seed) : nlohmann::json(nullptr)},
                     {"dtype", c.dtype},
                     {"clamp_negative_weights", c.clamp_negative_weights},
                     {"engine", c.engine},
                     {"noise", c.noise}};
}

const std::vector<std::string>& spiking_config_keys() { return kKeys; }

}  // namespace spikernn
