#include "spikernn/core/rate_rnn.hpp"

#include <cmath>

#include "generators.hpp"
#include "rate_dynamics.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {

namespace {

void check_options(const RateRNNOptions& o) {
  const auto fail = [](const std::string& what, const std::string& expected,
                       const std::string& found) {
    throw InvalidArgument("rate network " + what + ": expected " + expected + ", found " + found);
  };
  if (o.N() < 1) fail("N", ">= 1", std::to_string(o.N()));
  if (o.n_inputs() < 1) fail("n_inputs", ">= 1", std::to_string(o.n_inputs()));
  if (!(o.P_inh() >= 0 && o.P_inh() <= 1))
    fail("P_inh", "a value in [0, 1]", std::to_string(o.P_inh()));
  if (!(o.P_rec() > 0 && o.P_rec() <= 1))
    fail("P_rec", "a value in (0, 1]", std::to_string(o.P_rec()));
  if (o.som_N() < 0) fail("som_N", ">= 0", std::to_string(o.som_N()));
  if (o.w_dist() != "gaus" && o.w_dist() != "gamma") fail("w_dist", "gaus or gamma", o.w_dist());
  if (!(o.gain() > 0)) fail("gain", "> 0", std::to_string(o.gain()));
  if (!is_rate_activation(o.activation()))
    fail("activation", "sigmoid, clipped_relu or softplus", o.activation());
  const auto& taus = o.decay_taus();
  if (taus.empty() || taus.size() > 2 || !(taus.front() >= 1) ||
      (taus.size() == 2 && !(taus[1] > taus[0])))
    fail("decay_taus", "one value >= 1 (steps), or MIN MAX with 1 <= MIN < MAX",
         std::to_string(taus.size()) + " value(s)");
}

}  // namespace

FRRNNDaleImpl::FRRNNDaleImpl(RateRNNOptions options_, at::Generator generator)
    : options(std::move(options_)), init_generator_(generator_or_global(generator, torch::kCPU)) {
  check_options(options);
  reset();
}

void FRRNNDaleImpl::reset() {
  const int64_t N = options.N();
  at::Generator& g = init_generator_;
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  // Same draws, in the same order, as the rate package (from torch's generator, not numpy's).
  const torch::Tensor inh_flags = options.apply_dale()
                                      ? torch::rand({N}, g, f32).lt(options.P_inh())
                                      : torch::zeros({N}, torch::kBool);
  const torch::Tensor connected = torch::rand({N, N}, g, f32).lt(options.P_rec());
  torch::Tensor w0;
  if (options.w_dist() == "gamma") {
    w0 = at::_standard_gamma(torch::full({N, N}, 2.0, f32), g) * 0.003;
  } else {
    w0 = torch::randn({N, N}, g, f32) * (options.gain() / std::sqrt(N * options.P_rec()));
  }
  w0 = w0 * connected;
  if (options.apply_dale()) w0 = w0.abs();
  torch::Tensor m = torch::diag(torch::where(inh_flags, -1.0f, 1.0f));
  torch::Tensor som = torch::ones({N, N}, f32);
  if (options.som_N() > 0) {
    const torch::Tensor inh_units = inh_flags.nonzero().squeeze(1);
    const int64_t n_som = std::min(options.som_N(), inh_units.size(0));
    for (int64_t k = 0; k < n_som; ++k)
      som[inh_units[k].item<int64_t>()].masked_fill_(inh_flags, 0);
  }
  w = register_parameter("w", w0);
  w_out = register_parameter("w_out", torch::randn({1, N}, g, f32) / 100);
  b_out = register_parameter("b_out", torch::zeros({}, f32));
  taus_gaus = register_parameter("taus_gaus", torch::randn({N}, g, f32),
                                 /*requires_grad=*/options.decay_taus().size() == 2);
  w_in = register_buffer("w_in", torch::randn({N, options.n_inputs()}, g, f32));
  mask = register_buffer("mask", m);
  som_mask = register_buffer("som_mask", som);
  inh = register_buffer("inh", inh_flags);
}

torch::Tensor FRRNNDaleImpl::effective_weights() const {
  const torch::Tensor positive = options.apply_dale() ? torch::relu(w) : w;
  return torch::matmul(positive, mask) * som_mask;
}

torch::Tensor FRRNNDaleImpl::decay_constants() const {
  return rate_time_constants(options.decay_taus(), taus_gaus);
}

