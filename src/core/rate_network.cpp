#include "spikernn/core/rate_network.hpp"

#include "rate_dynamics.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {

torch::Tensor rate_network_output(const RateModel& model, const torch::Tensor& u_in) {
  const std::string& act = model.activation;
  if (!is_rate_activation(act))
    throw ModelFormatError("'" + model.path + "': variable 'activation': expected sigmoid, " +
                           "clipped_relu or softplus, found '" + act + "'");
  const torch::Tensor u = u_in.to(torch::kFloat64);
  if (u.dim() != 2 || u.size(0) != model.n_inputs())
    throw InvalidArgument("stimulus u: expected " + std::to_string(model.n_inputs()) +
                          " rows (the model's inputs), found shape " + c10::str(u.sizes()));
  const auto f = [&](const torch::Tensor& x) { return rate_activation(act, x); };
  // The rate network used ReLU(w) under Dale's principle: the clamped mapping.
  const bool dale = model.inh.any().item<bool>();
  const torch::Tensor w_rec = mapped_recurrent_weights(model, false, /*clamp=*/dale);
  const torch::Tensor taus = model.taus.contiguous();
  const torch::Tensor tau = rate_time_constants(
      std::vector<double>(taus.data_ptr<double>(), taus.data_ptr<double>() + taus.numel()),
      model.taus_gaus.defined() ? model.taus_gaus : torch::zeros({model.N}, torch::kFloat64));
  const double b_out = model.b_out.value_or(0.0);
  const int64_t T = u.size(1);
  torch::Tensor x = torch::zeros({model.N}, torch::kFloat64);
  torch::Tensor r = f(x);
  torch::Tensor o = torch::empty({T - 1}, torch::kFloat64);
  const torch::Tensor input = torch::matmul(model.w_in, u);  // N × T
  for (int64_t t = 1; t < T; ++t) {
    x = (1 - 1 / tau) * x + (1 / tau) * (torch::mv(w_rec, r) + input.select(1, t - 1));
    r = f(x);
    o[t - 1] = torch::dot(model.w_out.reshape({-1}), r) + b_out;
  }
  return o;
}

}  // namespace spikernn
