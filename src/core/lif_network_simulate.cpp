// Simulation: the stimulus, the recorded outputs and the backend of lif_backends.hpp for a call
// of LIFNetworkImpl::simulate, simulate_batch or simulate_factors.
#include <cmath>
#include <mutex>
#include <vector>

#include "build_config.hpp"
#include "generators.hpp"
#include "lif_backends.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/time_grid.hpp"

namespace spikernn {

using torch::indexing::None;
using torch::indexing::Slice;

namespace {

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

void run_backend(Backend backend, SimulationRun& run) {
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
}

torch::Tensor first_trial(const torch::Tensor& t) { return t.defined() ? t.select(0, 0) : t; }

}  // namespace

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
  // W_ and w_out_ as they are (from the buffers, wherever .to() has put them).
  return simulate_sets(u, {config_.scaling_factor}, W_.unsqueeze(0), w_out_.unsqueeze(0), stims,
                       record, seed)
      .front();
}

std::vector<SimulationResult> LIFNetworkImpl::simulate_factors(const torch::Tensor& u,
                                                               const std::vector<double>& factors,
                                                               const Stims& stims,
                                                               const Record& record,
                                                               std::optional<uint64_t> seed) const {
  check_loaded();
  if (factors.empty()) throw InvalidArgument("scaling factors: expected at least one, found none");
  std::vector<torch::Tensor> W, w_out;
  for (double factor : factors) {
    SpikingConfig at_factor = config_;
    at_factor.scaling_factor = factor;
    validate_spiking_config(at_factor);
    // The buffers at the network's own λ: after .to(kFloat32) they were rounded from float64,
    // which the float32 w_rec divided again would not reproduce.
    const ScaledWeights scaled =
        factor == config_.scaling_factor ? ScaledWeights{W_, w_out_} : scaled_weights(factor);
    W.push_back(scaled.W);
    w_out.push_back(scaled.w_out);
  }
  return simulate_sets(u, factors, torch::stack(W), torch::stack(w_out), stims, record, seed);
}

