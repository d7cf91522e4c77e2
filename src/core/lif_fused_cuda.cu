#include <cuda_runtime.h>
#include <curand_kernel.h>

#include <stdexcept>
#include <string>

#include "lif_fused_cuda.hpp"
#include "spikernn/core/time_grid.hpp"
#include "splitmix64.hpp"

namespace spikernn {
namespace {

constexpr int kWarp = 32;
constexpr int kMaxThreads = 1024;

__device__ inline float normal(curandStatePhilox4_32_10_t* s, float) { return curand_normal(s); }
__device__ inline double normal(curandStatePhilox4_32_10_t* s, double) {
  return curand_normal_double(s);
}

// The stimulation coin of a trial and step, the same in every thread of the block without any
// exchange.
__device__ inline bool coin(uint64_t seed, int64_t trial, int64_t step) {
  const uint64_t z = seed ^ (kGoldenGamma * static_cast<uint64_t>(trial + 1)) ^
                     (0xD1B54A32D192ED03ull * static_cast<uint64_t>(step + 1));
  return (mix64(z) >> 63) == 0;
}

// U units per thread: unit k·blockDim + threadIdx, so that each warp holds 32 consecutive units
// and one ballot gives one 32-bit word of the spike mask.
template <typename T, int U>
__global__ void __launch_bounds__(kMaxThreads) lif_kernel(LIFCudaArgs<T> a) {
  __shared__ unsigned int fired_mask[kMaxCudaUnits / kWarp];
  __shared__ T warp_sum[kMaxThreads / kWarp];
  const lif::Constants<T>& c = a.constants;
  const int64_t b = blockIdx.x, N = a.N, nt = a.nt, trial = b % a.trials;
  const T* Wt = a.Wt + b / a.trials * N * N;
  const T* w_out_set = a.w_out + b / a.trials * N;
  const int tid = threadIdx.x, lane = tid % kWarp, warp = tid / kWarp;
  const int warps = blockDim.x / kWarp, words = static_cast<int>((N + kWarp - 1) / kWarp);

  curandStatePhilox4_32_10_t rng;
  curand_init(a.seed, static_cast<uint64_t>(trial) * blockDim.x + tid, 0, &rng);
  lif::UnitState<T> unit[U];
  T decay_syn[U], rise[U], inv_rise[U], w_out[U], count[U];
  bool stimulated[U];
  for (int k = 0; k < U; ++k) {
    const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
    const bool real = n < N;
    unit[k] = {
        c.vreset + static_cast<T>(curand_uniform(&rng)) * (c.vspike - c.vreset), 0, 0, 0, 0, 0};
    count[k] = 0;
    decay_syn[k] = real ? a.decay_syn[n] : T(0);
    rise[k] = real ? a.rise_decay[n] : T(1);
    inv_rise[k] = T(1) / rise[k];
    w_out[k] = real ? w_out_set[n] : T(0);
    stimulated[k] = real && a.stimulated != nullptr && a.stimulated[n] != 0;
  }

  for (int64_t i = 0; i < nt; ++i) {
    const T now = lif::step_time<T>(a.dt, i);
    const T* ext = a.current + (stimulus_column(i, a.columns) * a.trials + trial) * N;
    const bool kicked =
        a.stimulated != nullptr && i >= a.stim_on && i < a.stim_off && coin(a.seed, trial, i);
    T v1[U], s[U];
    for (int k = 0; k < U; ++k) {
      const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
      const bool real = n < N;
      v1[k] = lif::integrate(c, unit[k].v, unit[k].tlast, unit[k].ipsc, real ? ext[n] : T(0),
                             lif::noise_term(normal(&rng, T())), now);
      if (kicked && stimulated[k]) v1[k] += a.kick;
      s[k] = real ? lif::fired(c, v1[k]) : T(0);
      const unsigned int ballot = __ballot_sync(0xffffffffu, s[k] != T(0));
      const int64_t word = (static_cast<int64_t>(k) * blockDim.x + warp * kWarp) / kWarp;
      if (lane == 0 && word < words) fired_mask[word] = ballot;
    }
    if (a.ipscs != nullptr)
      for (int k = 0; k < U; ++k) {
        const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
        if (n < N) a.ipscs[(b * nt + i) * N + n] = unit[k].ipsc;
      }
    __syncthreads();

    // Event-driven recurrent input: the columns of W of the units that fired, in unit order.
    T jd[U];
    for (int k = 0; k < U; ++k) jd[k] = 0;
    for (int w = 0; w < words; ++w) {
      unsigned int bits = fired_mask[w];
      while (bits != 0) {
        const int j = w * kWarp + __ffs(bits) - 1;
        bits &= bits - 1;
        const T* column_j = Wt + static_cast<int64_t>(j) * N;
        for (int k = 0; k < U; ++k) {
          const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
          if (n < N) jd[k] += column_j[n];
        }
      }
    }

    T partial = 0;
    for (int k = 0; k < U; ++k) {
      const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
      const T drive = lif::recurrent_drive(jd[k], rise[k]);
      const T recorded =
          lif::settle(c, unit[k], v1[k], s[k], drive, decay_syn[k], inv_rise[k], now);
      if (i >= kRateWindowStart) count[k] += s[k];
      partial += unit[k].r * w_out[k];
      if (n < N) {
        const int64_t at = (b * nt + i) * N + n;
        if (a.rec != nullptr) a.rec[at] = recorded;
        if (a.spk != nullptr) a.spk[at] = s[k];
        if (a.rs != nullptr) a.rs[at] = unit[k].r;
      }
    }
    for (int offset = kWarp / 2; offset > 0; offset /= 2)
      partial += __shfl_down_sync(0xffffffffu, partial, offset);
    if (lane == 0) warp_sum[warp] = partial;
    // Also orders this step's reads of fired_mask before the next step's writes.
    __syncthreads();
    if (tid == 0 && a.out != nullptr) {
      T total = 0;
      for (int w = 0; w < warps; ++w) total += warp_sum[w];
      a.out[b * nt + i] = total;
    }
  }
  if (a.counts != nullptr)
    for (int k = 0; k < U; ++k) {
      const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
      if (n < N) a.counts[b * N + n] = count[k];
    }
}

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA LIF kernel: ") + what + ": " +
                             cudaGetErrorString(status));
}

