#include "spikernn/lif_network.hpp"

#include <cmath>
#include <fstream>

#include "lif_backends.hpp"
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

// MemAvailable from /proc/meminfo, in bytes; -1 where it cannot be read.
int64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  int64_t kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes >> unit)
    if (key == "MemAvailable:") return kilobytes * 1024;
  return -1;
}

// Refuses, before allocating, traces that would not fit in the memory this machine has free.
void check_trace_memory(const Record& record, int64_t B, int64_t nt, int64_t N,
                        const torch::TensorOptions& options) {
  if (!options.device().is_cpu()) return;
  const int64_t needed = record.trace_bytes(B, nt, N, options.dtype().itemsize());
  const int64_t available = available_memory_bytes();
  if (available < 0 || needed <= available) return;
  throw InvalidArgument("record: the traces " + record.to_string() + " of " + std::to_string(B) +
                        " trial(s) of " + std::to_string(nt) + " steps × " + std::to_string(N) +
                        " units need " + std::to_string(needed >> 20) + " MiB, more than the " +
                        std::to_string(available >> 20) +
                        " MiB available; record fewer (e.g. --record out,all_fr, or 'record' in a "
                        "config)");
}

enum class Backend { Reference, FusedCpu, FusedCuda };

// CPU: the fused kernel unless the reference is asked for. CUDA: the reference (torch's noise,
// as the port draws it on the GPU), or the fused kernel with the fast noise.
Backend choose_backend(const SpikingConfig& c, const torch::Device& device) {
  const std::string found =
      "found device " + device.str() + ", engine " + c.engine + ", noise " + c.noise;
  if (device.is_cpu()) {
    if (c.engine == "reference") {
      if (c.noise == "fast")
        throw InvalidArgument("noise 'fast': needs a fused engine (engine auto or fused), " +
                              found);
      return Backend::Reference;
    }
    return Backend::FusedCpu;
  }
  if (c.noise == "torch") {
    if (c.engine == "fused")
      throw InvalidArgument(
          "engine 'fused': on CUDA it draws its own noise, so it needs noise "
          "'fast', " +
          found);
    return Backend::Reference;
  }
  if (c.engine == "reference")
    throw InvalidArgument("noise 'fast': needs a fused engine (engine auto or fused), " + found);
  if (!SPIKERNN_WITH_CUDA)
    throw InvalidArgument("engine 'fused': this spikernn was built without CUDA kernels, " + found);
  return Backend::FusedCuda;
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
  check_trace_memory(record, B, nt, N, options);

  // w_in · u one trial at a time, as the port's 2-D product (same BLAS call, same rounding).
  std::vector<torch::Tensor> currents;
  for (int64_t b = 0; b < B; ++b) currents.push_back(torch::matmul(w_in_, u_ds[b]));
  const torch::Tensor current = torch::stack(currents).permute({2, 0, 1}).contiguous();

  // Every element is written, so no zero fill; unit-major, as the results are returned.
  const auto trace = [&](bool on) {
    return on ? torch::empty({B, N, nt}, options) : torch::Tensor();
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
  // Without a seed, torch's global generator: `torch::manual_seed(s)` then behaves as in the port.
  at::Generator generator = result.seed ? make_generator(options.device(), *result.seed)
                                        : at::globalContext().defaultGenerator(options.device());
  if (config_.noise == "fast") {
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
  result.spk = spk;
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
