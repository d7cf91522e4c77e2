/// @file
/// Settings of the LIF network, with the PyTorch port's `SpikingConfig` fields and defaults, plus
/// the options spikernn adds (seed, dtype, engine, noise, weight clamping). JSON in and out through
/// nlohmann/json's to_json / from_json hooks, both derived from spiking_config_table().
#pragma once

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "spikernn/core/perturbations.hpp"
#include "spikernn/core/settings_table.hpp"

namespace spikernn {

/// How the LIF equations run: "reference", one torch op per term on any device; "fused", the
/// fused kernel (CPU with either noise, CUDA with noise "fast" only); "auto", fused except the
/// reference for noise "torch" on CUDA. On the CPU both give the same numbers with noise "torch".
enum class Engine { Auto, Reference, Fused };
/// "torch": torch's generator, the port's streams (parity); "fast": per-trial streams
/// (xoshiro256++ and ziggurat on the CPU, Philox on CUDA; fused engines only), statistically
/// equivalent and several times faster.
enum class Noise { Torch, Fast };
/// "float64" (parity with the port) or "float32".
enum class FloatType { Float64, Float32 };

const EnumNames<Engine>& engine_names();
const EnumNames<Noise>& noise_names();
const EnumNames<FloatType>& float_type_names();
inline std::string to_string(Engine e) { return enum_name(engine_names(), e); }
inline std::string to_string(Noise n) { return enum_name(noise_names(), n); }
inline std::string to_string(FloatType f) { return enum_name(float_type_names(), f); }

/// The port's `SpikingConfig` fields and defaults, plus the options spikernn adds. Each field is
/// declared once more, with its key and help, in spiking_config_table().
struct SpikingConfig {
  int64_t N = 200;
  double dt = 0.00005;
  int64_t downsample = 1;
  double scaling_factor = 50.0;
  double tref = 0.002;
  double tm = 0.010;
  double vreset = -65.0;
  double vpeak = -40.0;
  double tr = 0.002;
  bool use_initial_weights = false;
  std::string device = "cpu";
  std::optional<uint64_t> seed;
  FloatType dtype = FloatType::Float64;
  bool clamp_negative_weights = false;
  Engine engine = Engine::Auto;
  Noise noise = Noise::Torch;
  /// Circuit manipulations applied when a model is mapped (spikernn/core/perturbations.hpp).
  Perturbations perturbations;

  torch::Device torch_device() const;
  torch::Dtype torch_dtype() const;
};

/// The keys, help and JSON form of every SpikingConfig field (the reference of docs/cli.md).
const SettingsTable<SpikingConfig>& spiking_config_table();

/// The port's defaults with `overrides` applied, validated: the port's
/// `create_default_spiking_config(**kwargs)`, as `create_default_spiking_config({{"N", 300},
/// {"scaling_factor", 25.0}})`. Throws ConfigError naming the key for an unknown key, a value of
/// the wrong type or an invalid value.
SpikingConfig create_default_spiking_config(
    const nlohmann::json& overrides = nlohmann::json::object());

/// The device one process of a multi-process run uses: "cuda" without an index names GPU
/// `local_rank % gpus` of its node, so that the ranks on a node share out its GPUs; any other
/// device ("cpu", an explicit "cuda:I"), or no GPU at all, leaves `device` as it is.
std::string device_for_local_rank(const std::string& device, int64_t local_rank, int64_t gpus);

/// The port's rules (N > 0, dt > 0, downsample >= 1, λ > 0, tref >= 0, tm > 0, tr > 0,
/// vpeak > vreset) plus finite values, a known dtype, a parseable device and valid perturbations.
/// Throws ConfigError.
void validate_spiking_config(const SpikingConfig& config);

/// Throws ConfigError naming the key for an unknown key or a value of the wrong type; the values
/// are validated. Keys that are absent keep their defaults.
void from_json(const nlohmann::json& j, SpikingConfig& config);
void to_json(nlohmann::json& j, const SpikingConfig& config);

}  // namespace spikernn
