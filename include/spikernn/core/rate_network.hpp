/// @file
/// The rate RNN's own forward pass, to compare the spiking network against the network it came
/// from: x_t = (1 − 1/τ)·x_{t−1} + (1/τ)·(W_r·r_{t−1} + w_in·u_{t−1}), r = f(x), o = w_out·r +
/// b_out, with one step per stimulus column, W_r = (ReLU(w)·m)∘som_m under Dale's principle, τ per
/// unit from taus_gaus, x_0 = 0 and no noise.
#pragma once

#include <torch/torch.h>

#include "spikernn/core/rate_model.hpp"

namespace spikernn {

/// Output o_1 … o_{T−1} (T = columns of u, n_inputs × T) as a float64 tensor of T − 1 values.
torch::Tensor rate_network_output(const RateModel& model, const torch::Tensor& u);

}  // namespace spikernn
