#include <cuda_runtime.h>
#include <curand_kernel.h>

#include <stdexcept>
#include <string>

#include "lif_fused_cuda.hpp"

namespace spikernn {
namespace {

constexpr int kWarp = 32;
constexpr int kMaxThreads = 1024;

__device__ inline float normal(curandStatePhilox4_32_10_t* s, float) { return curand_normal(s); }
__device__ inline double normal(curandStatePhilox4_32_10_t* s, double) {
  return curand_normal_double(s);
}

// The stimulation coin of a trial and step, the same in every thread of the block without any
// exchange: splitmix64 of (seed, trial, step).
__device__ inline bool coin(uint64_t seed, int64_t trial, int64_t step) {
  uint64_t z = seed ^ (0x9E3779B97F4A7C15ull * static_cast<uint64_t>(trial + 1)) ^
               (0xD1B54A32D192ED03ull * static_cast<uint64_t>(step + 1));
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return ((z ^ (z >> 31)) >> 63) == 0;
}

// U units per thread: unit k·blockDim + threadIdx, so that each warp holds 32 consecutive units
// and one ballot gives one 32-bit word of the spike mask.
template <typename T, int U>
__global__ void __launch_bounds__(kMaxThreads) lif_kernel(LIFCudaArgs<T> a) {
  __shared__ unsigned int fired_mask[kMaxCudaUnits / kWarp];
  __shared__ T warp_sum[kMaxThreads / kWarp];
  const int64_t b = blockIdx.x, N = a.N, nt = a.nt;
  const int tid = threadIdx.x, lane = tid % kWarp, warp = tid / kWarp;
  const int warps = blockDim.x / kWarp, words = static_cast<int>((N + kWarp - 1) / kWarp);

  curandStatePhilox4_32_10_t rng;
  curand_init(a.seed, static_cast<uint64_t>(b) * blockDim.x + tid, 0, &rng);
  T v[U], tlast[U], ipsc[U], h[U], r[U], hr[U], decay_syn[U], rise[U], w_out[U], count[U];
  bool stimulated[U];
  for (int k = 0; k < U; ++k) {
    const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
    const bool real = n < N;
    v[k] = a.vreset + static_cast<T>(curand_uniform(&rng)) * (a.vspike - a.vreset);
    tlast[k] = ipsc[k] = h[k] = r[k] = hr[k] = count[k] = 0;
    decay_syn[k] = real ? a.decay_syn[n] : T(0);
    rise[k] = real ? a.rise_decay[n] : T(1);
    w_out[k] = real ? a.w_out[n] : T(0);
    stimulated[k] = real && a.stimulated != nullptr && a.stimulated[n] != 0;
  }

  for (int64_t i = 0; i < nt; ++i) {
    const T now = static_cast<T>(static_cast<double>(a.dt) * static_cast<double>(i + 1));
    int64_t column = static_cast<int64_t>(static_cast<double>(i) / 100 + 0.5);
    if (column > a.columns - 1) column = a.columns - 1;
    const T* ext = a.current + (column * a.B + b) * N;
    const bool kicked =
        a.stimulated != nullptr && i >= a.stim_on && i < a.stim_off && coin(a.seed, b, i);
    T v1[U], s[U];
    for (int k = 0; k < U; ++k) {
      const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
      const bool real = n < N;
      const T input = ipsc[k] + a.vpeak + (real ? ext[n] : T(0));
      const T active = tlast[k] + a.tref < now ? T(1) : T(0);
      const T dv = active * (-v[k] + input) / a.tm;
      v1[k] = v[k] + a.dt * dv + normal(&rng, T()) / T(10);
      if (kicked && stimulated[k]) v1[k] += a.kick;
      const bool fired = real && v1[k] >= a.vpeak;
      s[k] = fired ? T(1) : T(0);
      const unsigned int ballot = __ballot_sync(0xffffffffu, fired);
      const int64_t word = (static_cast<int64_t>(k) * blockDim.x + warp * kWarp) / kWarp;
      if (lane == 0 && word < words) fired_mask[word] = ballot;
    }
    if (a.ipscs != nullptr)
      for (int k = 0; k < U; ++k) {
        const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
        if (n < N) a.ipscs[(b * N + n) * nt + i] = ipsc[k];
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
        const T* column_j = a.Wt + static_cast<int64_t>(j) * N;
        for (int k = 0; k < U; ++k) {
          const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
          if (n < N) jd[k] += column_j[n];
        }
      }
    }

    T partial = 0;
    for (int k = 0; k < U; ++k) {
      const int64_t n = static_cast<int64_t>(k) * blockDim.x + tid;
      tlast[k] = tlast[k] + (now - tlast[k]) * s[k];
      const T ipsc_next = ipsc[k] * decay_syn[k] + h[k] * a.dt;
      h[k] = h[k] * a.decay_rise + jd[k] / rise[k];
      ipsc[k] = ipsc_next;
      const T r_next = r[k] * decay_syn[k] + hr[k] * a.dt;
      hr[k] = hr[k] * a.decay_rise + s[k] / rise[k];
      r[k] = r_next;
      const T recorded = v1[k] + (a.vspike - v1[k]) * s[k];
      v[k] = recorded + (a.vreset - recorded) * s[k];
      if (i >= 10) count[k] += s[k];
      partial += r[k] * w_out[k];
      if (n < N) {
        const int64_t at = (b * N + n) * nt + i;
        if (a.rec != nullptr) a.rec[at] = recorded;
        if (a.spk != nullptr) a.spk[at] = s[k];
        if (a.rs != nullptr) a.rs[at] = r[k];
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
