// The backends that run the LIF step of spikernn/core/lif_step.hpp over a whole trial for a batch:
// - the reference: one torch op per term (`lif_step`), on any device;
// - the fused CPU kernel: the per-unit update of lif_unit.hpp in plain loops. With torch's
//   generator as the noise source it performs the same floating-point operations in the same
//   order, so its results are identical to the reference (and to the PyTorch port); with the fast
//   source every trial draws from its own xoshiro256++/ziggurat stream;
// - the fused CUDA kernel (lif_fused_cuda.hpp): the same per-unit update, a block per trial, with
//   per-thread Philox noise. Built only against a LibTorch with CUDA.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "lif_unit.hpp"
#include "spikernn/core/lif_step.hpp"
#include "spikernn/core/stims.hpp"

namespace spikernn {

// A batch of B trials at S weight sets (scaling factors) at once: the outputs hold S·B trials,
// trial b at set s being trial s·B + b, and trial b draws the same noise at every set. Only the
// fused backends with the fast noise take S > 1 (torch's generator draws one batch's noise per
// step, so the sets would see different noise).
struct SimulationRun {
  const LIFParams* params = nullptr;  // W is set 0's (the reference uses it)
  torch::Tensor W;                    // S × N × N recurrent weights, divided by λ
  torch::Tensor w_out;                // S × N readout weights, divided by λ
  torch::Tensor current;              // columns × B × N, contiguous, in the params' dtype
  int64_t nt = 0;
  const Stims* stims = nullptr;
  // Noise: torch's generator (the port's streams) when set, else per-trial fast streams.
  at::Generator* generator = nullptr;
  uint64_t fast_seed = 0;
  // Outputs, undefined when not recorded: S·B × N × nt traces (views of time-major S·B × nt × N
  // storage, which the fused kernels write through data_ptr), S·B × nt output, S·B × N spike
  // counts.
  torch::Tensor REC, spk, rs, IPSCs, out, counts;
  // When set (fused CPU only), S·B lists of (step, unit) pairs, one pair per spike in step order.
  std::vector<std::vector<int64_t>>* spike_events = nullptr;
};

// The data of a recorded output, or null for one that is not recorded.
template <typename T>
T* data_or_null(torch::Tensor& t) {
  return t.defined() ? t.data_ptr<T>() : nullptr;
}

// The scalar constants of lif_unit.hpp from the network's parameters.
template <typename T>
lif::Constants<T> unit_constants(const LIFParams& p) {
  return {static_cast<T>(p.dt),    static_cast<T>(p.tref),   static_cast<T>(p.tm),
          static_cast<T>(p.vpeak), static_cast<T>(p.vreset), static_cast<T>(p.vspike),
          p.decay_rise.item<T>()};
}

void simulate_reference(SimulationRun& run);  // needs `generator` and one weight set
void simulate_fused_cpu(SimulationRun& run);
void simulate_fused_cuda(SimulationRun& run);  // needs `fast_seed`; SPIKERNN_WITH_CUDA builds

}  // namespace spikernn
