#include "spikernn/core/spiking_config.hpp"

#include <cmath>
#include <sstream>

#include "spikernn/core/error.hpp"

namespace spikernn {

const EnumNames<Engine>& engine_names() {
  static const EnumNames<Engine> names{
      {"auto", Engine::Auto}, {"reference", Engine::Reference}, {"fused", Engine::Fused}};
  return names;
}

const EnumNames<Noise>& noise_names() {
  static const EnumNames<Noise> names{{"torch", Noise::Torch}, {"fast", Noise::Fast}};
  return names;
}

const EnumNames<FloatType>& float_type_names() {
  static const EnumNames<FloatType> names{{"float64", FloatType::Float64},
                                          {"float32", FloatType::Float32}};
  return names;
}

const SettingsTable<SpikingConfig>& spiking_config_table() {
  using C = SpikingConfig;
  static const SettingsTable<C> table = [] {
    SettingsTable<C> t("spiking config");
    t.add("N", &C::N, "Number of units (taken from the model when one is loaded)")
        .add("dt", &C::dt, "Integration step before downsampling (s)")
        .add("downsample", &C::downsample, "Keep every k-th stimulus column; the step becomes k·dt")
        .add("scaling_factor", &C::scaling_factor,
             "λ: recurrent and readout weights are divided by it")
        .add("tref", &C::tref, "Refractory period (s)")
        .add("tm", &C::tm, "Membrane time constant (s)")
        .add("vreset", &C::vreset, "Reset voltage (mV)")
        .add("vpeak", &C::vpeak, "Spike threshold (mV); also the bias current")
        .add("tr", &C::tr, "Synaptic rise time (s)")
        .add("use_initial_weights", &C::use_initial_weights,
             "Map the initial weights w0 instead of the trained w")
        .add("device", &C::device, "cpu, cuda or cuda:I")
        .add("seed", &C::seed, "Random seed; null uses torch's global generator")
        .add("dtype", &C::dtype, float_type_names(), "float64 (port parity) or float32")
        .add("clamp_negative_weights", &C::clamp_negative_weights,
             "Map ReLU(w), the weights the rate network used, instead of the raw w (which the "
             "port maps)")
        .add("engine", &C::engine, engine_names(),
             "auto (the fused kernel, except torch ops for noise 'torch' on a GPU), reference "
             "(torch ops) or fused")
        .add("noise", &C::noise, noise_names(),
             "torch (the port's random streams, seed for seed) or fast (own streams, fused "
             "engine; what runs the CUDA kernel)")
        .add<nlohmann::json>(
            "perturbations", [](const C& c) { return nlohmann::json(c.perturbations); },
            [](C& c, nlohmann::json j) { from_json(j, c.perturbations); },
            "Circuit manipulations applied when the model is mapped (docs/model.md#perturbations)");
    return t;
  }();
  return table;
}

namespace {

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
  return dtype == FloatType::Float32 ? torch::kFloat32 : torch::kFloat64;
}

SpikingConfig create_default_spiking_config(const nlohmann::json& overrides) {
  SpikingConfig config;
  from_json(overrides, config);
  return config;
}

std::string device_for_local_rank(const std::string& device, int64_t local_rank, int64_t gpus) {
  if (device != "cuda" || gpus < 1) return device;
  return "cuda:" + std::to_string(local_rank % gpus);
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
  const torch::Device device = c.torch_device();
  require(device.is_cpu() || device.is_cuda(), "device", "\"cpu\", \"cuda\" or \"cuda:I\"",
          "\"" + c.device + "\"");
  validate_perturbations(c.perturbations);
}

void from_json(const nlohmann::json& j, SpikingConfig& c) {
  spiking_config_table().read(j, c);
  validate_spiking_config(c);
}

void to_json(nlohmann::json& j, const SpikingConfig& c) { j = spiking_config_table().write(c); }

}  // namespace spikernn
