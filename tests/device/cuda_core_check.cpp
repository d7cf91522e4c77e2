// The fused CUDA kernel against the fused CPU kernel, with nothing but the core library (no model
// file, no test framework), so that it builds wherever LibTorch with CUDA is: an untrained
// FRRNNDale network of N units, mapped and simulated on both devices with the fast noise. Exits 77
// (ctest's skip) without a CUDA device, 1 on any failed check.
//   cuda_core_check [N ...]   (default: 200 and 1500, the one-unit and four-unit thread layouts)
#include <cstdio>
#include <string>
#include <vector>

#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/rate_rnn.hpp"
#include "spikernn/core/time_grid.hpp"

namespace {

using namespace spikernn;
using torch::indexing::Slice;

int failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
  failures += !ok;
}

SpikingConfig fast(const std::string& device, const std::string& dtype) {
  SpikingConfig c;
  c.device = device;
  c.dtype = enum_value(float_type_names(), dtype, "dtype");
  c.noise = Noise::Fast;
  c.seed = 3;
  c.scaling_factor = 50;
  return c;
}

// 16 trials of 201 columns with a pulse on columns 50–75.
torch::Tensor pulses() {
  torch::Tensor u = torch::zeros({16, 1, 201}, torch::kFloat64);
  u.index_put_({Slice(), 0, Slice(50, 75)}, 1.0);
  return u;
}

void check_network(int64_t N) {
  at::Generator generator = at::globalContext().defaultGenerator(torch::kCPU).clone();
  generator.set_current_seed(static_cast<uint64_t>(N));
  const RateModel model = FRRNNDale(RateRNNOptions(N, 1), generator)->to_rate_model();
  const torch::Tensor exc = model.exc, inh = model.inh;
  for (const std::string dtype : {"float64", "float32"}) {
    const std::string tag = "N=" + std::to_string(N) + " " + dtype + ": ";
    LIFNetwork gpu_net(fast("cuda", dtype), model);
    const SimulationResult a = gpu_net->simulate_batch(pulses());
    const SimulationResult b = gpu_net->simulate_batch(pulses());
    check(a.spk.is_cuda() && torch::equal(a.spk, b.spk) && torch::equal(a.out, b.out),
          tag + "same seed, same spikes and output on the GPU");
    const torch::Tensor spk = a.spk.cpu().to(torch::kFloat64);
    check(spk.sum().item<double>() > 0, tag + "the network fires");
    const torch::Tensor rec = a.REC.cpu().to(torch::kFloat64);
    check(torch::allclose(rec.masked_select(spk.eq(1)), torch::full({1}, 30.0, torch::kFloat64)),
          tag + "REC is vspike in the step of a spike");
    check(rec.masked_select(spk.eq(0)).lt(-40).all().item<bool>(),
          tag + "REC stays below the threshold otherwise");
    const double tolerance = dtype == "float32" ? 1e-4 : 1e-10;
    const torch::Tensor w_out = gpu_net->named_buffers()["w_out"].cpu().to(torch::kFloat64);
    const torch::Tensor readout =
        (a.rs.cpu().to(torch::kFloat64) * w_out.reshape({1, -1, 1})).sum(1);
    check(torch::allclose(a.out.cpu().to(torch::kFloat64), readout, tolerance, tolerance),
          tag + "out = (w_out/λ)·r at every step");
    check(torch::allclose(a.all_fr.cpu().to(torch::kFloat64),
                          spk.index({Slice(), Slice(), Slice(kRateWindowStart)}).sum(2) / a.T),
          tag + "all_fr counts spikes from kRateWindowStart over T");

    const SimulationResult c = LIFNetwork(fast("cpu", dtype), model)->simulate_batch(pulses());
    for (const bool inhibitory : {false, true}) {
      const torch::Tensor units = inhibitory ? inh : exc;
      const double g =
          a.all_fr.cpu().to(torch::kFloat64).index({Slice(), units}).mean().item<double>();
      const double h = c.all_fr.to(torch::kFloat64).index({Slice(), units}).mean().item<double>();
      char text[160];
      std::snprintf(text, sizeof text, "mean %s rate GPU %.3f Hz, CPU %.3f Hz (within 10%%)",
                    inhibitory ? "inhibitory" : "excitatory", g, h);
      check(std::abs(g - h) <= 0.1 * h + 0.05, tag + text);
    }
    std::vector<int64_t> units;
    for (int64_t n = 0; n < N; ++n)
      if (exc[n].item<bool>()) units.push_back(n);
    const double quiet = a.all_fr.cpu().mean().item<double>();
    const double excited = gpu_net->simulate_batch(pulses(), Stims::excite(0, 20000, units))
                               .all_fr.cpu()
                               .mean()
                               .item<double>();
    check(excited > 1.2 * quiet, tag + "stimulation of the E units raises the rate");

    // Three factors in one launch: each as its own launch gives it.
    const std::vector<double> factors{40, 50, 70};
    const std::vector<SimulationResult> together = gpu_net->simulate_factors(pulses(), factors);
    bool same = together.size() == factors.size();
    for (size_t k = 0; same && k < factors.size(); ++k) {
      LIFNetwork alone(fast("cuda", dtype), model);
      alone->set_scaling_factor(factors[k]);
      const SimulationResult r = alone->simulate_batch(pulses());
      same = torch::equal(together[k].spk, r.spk) && torch::equal(together[k].out, r.out) &&
             torch::equal(together[k].REC, r.REC) && torch::equal(together[k].all_fr, r.all_fr);
    }
    check(same, tag + "three factors in one launch equal one launch per factor");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (!torch::cuda::is_available()) {
    std::printf("SKIP no CUDA device on this machine\n");
    return 77;
  }
  std::vector<int64_t> sizes{200, 1500};
  if (argc > 1) sizes.clear();
  for (int i = 1; i < argc; ++i) sizes.push_back(std::stoll(argv[i]));
  for (int64_t N : sizes) check_network(N);
  std::printf("%d failed\n", failures);
  return failures == 0 ? 0 : 1;
}