template <typename T>
void launch(const LIFCudaArgs<T>& args, void* stream) {
  if (args.N < 1 || args.N > kMaxCudaUnits)
    throw std::invalid_argument("CUDA LIF kernel: N = " + std::to_string(args.N) +
                                ", expected 1 to " + std::to_string(kMaxCudaUnits));
  if (args.B < 1) return;
  if (args.trials < 1 || args.B % args.trials != 0)
    throw std::invalid_argument("CUDA LIF kernel: " + std::to_string(args.B) +
                                " blocks are not whole sets of " + std::to_string(args.trials) +
                                " trials");
  const bool wide = args.N > kMaxThreads;
  const int64_t per_thread = wide ? (args.N + 3) / 4 : args.N;
  const int threads = static_cast<int>((per_thread + kWarp - 1) / kWarp * kWarp);
  auto* s = static_cast<cudaStream_t>(stream);
  if (wide)
    lif_kernel<T, 4><<<static_cast<unsigned int>(args.B), threads, 0, s>>>(args);
  else
    lif_kernel<T, 1><<<static_cast<unsigned int>(args.B), threads, 0, s>>>(args);
  check(cudaGetLastError(), "launch");
}

}  // namespace

void launch_lif_fused_cuda(const LIFCudaArgs<float>& args, void* stream) { launch(args, stream); }
void launch_lif_fused_cuda(const LIFCudaArgs<double>& args, void* stream) { launch(args, stream); }

}  // namespace spikernn
