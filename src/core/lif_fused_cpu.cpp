// The fused CPU backend: the per-unit update of lif_unit.hpp over plain arrays, one trial of the
// batch after another. Built with -ffp-contract=off (CMakeLists.txt) so that it rounds exactly as
// the torch ops of the reference.
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <pmmintrin.h>
#endif

#include "fast_normal.hpp"
#include "lif_backends.hpp"
#include "lif_unit.hpp"
#include "spikernn/core/time_grid.hpp"

namespace spikernn {
namespace {

using torch::indexing::Slice;

// The standard deviation of noise_term(ξ), which the fast noise draws directly.
constexpr double kFastNoiseScale = 0.1;

template <typename T>
std::vector<T> per_unit(const torch::Tensor& t, int64_t N) {
  const torch::Tensor c = t.to(torch::kCPU).contiguous();
  if (c.numel() == 1) return std::vector<T>(static_cast<size_t>(N), c.item<T>());
  return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + N);
}

// Inlined into the entry points below, each built twice, for AVX2 and for the baseline, and
// picked at load time: four doubles per instruction where the CPU has them.
template <typename T>
__attribute__((always_inline)) inline void run(SimulationRun& s) {
  const LIFParams& p = *s.params;
  const int64_t sets = s.W.size(0), N = s.W.size(1), trials = s.current.size(1),
                columns = s.current.size(0), B = sets * trials;
  TORCH_INTERNAL_ASSERT(sets == 1 || s.generator == nullptr,
                        "several weight sets need the fast noise");
  const auto options = s.W.options();
  const lif::Constants<T> c = unit_constants<T>(p);
  // Row j of set k's Wt is column j of its W: the input one spike of unit j sends to every unit.
  const torch::Tensor Wt = s.W.transpose(1, 2).contiguous();
  const std::vector<T> decay_syn = per_unit<T>(p.decay_syn, N), rise = per_unit<T>(p.rise_decay, N);
  std::vector<T> inv_rise(N);
  for (int64_t n = 0; n < N; ++n) inv_rise[n] = T(1) / rise[n];
  const T* current = s.current.data_ptr<T>();
  const torch::Tensor w_out_sets = s.w_out.contiguous();
  T *rec = data_or_null<T>(s.REC), *spk = data_or_null<T>(s.spk), *rs = data_or_null<T>(s.rs),
    *ipscs = data_or_null<T>(s.IPSCs), *out = data_or_null<T>(s.out),
    *counts = data_or_null<T>(s.counts);

  std::vector<FastNormal> fast;
  torch::Tensor v_tensor;
  if (s.generator != nullptr) {
    v_tensor = lif_initial_state(p, B, *s.generator).v.contiguous();
  } else {
    v_tensor = torch::empty({B, N}, options);
    T* v0 = v_tensor.data_ptr<T>();
    for (int64_t b = 0; b < B; ++b) {
      // Each trial's stream from a mixed seed (seeds one γ apart would give trial b + 1 three of
      // trial b's four state words), the same at every weight set.
      fast.emplace_back(splitmix64_at(s.fast_seed, static_cast<uint64_t>(b % trials)));
      for (int64_t n = 0; n < N; ++n)
        v0[b * N + n] = c.vreset + static_cast<T>(fast.back().uniform()) * (c.vspike - c.vreset);
    }
  }
  std::vector<T> v(v_tensor.data_ptr<T>(), v_tensor.data_ptr<T>() + B * N);
  std::vector<T> tlast(B * N, 0), ipsc(B * N, 0), h(B * N, 0), r(B * N, 0), hr(B * N, 0);
  std::vector<T> v1(N), sp(N), jd(N);
  std::vector<int64_t> fired;
  fired.reserve(N);
  torch::Tensor noise_tensor = torch::empty({B, N}, options);
  T* noise = noise_tensor.data_ptr<T>();
  std::vector<char> stimulated(N, 0);
  for (int64_t unit : s.stims->units) stimulated[unit] = 1;
  const T kick = static_cast<T>(s.stims->kick());

  // One weight set after another, so that a set's state and weights stay in the cache.
  for (int64_t set = 0; set < sets; ++set) {
    const int64_t first = set * trials, last = first + trials;
    const T* wt = Wt.data_ptr<T>() + set * N * N;
    const T* w_out = w_out_sets.data_ptr<T>() + set * N;
    for (int64_t i = 0; i < s.nt; ++i) {
      const T now = lif::step_time<T>(p.dt, i);
      const int64_t column = stimulus_column(i, columns);
      // Draws in the reference's order: all the noise of the step, then the stimulation coins.
      if (s.generator != nullptr) {
        noise_tensor.normal_(0, 1, *s.generator);
        for (int64_t k = 0; k < B * N; ++k) noise[k] = lif::noise_term(noise[k]);
      } else {
        for (int64_t b = first; b < last; ++b) fast[b].fill(noise + b * N, N, kFastNoiseScale);
      }
      const bool in_window = s.stims->active() && i >= s.stims->dur[0] && i < s.stims->dur[1];
      torch::Tensor coins;
      if (in_window && s.generator != nullptr)
        coins = torch::rand({B}, *s.generator, torch::kFloat32);
      for (int64_t b = first; b < last; ++b) {
        const bool kicked = in_window && (s.generator != nullptr ? coins[b].item<float>() < 0.5f
                                                                 : fast[b].uniform() < 0.5);
        T* __restrict vb = &v[b * N];
        T* __restrict tl = &tlast[b * N];
        T* __restrict ip = &ipsc[b * N];
        T* __restrict hb = &h[b * N];
        T* __restrict rb = &r[b * N];
        T* __restrict hrb = &hr[b * N];
        T* __restrict v_new = v1.data();
        const T* __restrict ext = current + (column * trials + b - first) * N;
        const T* __restrict xi = noise + b * N;
        // Traces are stored time-major (B × nt × N, seen as B × N × nt): step i of trial b is the
        // N values from base on.
        const int64_t base = (b * s.nt + i) * N;
        if (ipscs != nullptr)
          for (int64_t n = 0; n < N; ++n) ipscs[base + n] = ip[n];
        for (int64_t n = 0; n < N; ++n)
          v_new[n] = lif::integrate(c, vb[n], tl[n], ip[n], ext[n], xi[n], now);
        if (kicked)
          for (int64_t n = 0; n < N; ++n)
            if (stimulated[n]) v_new[n] = v_new[n] + kick;
        T* __restrict spiked = sp.data();
        for (int64_t n = 0; n < N; ++n) spiked[n] = lif::fired(c, v_new[n]);
        // Few units fire in a step: four at a time are skipped with one test.
        fired.clear();
        int64_t n = 0;
        for (; n + 4 <= N; n += 4)
          if ((spiked[n] + spiked[n + 1]) + (spiked[n + 2] + spiked[n + 3]) != 0)
            for (int64_t k = n; k < n + 4; ++k)
              if (spiked[k] != 0) fired.push_back(k);
        for (; n < N; ++n)
          if (spiked[n] != 0) fired.push_back(n);
        if (s.spike_events != nullptr)
          for (int64_t j : fired) {
            (*s.spike_events)[b].push_back(i);
            (*s.spike_events)[b].push_back(j);
          }
        // Σ of the fired columns. With torch's noise, summed as the reference sums them: one or two
        // columns inline, more through the same torch op (rare at working λ). Otherwise in order.
        std::fill(jd.begin(), jd.end(), T(0));
        if (fired.size() <= 2 || s.generator == nullptr) {
          for (int64_t j : fired)
            for (int64_t n = 0; n < N; ++n) jd[n] += wt[j * N + n];
        } else {
          const torch::Tensor sum =
              s.W[0].index({Slice(), torch::tensor(fired, torch::kLong)}).sum(1).contiguous();
          std::copy(sum.data_ptr<T>(), sum.data_ptr<T>() + N, jd.begin());
        }
        T* __restrict drive = jd.data();
        if (!fired.empty())
          for (int64_t n = 0; n < N; ++n) drive[n] = lif::recurrent_drive(drive[n], rise[n]);
        const T* __restrict ds = decay_syn.data();
        const T* __restrict inv_rd = inv_rise.data();
        // Without the hint GCC keeps this loop scalar (it cannot prove the arrays apart). Clang's
        // own hint is refused for this loop (-Wpass-failed), so Clang gets none.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC ivdep
#endif
        for (int64_t n = 0; n < N; ++n) {
          lif::UnitState<T> u{vb[n], tl[n], ip[n], hb[n], rb[n], hrb[n]};
          v_new[n] = lif::settle(c, u, v_new[n], spiked[n], drive[n], ds[n], inv_rd[n], now);
          vb[n] = u.v;
          tl[n] = u.tlast;
          ip[n] = u.ipsc;
          hb[n] = u.h;
          rb[n] = u.r;
          hrb[n] = u.hr;
        }
        // Four partial sums, so that the adds need not wait for each other (the reference's BLAS
        // product rounds differently anyway; outputs agree to about 1e-15).
        T partial[4] = {0, 0, 0, 0};
        for (int64_t n = 0; n + 3 < N; n += 4)
          for (int k = 0; k < 4; ++k) partial[k] += rb[n + k] * w_out[n + k];
        for (int64_t n = N - N % 4; n < N; ++n) partial[0] += rb[n] * w_out[n];
        if (out != nullptr)
          out[b * s.nt + i] = (partial[0] + partial[1]) + (partial[2] + partial[3]);
        if (rec != nullptr)
          for (int64_t n = 0; n < N; ++n) rec[base + n] = v_new[n];
        if (spk != nullptr)
          for (int64_t n = 0; n < N; ++n) spk[base + n] = spiked[n];
        if (rs != nullptr)
          for (int64_t n = 0; n < N; ++n) rs[base + n] = rb[n];
        if (counts != nullptr && i >= kRateWindowStart)
          for (int64_t n = 0; n < N; ++n) counts[b * N + n] += spiked[n];
      }
    }
  }
}

// With the fast noise, subnormal numbers are flushed to zero (FTZ and DAZ in this thread's MXCSR,
// restored on the way out). The synaptic variables of a unit that stops firing decay geometrically
// (h and hr by e^(−dt/τr) a step, ipsc and r by e^(−dt/τd)), leave float's normal range within a
// few thousand steps (double's in long trials), and with rounding to nearest then stay subnormal
// for the rest of the trial instead of reaching zero, each operation on them costing about a
// hundred cycles: a float32 trial took 2.8 times as long. Numbers that small move no voltage and no
// spike. The fast path does no torch arithmetic (it only allocates and copies), so torch's worker
// threads, which keep their own MXCSR, compute nothing of it. With torch's noise the subnormals
// are kept, as the reference's ops keep them, so that both engines give the same numbers.
class FlushSubnormals {
 public:
  explicit FlushSubnormals(bool on) : on_(on) {
#if defined(__x86_64__) || defined(__i386__)
    if (!on_) return;
    saved_ = _mm_getcsr();
    _mm_setcsr(saved_ | _MM_FLUSH_ZERO_ON | _MM_DENORMALS_ZERO_ON);
#endif
  }
  ~FlushSubnormals() {
#if defined(__x86_64__) || defined(__i386__)
    if (on_) _mm_setcsr(saved_);
#endif
  }
  FlushSubnormals(const FlushSubnormals&) = delete;
  FlushSubnormals& operator=(const FlushSubnormals&) = delete;

 private:
  [[maybe_unused]] const bool on_;
  [[maybe_unused]] unsigned saved_ = 0;
};

// Clones of non-template functions: clang does not multiversion templates.
__attribute__((target_clones("avx2", "default"))) void run_float(SimulationRun& s) {
  run<float>(s);
}
__attribute__((target_clones("avx2", "default"))) void run_double(SimulationRun& s) {
  run<double>(s);
}

}  // namespace

void simulate_fused_cpu(SimulationRun& simulation) {
  const FlushSubnormals flush(simulation.generator == nullptr);
  if (simulation.params->W.scalar_type() == torch::kFloat32)
    run_float(simulation);
  else
    run_double(simulation);
}

}  // namespace spikernn
