/// @file
/// The continuous rate RNN that the spiking network is converted from, as the `rate` package's
/// FR_RNN_dale, for training in C++. With one step per stimulus column (Δt = 1, in steps):
///
/// @verbatim
///   τ   = sigmoid(taus_gaus)·(τ_max − τ_min) + τ_min    (per unit; one fixed τ when one is given)
///   W_r = (ReLU(w)·m) ∘ som_m                          (Dale's principle; w·m without it)
///   x_t = (1 − Δt/τ) ∘ x_{t−1} + (Δt/τ) ∘ (W_r r_{t−1} + w_in u_{t−1}) + ξ_t/10,  ξ ~ N(0, 1)
///   r_t = f(x_t)                                       (sigmoid, clipped ReLU or softplus)
///   o_t = w_out r_t + b_out,                           x_0 ~ N(0, 1)/100
/// @endverbatim
///
/// Trained parameters: w, w_out, b_out and, with two decay constants, taus_gaus. The `rate`
/// package re-draws taus_gaus at every forward pass, so its decay constants are never trained; here
/// they are a parameter, as in the paper and its TensorFlow original.
#pragma once

#include <torch/torch.h>

#include <random>
#include <string>
#include <vector>

#include "spikernn/core/rate_model.hpp"

namespace spikernn {

struct RateRNNOptions {
  RateRNNOptions(int64_t N = 200, int64_t n_inputs = 1) : N_(N), n_inputs_(n_inputs) {}
  TORCH_ARG(int64_t, N);
  TORCH_ARG(int64_t, n_inputs);
  TORCH_ARG(double, P_inh) = 0.2;  ///< probability of a unit being inhibitory
  TORCH_ARG(double, P_rec) = 0.2;  ///< connection probability
  TORCH_ARG(int64_t, som_N) = 0;   ///< somatostatin units (the first som_N inhibitory ones)
  TORCH_ARG(std::string, w_dist) = "gaus";  ///< initial weights: "gaus" or "gamma"
  TORCH_ARG(double, gain) = 1.5;
  TORCH_ARG(bool, apply_dale) = true;
  TORCH_ARG(std::string, activation) = "sigmoid";  ///< sigmoid, clipped_relu or softplus
  TORCH_ARG(std::vector<double>, decay_taus) = std::vector<double>{4, 20};  ///< [min, max] or [τ]
  TORCH_ARG(double, noise_std) = 0.1;                                       ///< of ξ/10
};

/// Outputs of a batch of B trials of T columns: x and r are B × N × T (t = 0 … T−1), o is
/// B × (T − 1) (o_1 … o_{T−1}).
struct RateRNNOutput {
  torch::Tensor x, r, o;
};

class FRRNNDaleImpl : public torch::nn::Cloneable<FRRNNDaleImpl> {
 public:
  /// A new network drawn from `generator` as the rate package draws it: unit types, sparse
  /// recurrent weights, w_in ~ N(0, 1), w_out ~ N(0, 1)/100, taus_gaus ~ N(0, 1).
  explicit FRRNNDaleImpl(RateRNNOptions options, at::Generator generator = {});
  void reset() override;

  /// `u` is B × n_inputs × T (or n_inputs × T for one trial); noise and x_0 come from `generator`.
  RateRNNOutput forward(const torch::Tensor& u, at::Generator generator = {});

  /// The recurrent matrix W_r and the decay constants τ (N values, in steps) now.
  torch::Tensor effective_weights() const;
  torch::Tensor decay_constants() const;

  /// Zeroes a fraction of the existing connections of w at random (rate package's lesion_w), or
  /// the same fraction of each of the E→E, E→I, I→E and I→I connections (lesion_w_by_type).
  void lesion_w(double fraction, at::Generator generator = {});
  void lesion_w_by_type(double fraction, at::Generator generator = {});

  /// The network as a RateModel (float64), ready for LIFNetwork.
  RateModel to_rate_model() const;

  RateRNNOptions options;
  torch::Tensor w, w_out, b_out, taus_gaus;  ///< parameters (taus_gaus trained with two taus)
  torch::Tensor w_in, mask, som_mask, inh;   ///< buffers: inputs, sign mask, SOM mask, inh flags

 private:
  at::Generator init_generator_;
};
TORCH_MODULE(FRRNNDale);

}  // namespace spikernn
