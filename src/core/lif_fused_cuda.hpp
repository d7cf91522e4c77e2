// The fused CUDA backend of the LIF step (spikernn/core/lif_step.hpp): one kernel launch runs a
// whole batch for all its steps, one thread block per trial and one thread per unit (up to four
// units per thread beyond 1,024 units), so the host never waits inside the time loop. Each unit
// follows lif_unit.hpp, the update the CPU kernel uses too. The noise comes from per-thread Philox
// streams (cuRAND), so it is the fast mode: statistically equivalent to the reference, not
// seed-identical. This header is free of LibTorch so that nvcc compiles the kernel without it.
#pragma once

#include <cstdint>

#include "lif_unit.hpp"

namespace spikernn {

// The largest network the kernel runs: 1,024 threads × 4 units.
constexpr int64_t kMaxCudaUnits = 4096;

// B = sets × trials blocks: block b runs trial b mod trials (its current and its noise) with
// weight set b / trials, so that every set sees the same trials and the same noise.
template <typename T>
struct LIFCudaArgs {
  int64_t B = 0, trials = 0, N = 0, nt = 0, columns = 0;
  lif::Constants<T> constants{};
  double dt = 0;                        // the step in double, for the step times
  const T* Wt = nullptr;                // sets × N × N, row j = column j of W (a spike of j)
  const T* decay_syn = nullptr;         // N values e^(−dt/td)
  const T* rise_decay = nullptr;        // N values tr · td
  const T* current = nullptr;           // columns × trials × N external current
  const T* w_out = nullptr;             // sets × N readout weights
  const uint8_t* stimulated = nullptr;  // N flags, or null for no artificial stimulation
  T kick = 0;
  int64_t stim_on = 0, stim_off = 0;  // steps [on, off) of the stimulation window
  uint64_t seed = 0;
  // Outputs, null when not recorded: B × N × nt traces, B × nt output, B × N spike counts.
  T *rec = nullptr, *spk = nullptr, *rs = nullptr, *ipscs = nullptr, *out = nullptr,
    *counts = nullptr;
};

// Enqueues the kernel on `stream` (a cudaStream_t) and returns; errors of the launch throw
// std::runtime_error with CUDA's message.
void launch_lif_fused_cuda(const LIFCudaArgs<float>& args, void* stream);
void launch_lif_fused_cuda(const LIFCudaArgs<double>& args, void* stream);

}  // namespace spikernn
