#include "spikernn/core/lif_network.hpp"

#include <cmath>
#include <vector>

#include "build_config.hpp"
#include "generators.hpp"
#include "lif_backends.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/time_grid.hpp"

namespace spikernn {

using torch::indexing::None;
using torch::indexing::Slice;

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

enum class Backend { Reference, FusedCpu, FusedCuda };

// Record::spike_list from the fused CPU kernel's per-trial (step, unit) pairs.
torch::Tensor spike_list_from(const std::vector<std::vector<int64_t>>& events) {
  int64_t total = 0;
  for (const auto& e : events) total += static_cast<int64_t>(e.size()) / 2;
  torch::Tensor list = torch::empty({total, 3}, torch::kLong);
  int64_t* row = list.data_ptr<int64_t>();
  for (size_t b = 0; b < events.size(); ++b)
    for (size_t k = 0; k + 1 < events[b].size(); k += 2) {
      *row++ = static_cast<int64_t>(b);
      *row++ = events[b][k];
      *row++ = events[b][k + 1];
    }
  return list;
}

// Record::spike_list from a B × N × nt spike trace, in (trial, step, unit) order.
torch::Tensor spike_list_from(const torch::Tensor& spk) {
  const torch::Tensor at = spk.to(torch::kCPU).nonzero();  // (trial, unit, step) rows
  const torch::Tensor list =
      torch::stack({at.select(1, 0), at.select(1, 2), at.select(1, 1)}, 1).contiguous();
  const int64_t N = spk.size(1), nt = spk.size(2);
  const torch::Tensor key = (list.select(1, 0) * nt + list.select(1, 1)) * N + list.select(1, 2);
  return list.index_select(0, key.argsort());
}

// CPU: the fused kernel unless the reference is asked for. CUDA: the reference (torch's noise,
// as the port draws it on the GPU), or the fused kernel with the fast noise.
Backend choose_backend(const SpikingConfig& c, const torch::Device& device) {
  const std::string found = "found device " + device.str() + ", engine " + to_string(c.engine) +
                            ", noise " + to_string(c.noise);
  if (device.is_cpu()) {
    if (c.engine == Engine::Reference) {
      if (c.noise == Noise::Fast)
        throw InvalidArgument("noise 'fast': needs a fused engine (engine auto or fused), " +
                              found);
      return Backend::Reference;
    }
    return Backend::FusedCpu;
  }
  if (c.noise == Noise::Torch) {
    if (c.engine == Engine::Fused)
      throw InvalidArgument(
          "engine 'fused': on CUDA it draws its own noise, so it needs noise "
          "'fast', " +
          found);
    return Backend::Reference;
  }
  if (c.engine == Engine::Reference)
    throw InvalidArgument("noise 'fast': needs a fused engine (engine auto or fused), " + found);
  if (!SPIKERNN_WITH_CUDA)
    throw InvalidArgument("engine 'fused': this spikernn was built without CUDA kernels, " + found);
  return Backend::FusedCuda;
}

torch::Tensor first_trial(const torch::Tensor& t) { return t.defined() ? t.select(0, 0) : t; }

}  // namespace

LIFNetworkImpl::LIFNetworkImpl(SpikingConfig config) : AbstractSpikingRNN(std::move(config)) {
  check_device_available(config_);
  reset();
}

LIFNetworkImpl::LIFNetworkImpl(SpikingConfig config, const RateModel& model)
    : LIFNetworkImpl(std::move(config)) {
  load_rate_weights(model);
}