RateRNNOutput FRRNNDaleImpl::forward(const torch::Tensor& u_in, at::Generator generator) {
  const torch::Tensor u =
      (u_in.dim() == 2 ? u_in.unsqueeze(0) : u_in).to(w.options().requires_grad(false));
  if (u.dim() != 3 || u.size(1) != options.n_inputs() || u.size(2) < 2)
    throw InvalidArgument("stimulus u: expected " + std::to_string(options.n_inputs()) +
                          " input rows and at least 2 columns, found shape " +
                          c10::str(u_in.sizes()));
  at::Generator g = generator_or_global(generator, w.device());
  const int64_t B = u.size(0), N = options.N(), T = u.size(2);
  // W_r and τ do not change within a trial: computed once, not at every step as in the port.
  const torch::Tensor Wr_t = effective_weights().t();
  const torch::Tensor alpha = 1.0 / decay_constants();
  const torch::Tensor input = torch::matmul(w_in, u);  // B × N × T
  torch::Tensor x = torch::randn({B, N}, g, w.options().requires_grad(false)) / 100;
  torch::Tensor r = rate_activation(options.activation(), x);
  std::vector<torch::Tensor> xs{x}, rs{r}, os;
  for (int64_t t = 1; t < T; ++t) {
    const torch::Tensor noise = torch::randn({B, N}, g, x.options().requires_grad(false));
    x = (1 - alpha) * x + alpha * (torch::matmul(r, Wr_t) + input.select(2, t - 1)) +
        noise * options.noise_std();
    r = rate_activation(options.activation(), x);
    xs.push_back(x);
    rs.push_back(r);
    os.push_back(torch::matmul(r, w_out.t()).squeeze(1) + b_out);
  }
  return {torch::stack(xs, 2), torch::stack(rs, 2), torch::stack(os, 1)};
}

namespace {

// Zeroes `fraction` of the nonzero entries of `w` among those where `where` is set.
void zero_fraction(torch::Tensor& w, const torch::Tensor& where, double fraction,
                   at::Generator& g) {
  const torch::Tensor candidates = (w.ne(0) & where).nonzero();
  const int64_t n = static_cast<int64_t>(fraction * static_cast<double>(candidates.size(0)));
  if (n == 0) return;
  const torch::Tensor chosen = candidates.index_select(
      0, torch::randperm(candidates.size(0), g, torch::kLong).slice(0, 0, n).to(w.device()));
  w.index_put_({chosen.select(1, 0), chosen.select(1, 1)}, 0);
}

void check_fraction(double fraction) {
  if (!(fraction >= 0 && fraction <= 1))
    throw InvalidArgument("lesion fraction: expected a value in [0, 1], found " +
                          std::to_string(fraction));
}

}  // namespace

void FRRNNDaleImpl::lesion_w(double fraction, at::Generator generator) {
  check_fraction(fraction);
  at::Generator g = generator_or_global(generator, torch::kCPU);
  torch::NoGradGuard no_grad;
  zero_fraction(w, torch::ones_like(w, torch::kBool), fraction, g);
}

void FRRNNDaleImpl::lesion_w_by_type(double fraction, at::Generator generator) {
  check_fraction(fraction);
  at::Generator g = generator_or_global(generator, torch::kCPU);
  torch::NoGradGuard no_grad;
  const torch::Tensor i = inh, e = inh.logical_not();
  // Rows receive, columns send: E→E, E→I, I→E, I→I.
  for (const auto& [to, from] :
       {std::pair{e, e}, std::pair{i, e}, std::pair{e, i}, std::pair{i, i}})
    zero_fraction(w, torch::outer(to, from), fraction, g);
}

RateModel FRRNNDaleImpl::to_rate_model() const {
  const auto f64 = [](const torch::Tensor& t) {
    return t.detach().to(torch::kCPU, torch::kFloat64);
  };
  RateModel m;
  m.N = options.N();
  m.w = f64(w);
  m.w_in = f64(w_in);
  m.w_out = f64(w_out);
  m.m = f64(mask);
  m.som_m = f64(som_mask);
  m.inh = inh.to(torch::kCPU);
  m.exc = m.inh.logical_not();
  m.taus = torch::tensor(options.decay_taus(), torch::kFloat64);
  m.taus_gaus = f64(taus_gaus);
  m.taus_gaus0 = m.taus_gaus.clone();
  m.b_out = b_out.item<double>();
  m.activation = options.activation();
  return m;
}

}  // namespace spikernn
