#include "spikernn/core/lif_step.hpp"

namespace spikernn {

LIFParams make_lif_params(double dt, double tref, double tm, double vreset, double vpeak, double tr,
                          const torch::Tensor& W, const torch::Tensor& td) {
  LIFParams p;
  p.dt = dt;
  p.tref = tref;
  p.tm = tm;
  p.vreset = vreset;
  p.vpeak = vpeak;
  p.W = W;
  // Written as Python evaluates the port's `torch.exp(-dt / td)`: `scalar / tensor` is
  // reciprocal(tensor) · scalar there, and torch's exp may round differently from std::exp.
  const torch::Tensor tr_t = torch::tensor(tr, td.options());
  p.decay_syn = torch::exp(td.reciprocal() * -dt);
  p.decay_rise = torch::exp(tr_t.reciprocal() * -dt);
  p.rise_decay = tr_t * td;
  return p;
}

LIFState lif_initial_state(const LIFParams& params, int64_t batch, at::Generator& generator) {
  const int64_t N = params.W.size(0);
  const auto options = params.W.options();
  LIFState s;
  s.v =
      params.vreset + torch::rand({batch, N}, generator, options) * (params.vspike - params.vreset);
  s.tlast = torch::zeros({batch, N}, options);
  s.ipsc = torch::zeros({batch, N}, options);
  s.h = torch::zeros({batch, N}, options);
  s.r = torch::zeros({batch, N}, options);
  s.hr = torch::zeros({batch, N}, options);
  return s;
}

namespace {

// Σ of the columns of W for the units that fired. A batch of one selects the columns as the port
// does (same op, same summation order). Larger batches add only the fired columns on the CPU,
// where spikes are rare, and use one product on a GPU, where finding them would stall the device.
torch::Tensor recurrent_input(const torch::Tensor& W, const torch::Tensor& fired,
                              const torch::Tensor& spikes) {
  if (fired.size(0) == 1) {
    const torch::Tensor index = fired[0].nonzero().squeeze(1);
    return W.index({torch::indexing::Slice(), index}).sum(1).unsqueeze(0);
  }
  if (W.is_cuda()) return torch::matmul(spikes, W.t());
  const torch::Tensor events = fired.nonzero();  // rows of (trial, unit)
  return torch::zeros_like(spikes).index_add_(0, events.select(1, 0),
                                              W.t().index_select(0, events.select(1, 1)));
}

}  // namespace

LIFStepOutput lif_step(const LIFParams& p, const LIFState& s, const LIFStepInput& in,
                       int64_t step) {
  const double now = p.dt * static_cast<double>(step + 1);
  torch::Tensor current = s.ipsc + p.vpeak;
  current = current + in.current;
  const torch::Tensor active = (s.tlast + p.tref).lt(now).to(s.v.scalar_type());
  const torch::Tensor dv = active * (-s.v + current) / p.tm;
  torch::Tensor v = s.v + p.dt * dv + in.noise / 10;
  if (in.kick.defined()) v = v + in.kick;

  const torch::Tensor fired = v.ge(p.vpeak);
  const torch::Tensor spikes = fired.to(v.scalar_type());
  const torch::Tensor jd = recurrent_input(p.W, fired, spikes);

  LIFStepOutput out;
  LIFState& n = out.state;
  n.tlast = s.tlast + (now - s.tlast) * spikes;
  n.ipsc = s.ipsc * p.decay_syn + s.h * p.dt;
  n.h = s.h * p.decay_rise + jd / p.rise_decay;
  n.r = s.r * p.decay_syn + s.hr * p.dt;
  n.hr = s.hr * p.decay_rise + spikes / p.rise_decay;
  out.v_record = v + (p.vspike - v) * spikes;
  n.v = out.v_record + (p.vreset - out.v_record) * spikes;
  out.spikes = spikes;
  return out;
}

}  // namespace spikernn
