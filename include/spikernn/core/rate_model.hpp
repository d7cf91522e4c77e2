/// @file
/// A trained rate RNN as the PyTorch `rate` package (or the TensorFlow original) saves it, and its
/// mapping onto the recurrent weights and synaptic decay constants of the LIF network.
#pragma once

#include <torch/torch.h>

#include <map>
#include <optional>
#include <string>

namespace spikernn {

/// Every tensor is float64 on the CPU; shapes follow the PyTorch port's `LIF_network_fnc`.
struct RateModel {
  std::string path;          ///< file it was loaded from ("" if built in memory)
  int64_t N = 0;             ///< number of units
  torch::Tensor w;           ///< N × N trained recurrent weights (raw, as saved)
  torch::Tensor w0;          ///< N × N initial weights; undefined if the file has none
  torch::Tensor w_in;        ///< N × n_inputs
  torch::Tensor w_out;       ///< 1 × N
  torch::Tensor m;           ///< N × N sign mask (diagonal ±1 under Dale's principle)
  torch::Tensor som_m;       ///< N × N somatostatin connectivity mask
  torch::Tensor inh;         ///< N, bool
  torch::Tensor exc;         ///< N, bool
  torch::Tensor taus;        ///< 1 or 2 values: a fixed decay constant or its [min, max] (in steps)
  torch::Tensor taus_gaus;   ///< N, trained decay parameters (used when taus has 2 values)
  torch::Tensor taus_gaus0;  ///< N, initial decay parameters
  std::optional<double> b_out;               ///< readout bias, when present
  std::optional<double> opt_scaling_factor;  ///< λ stored by a grid search, when present
  std::string activation = "sigmoid";        ///< rate activation: sigmoid, clipped_relu, softplus
  std::string task;             ///< the task the file records (spikernn's trainer), or ""
  torch::Tensor last_stimulus;  ///< the last training stimulus `u` (4-input models), if saved

  int64_t n_inputs() const { return w_in.size(1); }
  /// Entries of `w` below zero among connections the rate network's ReLU(w) never used.
  int64_t negative_weight_count() const;
};

/// Builds a model from its arrays, named and shaped as the `rate` package (or the TensorFlow
/// original) saves them: any numeric or logical dtype (converted to float64 on the CPU), vectors
/// 1-D, as rows or as columns, N and the other scalars as 0-D or 1 × 1. Required: N, w, m, som_m,
/// w_in, w_out, inh, exc, taus, and taus_gaus and taus_gaus0 when taus holds [min, max]; optional:
/// w0, b_out, opt_scaling_factor, u (kept as `last_stimulus` for a 4-input model); others are
/// ignored. `source` names the model in errors (a file
/// path, or "" for "rate model"). Throws ModelFormatError naming the variable, what was expected
/// and what was found for a missing, mis-shaped or non-finite array, or an `N` that disagrees.
RateModel rate_model_from_arrays(const std::map<std::string, torch::Tensor>& arrays,
                                 const std::string& source = "",
                                 const std::string& activation = "sigmoid");

/// Checks shapes and values of a model built in memory; throws ModelFormatError like the loader.
void validate_rate_model(const RateModel& model);

/// The LIF network's recurrent weights before scaling: (w · m) ∘ som_m, with w0 in place of w when
/// `use_initial_weights`, and ReLU(w) in place of w when `clamp_negative_weights` (the rate network
/// as it was trained under Dale's principle).
torch::Tensor mapped_recurrent_weights(const RateModel& model, bool use_initial_weights,
                                       bool clamp_negative_weights);

/// Synaptic decay constants in seconds: sigmoid(taus_gaus) · (taus[1] − taus[0]) + taus[0], times
/// 5/1000, per unit (N values); a single `taus` value gives one constant for every unit.
struct SynapticDecay {
  torch::Tensor td;   ///< trained (N values, or a 0-D tensor for a fixed tau)
  torch::Tensor td0;  ///< before training
};
SynapticDecay synaptic_decay(const RateModel& model);

}  // namespace spikernn
