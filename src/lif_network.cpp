#include "spikernn/lif_network.hpp"

#include <cmath>

#include "spikernn/error.hpp"

namespace spikernn {

using torch::indexing::None;
using torch::indexing::Slice;

AbstractSpikingRNN::AbstractSpikingRNN(SpikingConfig config) : config_(std::move(config)) {
  validate_spiking_config(config_);
}

void AbstractSpikingRNN::load_rate_weights(const std::string& model_path) {
  load_rate_weights(load_rate_model(model_path));
}

namespace {

void check_device_available(const SpikingConfig& config) {
  const torch::Device device = config.torch_device();
  if (!device.is_cuda()) return;
  if (!torch::cuda::is_available())
    throw InvalidArgument("device '" + config.device +
                          "': CUDA is not available (no GPU, or LibTorch built without CUDA)");
  if (device.has_index() && device.index() >= static_cast<int>(torch::cuda::device_count()))
    throw InvalidArgument("device '" + config.device + "': only " +
                          std::to_string(torch::cuda::device_count()) + " CUDA device(s)");
}

// numpy's `w / scaling_factor`: a true division per element in float64, as the port computes it.
torch::Tensor divide_like_numpy(const torch::Tensor& t, double divisor) {
  torch::Tensor in = t.to(torch::kCPU, torch::kFloat64).contiguous();
  torch::Tensor out = torch::empty_like(in);
  const double* a = in.data_ptr<double>();
  double* b = out.data_ptr<double>();
  for (int64_t i = 0; i < in.numel(); ++i) b[i] = a[i] / divisor;
  return out;
}

at::Generator make_generator(torch::Device device, uint64_t seed) {
  at::Generator generator = at::globalContext().defaultGenerator(device).clone();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_current_seed(seed);
  return generator;
}

// Time traces are recorded step-major (nt × B × N) and returned unit-major (B × N × nt).
torch::Tensor unit_major(const torch::Tensor& trace) {
  return trace.defined() ? trace.permute({1, 2, 0}).contiguous() : trace;
}

torch::Tensor first_trial(const torch::Tensor& t) { return t.defined() ? t.select(0, 0) : t; }

}  // namespace

LIFNetworkImpl::LIFNetworkImpl(SpikingConfig config) : AbstractSpikingRNN(std::move(config)) {
  check_device_available(config_);
  const auto options =
      torch::TensorOptions().dtype(config_.torch_dtype()).device(config_.torch_device());
  const auto empty = [&] { return torch::zeros({0}, options); };
  w_rec_ = register_buffer("w_rec", empty());
  W_ = register_buffer("W", empty());
  w_in_ = register_buffer("w_in", empty());
  w_out_raw_ = register_buffer("w_out_raw", empty());
  w_out_ = register_buffer("w_out", empty());
  td_ = register_buffer("td", empty());
  td0_ = register_buffer("td0", empty());
}

LIFNetworkImpl::LIFNetworkImpl(SpikingConfig config, const RateModel& model)
    : LIFNetworkImpl(std::move(config)) {
  load_rate_weights(model);
}

void LIFNetworkImpl::load_rate_weights(const RateModel& model) {
  validate_rate_model(model);
  const int64_t negative = model.negative_weight_count();
  if (!config_.clamp_negative_weights && negative > 0 && model.inh.any().item<bool>())
    warn_once((model.path.empty() ? std::string("rate model") : "'" + model.path + "'") + ": " +
              std::to_string(negative) + " of " + std::to_string(model.w.numel()) +
              " entries of 'w' are negative; the rate network used ReLU(w), but they are mapped "
              "as they are (as the PyTorch port does). Set clamp_negative_weights "
              "(--clamp-negative-weights) to map the network as it was trained.");
  config_.N = model.N;
  const auto options = W_.options();
  w_rec_.set_data(
      mapped_recurrent_weights(model, config_.use_initial_weights, config_.clamp_negative_weights)
          .to(options));
  w_in_.set_data(model.w_in.to(options));
  w_out_raw_.set_data(model.w_out.to(options));
  const SynapticDecay decay = synaptic_decay(model);
  td_.set_data(decay.td.to(options));
  td0_.set_data(decay.td0.to(options));
  loaded_ = true;
  apply_scaling_factor();
}

void LIFNetworkImpl::apply_scaling_factor() {
  const auto options = w_rec_.options();
  W_.set_data(divide_like_numpy(w_rec_, config_.scaling_factor).to(options));
  w_out_.set_data(divide_like_numpy(w_out_raw_, config_.scaling_factor).to(options));
  initialize_lif_params();
}

void LIFNetworkImpl::set_scaling_factor(double scaling_factor) {
  SpikingConfig changed = config_;
  changed.scaling_factor = scaling_factor;
  validate_spiking_config(changed);
  config_ = changed;
  if (loaded_) apply_scaling_factor();
}

void LIFNetworkImpl::initialize_lif_params() { params_ = current_params(); }

LIFParams LIFNetworkImpl::current_params() const {
  if (!loaded_) throw Error("LIFNetwork: no rate model loaded; call load_rate_weights first");
  const double dt = config_.dt * static_cast<double>(config_.downsample);
  return make_lif_params(dt, config_.tref, config_.tm, config_.vreset, config_.vpeak, config_.tr,
                         W_, td_);
}

torch::Tensor LIFNetworkImpl::compute_firing_rates(const torch::Tensor& spikes) const {
  const double dt = config_.dt * static_cast<double>(config_.downsample);
  return spikes.sum(-1) / (static_cast<double>(spikes.size(-1)) * dt);
}

SimulationResult LIFNetworkImpl::simulate(const torch::Tensor& u, const Stims& stims,
                                          const Record& record) {
  if (u.dim() != 2)
    throw InvalidArgument("stimulus u: expected a 2-D array (n_inputs × columns), found " +
                          std::to_string(u.dim()) + " dimensions");
  SimulationResult r = simulate_batch(u.unsqueeze(0), stims, record);
  for (torch::Tensor* t : {&r.REC, &r.spk, &r.rs, &r.IPSCs, &r.all_fr, &r.out})
    *t = first_trial(*t);
  return r;
}

SimulationResult LIFNetworkImpl::simulate_batch(const torch::Tensor& u, const Stims& stims,
                                                const Record& record,
                                                std::optional<uint64_t> seed) const {
  const LIFParams p = current_params();  // from the buffers, wherever .to() has put them
  const int64_t N = config_.N;
  if (u.dim() != 3 || u.size(1) != n_inputs())
    throw InvalidArgument("stimulus u: expected " + std::to_string(n_inputs()) +
                          " rows (the model's inputs), found shape " + c10::str(u.sizes()));
  if (!torch::isfinite(u).all().item<bool>())
    throw InvalidArgument("stimulus u: expected finite values, found NaN or Inf");
  validate_stims(stims, N);

  const auto options = W_.options();
  const int64_t B = u.size(0);
  const torch::Tensor u_ds =
      u.to(options).index({Slice(), Slice(), Slice(None, None, config_.downsample)});
  const int64_t columns = u_ds.size(2);
  if (columns < 2)
    throw InvalidArgument("stimulus u: expected at least 2 columns after downsampling by " +
                          std::to_string(config_.downsample) + ", found " +
                          std::to_string(columns));

  SimulationResult result;
  result.dt = p.dt;
  result.T = static_cast<double>(columns - 1) * p.dt * 100;
  result.nt = static_cast<int64_t>(std::nearbyint(result.T / p.dt));
  result.scaling_factor = config_.scaling_factor;
  result.seed = seed ? seed : config_.seed;
  const int64_t nt = result.nt;

  // w_in · u one trial at a time, as the port's 2-D product (same BLAS call, same rounding).
  std::vector<torch::Tensor> currents;
  for (int64_t b = 0; b < B; ++b) currents.push_back(torch::matmul(w_in_, u_ds[b]));
  const torch::Tensor current = torch::stack(currents).permute({2, 0, 1}).contiguous();

  torch::Tensor kick_units;
  if (stims.active()) {
    kick_units = torch::zeros({1, N}, options);
    kick_units.index_put_({0, torch::tensor(stims.units, torch::kLong).to(options.device())},
                          stims.kick());
  }

  const auto trace = [&](bool on) {
    return on ? torch::zeros({nt, B, N}, options) : torch::Tensor();
  };
  torch::Tensor REC = trace(record.REC), spk = trace(record.spk), rs = trace(record.rs),
                IPSCs = trace(record.IPSCs);
  torch::Tensor out = record.out ? torch::zeros({nt, B}, options) : torch::Tensor();
  torch::Tensor counts = torch::zeros({B, N}, options);

  // Without a seed, torch's global generator: `torch::manual_seed(s)` then behaves as in the port.
  at::Generator generator = result.seed ? make_generator(options.device(), *result.seed)
                                        : at::globalContext().defaultGenerator(options.device());
  LIFState state = lif_initial_state(p, B, generator);
  for (int64_t i = 0; i < nt; ++i) {
    if (IPSCs.defined()) IPSCs[i].copy_(state.ipsc);
    const int64_t column =
        std::min(static_cast<int64_t>(static_cast<double>(i) / 100 + 0.5), columns - 1);
    LIFStepInput input{current[column], torch::randn({B, N}, generator, options), {}};
    if (stims.active() && i >= stims.dur[0] && i < stims.dur[1]) {
      // The port draws one float32 coin per step inside the window.
      const torch::Tensor coin = torch::rand({B}, generator, options.dtype(torch::kFloat32));
      input.kick = coin.lt(0.5).to(options.dtype()).unsqueeze(1) * kick_units;
    }
    LIFStepOutput step = lif_step(p, state, input, i);
    state = std::move(step.state);
    if (spk.defined()) spk[i].copy_(step.spikes);
    if (REC.defined()) REC[i].copy_(step.v_record);
    if (rs.defined()) rs[i].copy_(state.r);
    if (i >= 10) counts.add_(step.spikes);
    if (out.defined()) out[i].copy_(torch::matmul(state.r, w_out_.t()).squeeze(1));
  }

  result.REC = unit_major(REC);
  result.spk = unit_major(spk);
  result.rs = unit_major(rs);
  result.IPSCs = unit_major(IPSCs);
  if (out.defined()) result.out = out.t().contiguous();
  if (record.all_fr) result.all_fr = counts / result.T;
  if (record.W) result.W = W_.clone();
  result.w_out = w_out_raw_.clone();
  result.td = td_.clone();
  result.td0 = td0_.clone();
  return result;
}

}  // namespace spikernn
