// The rate network's activation and decay constants, defined once for the trainer (rate_rnn.cpp)
// and the forward pass that evaluations compare with (rate_network.cpp). The LIF mapping's
// synaptic_decay (rate_model.cpp) evaluates the same τ formula element by element in numpy's
// order instead, because the port's spikes depend on its exact rounding.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace spikernn {

inline bool is_rate_activation(const std::string& name) {
  return name == "sigmoid" || name == "clipped_relu" || name == "softplus";
}

// r = f(x): sigmoid, or ReLU / softplus clipped to [0, 20].
inline torch::Tensor rate_activation(const std::string& name, const torch::Tensor& x) {
  if (name == "sigmoid") return torch::sigmoid(x);
  return torch::clamp(name == "softplus" ? torch::softplus(x) : torch::relu(x), 0, 20);
}

// τ per unit, in rate steps: sigmoid(taus_gaus)·(τ_max − τ_min) + τ_min for taus = [min, max], or
// the one fixed τ for every unit (of taus_gaus.size(0) units, with its options).
inline torch::Tensor rate_time_constants(const std::vector<double>& taus,
                                         const torch::Tensor& taus_gaus) {
  if (taus.size() == 1)
    return torch::full({taus_gaus.size(0)}, taus[0], taus_gaus.options().requires_grad(false));
  return torch::sigmoid(taus_gaus) * (taus[1] - taus[0]) + taus[0];
}

}  // namespace spikernn
