/// @file
/// Settings of the LIF network, with the PyTorch port's `SpikingConfig` fields and defaults, plus
/// the options spikernn adds (seed, dtype, recording, weight clamping). JSON in and out through
/// nlohmann/json's to_json / from_json hooks.
#pragma once

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spikernn {

struct SpikingConfig {
  int64_t N = 200;                   ///< number of units (taken from the model when one is loaded)
  double dt = 0.00005;               ///< integration step before downsampling (s)
  int64_t downsample = 1;            ///< keep every k-th stimulus column; the step becomes k·dt
  double scaling_factor = 50.0;      ///< λ: recurrent and readout weights are divided by it
  double tref = 0.002;               ///< refractory period (s)
  double tm = 0.010;                 ///< membrane time constant (s)
  double vreset = -65.0;             ///< reset voltage (mV)
  double vpeak = -40.0;              ///< spike threshold (mV); also the bias current
  double tr = 0.002;                 ///< synaptic rise time (s)
  bool use_initial_weights = false;  ///< map w0 instead of the trained w
  std::string device = "cpu";        ///< "cpu", "cuda" or "cuda:I"
  std::optional<uint64_t> seed;      ///< random seed; unset uses torch's global generator
  std::string dtype = "float64";     ///< "float64" (parity with the port) or "float32"
  bool clamp_negative_weights = false;  ///< map ReLU(w), the weights the rate network used
  /// "reference": one torch op per term, any device. "fused": the fused kernel, on the CPU with
  /// either noise, on CUDA with noise "fast" only. "auto": fused, except the reference for noise
  /// "torch" on CUDA. On the CPU both engines give the same numbers with noise "torch".
  std::string engine = "auto";
  /// "torch": torch's generator, the port's streams (parity); "fast": per-trial streams
  /// (xoshiro256++ and ziggurat on the CPU, Philox on CUDA; fused engines only), statistically
  /// equivalent and several times faster.
  std::string noise = "torch";

  torch::Device torch_device() const;
  torch::Dtype torch_dtype() const;
};

/// The port's defaults, validated.
SpikingConfig create_default_spiking_config();

/// The port's rules (N > 0, dt > 0, downsample >= 1, λ > 0, tref >= 0, tm > 0, tr > 0,
/// vpeak > vreset) plus finite values, a known dtype and a parseable device. Throws ConfigError.
void validate_spiking_config(const SpikingConfig& config);

/// Throws ConfigError naming the key for an unknown key or a value of the wrong type; the values
/// are validated. Keys that are absent keep their defaults.
void from_json(const nlohmann::json& j, SpikingConfig& config);
void to_json(nlohmann::json& j, const SpikingConfig& config);

/// The JSON keys a SpikingConfig reads, so that larger configs can pass them through.
const std::vector<std::string>& spiking_config_keys();

}  // namespace spikernn
