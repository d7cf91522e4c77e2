#include "spikernn/rate_network.hpp"

#include "spikernn/error.hpp"

namespace spikernn {

torch::Tensor rate_network_output(const RateModel& model, const torch::Tensor& u_in) {
  const std::string& act = model.activation;
  if (act != "sigmoid" && act != "clipped_relu" && act != "softplus")
    throw ModelFormatError("'" + model.path + "': variable 'activation': expected sigmoid, " +
                           "clipped_relu or softplus, found '" + act + "'");
  const torch::Tensor u = u_in.to(torch::kFloat64);
  if (u.dim() != 2 || u.size(0) != model.n_inputs())
    throw InvalidArgument("stimulus u: expected " + std::to_string(model.n_inputs()) +
                          " rows (the model's inputs), found shape " + c10::str(u.sizes()));
  const auto f = [&](const torch::Tensor& x) {
    if (act == "sigmoid") return torch::sigmoid(x);
    return torch::clamp(act == "softplus" ? torch::softplus(x) : torch::relu(x), 0, 20);
  };
  // The rate network used ReLU(w) under Dale's principle: the clamped mapping.
  const bool dale = model.inh.any().item<bool>();
  const torch::Tensor w_rec = mapped_recurrent_weights(model, false, /*clamp=*/dale);
  torch::Tensor tau;
  if (model.taus.numel() == 2) {
    const double lo = model.taus[0].item<double>(), hi = model.taus[1].item<double>();
    tau = torch::sigmoid(model.taus_gaus) * (hi - lo) + lo;
  } else {
    tau = torch::full({model.N}, model.taus[0].item<double>(), torch::kFloat64);
  }
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