std::vector<SimulationResult> LIFNetworkImpl::simulate_sets(
    const torch::Tensor& u, const std::vector<double>& factors, const torch::Tensor& W,
    const torch::Tensor& w_out, const Stims& stims, const Record& record,
    std::optional<uint64_t> seed) const {
  const int64_t N = config_.N, S = static_cast<int64_t>(factors.size());
  check_loaded();
  if (u.dim() != 3 || u.size(1) != n_inputs())
    throw InvalidArgument("stimulus u: expected " + std::to_string(n_inputs()) +
                          " rows (the model's inputs), found shape " + c10::str(u.sizes()));
  if (u.size(0) == 0)
    throw InvalidArgument("stimulus u: expected a batch of at least one trial (B × " +
                          std::to_string(n_inputs()) + " × columns), found shape " +
                          c10::str(u.sizes()));
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

  SimulationResult common;
  common.dt = config_.dt * static_cast<double>(config_.downsample);
  // The port's `T = (u.shape[1] - 1) * dt * 100`, in its order of operations.
  common.T = static_cast<double>(columns - 1) * common.dt * static_cast<double>(kStepsPerColumn);
  common.nt = static_cast<int64_t>(std::nearbyint(common.T / common.dt));
  common.seed = seed ? seed : config_.seed;
  const int64_t nt = common.nt;
  // Noise on the columns the network uses, from this call's seed: a batch's trials get the same
  // noise whatever thread runs them, and every λ of a grid search the same noisy inputs.
  if (config_.perturbations.input_noise > 0)
    u_ds = add_input_noise(
        u_ds, config_.perturbations.input_noise,
        common.seed ? std::optional<uint64_t>(input_noise_seed(*common.seed, perturb_seed_))
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
      return torch::empty({S * B, nt, N}, options).transpose(1, 2);
    } catch (const c10::Error&) {
      throw InvalidArgument(
          "record: the traces " + record.to_string() + " of " + std::to_string(S * B) +
          " trial(s) of " + std::to_string(nt) + " steps × " + std::to_string(N) + " units need " +
          std::to_string(record.trace_bytes(S * B, nt, N, options.dtype().itemsize()) >> 20) +
          " MiB, more than could be allocated; record fewer (e.g. --record "
          "out,all_fr, or 'record' in a config)");
    }
  };
  SimulationRun all;
  all.W = W;
  all.w_out = w_out.reshape({S, N});
  all.current = current;
  all.nt = nt;
  all.stims = &stims;
  all.REC = trace(record.REC);
  all.spk = trace(record.spk);
  all.rs = trace(record.rs);
  all.IPSCs = trace(record.IPSCs);
  all.out = record.out ? torch::empty({S * B, nt}, options) : torch::Tensor();
  all.counts = torch::zeros({S * B, N}, options);

  const Backend backend = choose_backend(config_, options.device());
  // The fused CPU kernel lists the spikes as they happen; the others' list comes from the trace.
  std::vector<std::vector<int64_t>> spike_events(static_cast<size_t>(S * B));
  const bool listed = record.spike_list && backend == Backend::FusedCpu;
  if (listed) all.spike_events = &spike_events;
  if (record.spike_list && !listed && !all.spk.defined()) all.spk = trace(true);
  // Without a seed, torch's global generator: `torch::manual_seed(s)` then behaves as in the port.
  at::Generator generator = seeded_generator(options.device(), common.seed);
  if (config_.noise == Noise::Fast) {
    all.fast_seed =
        common.seed ? *common.seed
                    : static_cast<uint64_t>(
                          torch::randint(INT64_MAX, {1}, generator, torch::kLong).item<int64_t>());
    const LIFParams p = lif_params_with(W[0]);
    all.params = &p;
    run_backend(backend, all);
  } else {
    // Torch's generator draws one batch's noise per step, so each of several sets runs on its
    // own, on a copy of the generator as it was before the first; the caller's generator then
    // moves on as after one set.
    at::Generator start, rewound;
    if (S > 1) {
      std::lock_guard<std::mutex> lock(generator.mutex());
      start = generator.clone();
    }
    for (int64_t s = 0; s < S; ++s) {
      if (S > 1) rewound = start.clone();
      const LIFParams p = lif_params_with(W[s]);
      SimulationRun one = all;
      one.params = &p;
      one.generator = S > 1 ? &rewound : &generator;
      one.W = W.slice(0, s, s + 1);
      one.w_out = all.w_out.slice(0, s, s + 1);
      for (torch::Tensor* t : {&one.REC, &one.spk, &one.rs, &one.IPSCs, &one.out, &one.counts})
        if (t->defined()) *t = t->slice(0, s * B, (s + 1) * B);
      std::vector<std::vector<int64_t>> events(static_cast<size_t>(B));
      if (listed) one.spike_events = &events;
      run_backend(backend, one);
      std::move(events.begin(), events.end(), spike_events.begin() + s * B);
    }
    if (S > 1) {
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(rewound.get_state());
    }
  }

  std::vector<SimulationResult> results;
  for (int64_t s = 0; s < S; ++s) {
    const auto of_set = [&](const torch::Tensor& t) {
      return t.defined() ? t.slice(0, s * B, (s + 1) * B) : t;
    };
    SimulationResult r = common;
    r.REC = of_set(all.REC);
    if (record.spk) r.spk = of_set(all.spk);
    if (record.spike_list)
      r.spike_list =
          listed
              ? spike_list_from({spike_events.begin() + s * B, spike_events.begin() + (s + 1) * B})
              : spike_list_from(of_set(all.spk));
    r.rs = of_set(all.rs);
    r.IPSCs = of_set(all.IPSCs);
    r.out = of_set(all.out);
    if (record.all_fr) r.all_fr = of_set(all.counts) / r.T;
    if (record.W) r.W = W[s].clone();
    r.w_out = w_out_raw_.clone();
    r.td = td_.clone();
    r.td0 = td0_.clone();
    r.scaling_factor = factors[static_cast<size_t>(s)];
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace spikernn