void LIFNetworkImpl::reset() {
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

void LIFNetworkImpl::load_rate_weights(const RateModel& model) {
  validate_rate_model(model);
  warnings_.clear();
  const int64_t negative = model.negative_weight_count();
  if (!config_.clamp_negative_weights && negative > 0 && model.inh.any().item<bool>())
    warnings_.push_back(
        (model.path.empty() ? std::string("rate model") : "'" + model.path + "'") + ": " +
        std::to_string(negative) + " of " + std::to_string(model.w.numel()) +
        " entries of 'w' are negative; the rate network used ReLU(w), but they are mapped as "
        "they are (as the PyTorch port does). Set clamp_negative_weights "
        "(--clamp-negative-weights) to map the network as it was trained.");
  config_.N = model.N;
  const auto options = W_.options();
  MappedWeights mapped{
      mapped_recurrent_weights(model, config_.use_initial_weights, config_.clamp_negative_weights),
      model.w_in, model.w_out};
  // On w_rec, before λ, so that set_scaling_factor keeps them; on the host in float64, so that the
  // draws and the numbers are the same on every device. None asked for: the tensors as they are.
  const Perturbations& perturbations = config_.perturbations;
  perturb_seed_ = resolve_perturb_seed(perturbations, config_.seed);
  if (perturbations.changes_weights())
    mapped = apply_perturbations(perturbations, mapped, model.exc, perturb_seed_);
  w_rec_.set_data(mapped.w_rec.to(options));
  w_in_.set_data(mapped.w_in.to(options));
  w_out_raw_.set_data(mapped.w_out.to(options));
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
}

void LIFNetworkImpl::set_scaling_factor(double scaling_factor) {
  SpikingConfig changed = config_;
  changed.scaling_factor = scaling_factor;
  validate_spiking_config(changed);
  config_ = changed;
  if (loaded_) apply_scaling_factor();
}

void LIFNetworkImpl::to(torch::Device device, torch::Dtype dtype, bool non_blocking) {
  const SpikingConfig moved = moved_config(device, dtype);
  Cloneable::to(device, dtype, non_blocking);
  config_ = moved;
}

void LIFNetworkImpl::to(torch::Dtype dtype, bool non_blocking) {
  const SpikingConfig moved = moved_config(device(), dtype);
  Cloneable::to(dtype, non_blocking);
  config_ = moved;
}

void LIFNetworkImpl::to(torch::Device device, bool non_blocking) {
  const SpikingConfig moved = moved_config(device, W_.scalar_type());
  Cloneable::to(device, non_blocking);
  config_ = moved;
}

SpikingConfig LIFNetworkImpl::moved_config(torch::Device device, torch::Dtype dtype) const {
  SpikingConfig moved = config_;
  moved.device = device.str();
  if (dtype != torch::kFloat32 && dtype != torch::kFloat64)
    throw ConfigError(std::string("key 'dtype': expected \"float64\" or \"float32\", found ") +
                      c10::toString(dtype));
  moved.dtype = dtype == torch::kFloat32 ? FloatType::Float32 : FloatType::Float64;
  validate_spiking_config(moved);
  check_device_available(moved);
  return moved;
}

LIFParams LIFNetworkImpl::lif_params() const {
  if (!loaded_) throw Error("LIFNetwork: no rate model loaded; call load_rate_weights first");
  const double dt = config_.dt * static_cast<double>(config_.downsample);
  return make_lif_params(dt, config_.tref, config_.tm, config_.vreset, config_.vpeak, config_.tr,
                         W_, td_);
}

torch::Tensor LIFNetworkImpl::compute_firing_rates(const torch::Tensor& spikes) const {
  const double dt = config_.dt * static_cast<double>(config_.downsample);
  const int64_t nt = spikes.size(-1);
  return spikes.slice(-1, std::min(kRateWindowStart, nt)).sum(-1) / (static_cast<double>(nt) * dt);
}

SimulationResult LIFNetworkImpl::simulate(const torch::Tensor& u, const Stims& stims,
                                          const Record& record) {
  if (u.dim() != 2)
    throw InvalidArgument("stimulus u: expected a 2-D array (n_inputs × columns), found " +
                          std::to_string(u.dim()) + " dimensions");
  SimulationResult r = simulate_batch(u.unsqueeze(0), stims, record);
  for (torch::Tensor* t : {&r.REC, &r.spk, &r.rs, &r.IPSCs, &r.all_fr, &r.out})
    *t = first_trial(*t);
  if (r.spike_list.defined()) r.spike_list = r.spike_list.slice(1, 1).contiguous();
  return r;
}

SimulationResult LIFNetworkImpl::simulate_batch(const torch::Tensor& u, const Stims& stims,
                                                const Record& record,
                                                std::optional<uint64_t> seed) const {
  const LIFParams p = lif_params();  // from the buffers, wherever .to() has put them
  const int64_t N = config_.N;
  if (u.dim() != 3 || u.size(1) != n_inputs())
    throw InvalidArgument("stimulus u: expected " + std::to_string(n_inputs()) +
                          " rows (the model's inputs), found shape " + c10::str(u.sizes()));
  if (!torch::isfinite(u).all().item<bool>())
    throw InvalidArgument("stimulus u: expected finite values, found NaN or Inf");
  validate_stims(stims, N);

  const auto options = W_.options();
  const int64_t B = u.size(0);
  torch::Tensor u_ds =
      u.to(options).index({Slice(), Slice(), Slice(None, None, config_.downsample)});
  const int64_t columns = u_ds.size(2);
  if (columns < 2)
    throw InvalidArgument("stimulus u: expected at least 2 columns after downsampling by " +
                          std::to_string(config_.downsample) + ", found " +
                          std::to_string(columns));

  SimulationResult result;
  result.dt = p.dt;
  // The port's `T = (u.shape[1] - 1) * dt * 100`, in its order of operations.
  result.T = static_cast<double>(columns - 1) * p.dt * static_cast<double>(kStepsPerColumn);
  result.nt = static_cast<int64_t>(std::nearbyint(result.T / p.dt));
  result.scaling_factor = config_.scaling_factor;
  result.seed = seed ? seed : config_.seed;
  const int64_t nt = result.nt;
  // Noise on the columns the network uses, from this call's seed: a batch's trials get the same
  // noise whatever thread runs them, and every λ of a grid search the same noisy inputs.
  if (config_.perturbations.input_noise > 0)
    u_ds = add_input_noise(
        u_ds, config_.perturbations.input_noise,
        result.seed ? std::optional<uint64_t>(input_noise_seed(*result.seed, perturb_seed_))
                    : std::nullopt);

  // w_in · u one trial at a time, as the port's 2-D product (same BLAS call, same rounding).
  std::vector<torch::Tensor> currents;
  for (int64_t b = 0; b < B; ++b) currents.push_back(torch::matmul(w_in_, u_ds[b]));
  const torch::Tensor current = torch::stack(currents).permute({2, 0, 1}).contiguous();

  // Every element is written, so no zero fill. Stored time-major, so that a step's N values are
  // written side by side, and returned as a B × N × nt view: its 2-D slice is the column-major
  // N × nt array a MAT file holds, written without a transposed copy.
  const auto trace = [&](bool on) {
    if (!on) return torch::Tensor();
    try {
      return torch::empty({B, nt, N}, options).transpose(1, 2);
    } catch (const c10::Error&) {
      throw InvalidArgument(
          "record: the traces " + record.to_string() + " of " + std::to_string(B) +
          " trial(s) of " + std::to_string(nt) + " steps × " + std::to_string(N) + " units need " +
          std::to_string(record.trace_bytes(B, nt, N, options.dtype().itemsize()) >> 20) +
          " MiB, more than could be allocated; record fewer (e.g. --record "
          "out,all_fr, or 'record' in a config)");
    }
  };
  SimulationRun run;
  run.params = &p;
  run.current = current;
  run.nt = nt;
  run.stims = &stims;
  run.w_out = w_out_;
  run.REC = trace(record.REC);
  run.spk = trace(record.spk);
  run.rs = trace(record.rs);
  run.IPSCs = trace(record.IPSCs);
  run.out = record.out ? torch::empty({B, nt}, options) : torch::Tensor();
  run.counts = torch::zeros({B, N}, options);

  const Backend backend = choose_backend(config_, options.device());
  // The fused CPU kernel lists the spikes as they happen; the others' list comes from the trace.
  std::vector<std::vector<int64_t>> spike_events(static_cast<size_t>(B));
  const bool listed = record.spike_list && backend == Backend::FusedCpu;
  if (listed) run.spike_events = &spike_events;
  if (record.spike_list && !listed && !run.spk.defined()) run.spk = trace(true);
  // Without a seed, torch's global generator: `torch::manual_seed(s)` then behaves as in the port.
  at::Generator generator = seeded_generator(options.device(), result.seed);
  if (config_.noise == Noise::Fast) {
    run.fast_seed =
        result.seed ? *result.seed
                    : static_cast<uint64_t>(
                          torch::randint(INT64_MAX, {1}, generator, torch::kLong).item<int64_t>());
  } else {
    run.generator = &generator;
  }
  switch (backend) {
    case Backend::Reference:
      simulate_reference(run);
      break;
    case Backend::FusedCpu:
      simulate_fused_cpu(run);
      break;
    case Backend::FusedCuda:
#if SPIKERNN_WITH_CUDA
      simulate_fused_cuda(run);
#endif
      break;
  }
  const torch::Tensor REC = run.REC, spk = run.spk, rs = run.rs, IPSCs = run.IPSCs, out = run.out,
                      counts = run.counts;

  result.REC = REC;
  result.spk = record.spk ? spk : torch::Tensor();
  if (record.spike_list)
    result.spike_list = listed ? spike_list_from(spike_events) : spike_list_from(spk);
  result.rs = rs;
  result.IPSCs = IPSCs;
  result.out = out;
  if (record.all_fr) result.all_fr = counts / result.T;
  if (record.W) result.W = W_.clone();
  result.w_out = w_out_raw_.clone();
  result.td = td_.clone();
  result.td0 = td0_.clone();
  return result;
}

}  // namespace spikernn
