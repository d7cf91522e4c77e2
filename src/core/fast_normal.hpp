// A fast source of normal deviates for runs that need statistics, not the port's exact numbers:
// four xoshiro256++ streams (Blackman & Vigna) side by side, the lanes, each feeding the ziggurat
// method (Marsaglia & Tsang, 2000) with 256 layers. Deviate i of a fill() comes from lane i % 4, so
// the four lanes advance together and the compiler turns the common path into vector
// instructions; each lane alone is a plain sequential stream, which defines the numbers
// (normal(lane)) whatever the instructions, in code built without contraction to fused
// multiply-adds as the kernel is.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "splitmix64.hpp"

namespace spikernn {

class FastNormal {
 public:
  static constexpr int kLanes = 4;

  // The lanes' 16 state words are consecutive splitmix64 outputs of `seed`.
  explicit FastNormal(uint64_t seed) {
    for (U64x4& word : s_)
      for (int l = 0; l < kLanes; ++l) word[l] = splitmix64_next(seed);
  }

  // Uniform in [0, 1), from lane 0.
  double uniform() { return uniform(0); }

  // Lane `l`'s next standard normal deviate: the definition of the numbers.
  double normal(int l) {
    const Tables& t = tables();
    const uint64_t word = next(l);
    const int layer = static_cast<int>(word & (kLayers - 1));
    const double hz = abscissa(word);
    if (std::abs(hz) < t.k[layer]) return hz * t.w[layer];
    return rejected(t, l, layer, hz);
  }

  // `n` deviates of N(0, scale²) into `out`; deviate i is lane i % 4's next one, as normal(i % 4)
  // gives it. Four at a time in vector registers, on a local copy of the state.
  // (Always inlined: a caller built for several instruction sets gets it in each.)
  template <typename T>
  __attribute__((always_inline)) void fill(T* out, int64_t n, double scale) {
    const Tables& t = tables();
    // The state in vector registers (naturally aligned copies); written back only around the
    // rare rejections, which step single lanes of s_.
    Aligned s0 = s_[0], s1 = s_[1], s2 = s_[2], s3 = s_[3];
    int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
      Aligned word;
      xoshiro(s0, s1, s2, s3, word);
      const Aligned layer = word & (kLayers - 1);
      // (word >> 32) − 2³¹ exactly, through the bits of 2⁵² + (word >> 32).
      const F64x4 hz = (F64x4)((word >> 32) | kTwo52Bits) - (0x1p52 + 0x1p31);
      const F64x4 width = {t.w[layer[0]], t.w[layer[1]], t.w[layer[2]], t.w[layer[3]]};
      const F64x4 bound = {t.k[layer[0]], t.k[layer[1]], t.k[layer[2]], t.k[layer[3]]};
      const auto accepted = (F64x4)((Aligned)hz & kMagnitudeBits) < bound;
      F64x4 x = hz * width;
      // (memcmp compiles to a store and two loads; reading the four lanes one by one took four
      // extractions, and a trial 3 % longer.)
      if (std::memcmp(&accepted, &kAllAccepted, sizeof accepted) != 0) {
        store(s0, s1, s2, s3);
        for (int l = 0; l < kLanes; ++l)
          if (!accepted[l]) x[l] = rejected(t, l, static_cast<int>(layer[l]), hz[l]);
        s0 = s_[0], s1 = s_[1], s2 = s_[2], s3 = s_[3];
      }
      // One vector store (element by element, GCC spills x and stores its lanes one by one).
      const F64x4 scaled = x * scale;
      if constexpr (sizeof(T) == sizeof(double)) {
        std::memcpy(out + i, &scaled, sizeof scaled);
      } else {
        typedef T Tx4 __attribute__((vector_size(kLanes * sizeof(T))));
        const Tx4 narrowed = __builtin_convertvector(scaled, Tx4);
        std::memcpy(out + i, &narrowed, sizeof narrowed);
      }
    }
    store(s0, s1, s2, s3);
    for (int l = 0; l < kLanes && i < n; ++l, ++i) out[i] = static_cast<T>(normal(l) * scale);
  }

 private:
  // Marsaglia and Tsang's r and v for 256 layers: the fast test rejects 1.5 % of the attempts
  // (2.8 % with 128).
  static constexpr int kLayers = 256;
  static constexpr double kR = 3.6541528853610088;
  static constexpr double kV = 0.00492867323399;
  static constexpr uint64_t kTwo52Bits = 0x4330000000000000ull;  // the bits of 2⁵²
  static constexpr uint64_t kMagnitudeBits = 0x7fffffffffffffffull;
  typedef int64_t I64x4 __attribute__((vector_size(32)));
  static constexpr I64x4 kAllAccepted = {-1, -1, -1, -1};  // a vector comparison's "true" lanes

  // The stored state of four lanes (GCC's and Clang's vector extension), aligned as its
  // elements so that a FastNormal needs no over-aligned allocation; computed on in naturally
  // aligned copies (Aligned), which as a template argument U64x4 would not be (its reduced
  // alignment would be lost, and aligned loads of s_ could fault).
  typedef uint64_t U64x4 __attribute__((vector_size(32), aligned(8)));
  typedef uint64_t Aligned __attribute__((vector_size(32)));
  typedef double F64x4 __attribute__((vector_size(32)));

  // The ziggurat's layers: |abscissa| < k accepts at once; w the widths, f the densities.
  struct Tables {
    double k[kLayers], w[kLayers], f[kLayers];
    Tables() {
      const double m = 2147483648.0, v = kV;
      double d = kR, t = kR;
      const double q = v / std::exp(-0.5 * d * d);
      k[0] = std::floor((d / q) * m);
      k[1] = 0;
      w[0] = q / m;
      w[kLayers - 1] = d / m;
      f[0] = 1.0;
      f[kLayers - 1] = std::exp(-0.5 * d * d);
      for (int i = kLayers - 2; i >= 1; --i) {
        d = std::sqrt(-2.0 * std::log(v / d + std::exp(-0.5 * d * d)));
        k[i + 1] = std::floor((d / t) * m);
        t = d;
        f[i] = std::exp(-0.5 * d * d);
        w[i] = d / m;
      }
    }
  };
  static const Tables& tables() {
    static const Tables t;
    return t;
  }

  // An attempt's signed abscissa, in [−2³¹, 2³¹), from the word's high 32 bits; its low 8 bits
  // pick the layer.
  static double abscissa(uint64_t word) {
    return static_cast<double>(static_cast<int64_t>(word >> 32) - (int64_t{1} << 31));
  }

  // One xoshiro256++ step (Blackman & Vigna) on the state words s0..s3 of one lane (uint64_t) or
  // of all four at once (Aligned): the same expressions for both.
  template <typename W>
  __attribute__((always_inline)) static void xoshiro(W& s0, W& s1, W& s2, W& s3, W& result) {
    const W sum = s0 + s3;
    result = ((sum << 23) | (sum >> 41)) + s0;
    const W t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 45) | (s3 >> 19);
  }

  // Writes the state that fill() keeps in registers back into s_.
  __attribute__((always_inline)) void store(const Aligned& s0, const Aligned& s1, const Aligned& s2,
                                            const Aligned& s3) {
    s_[0] = s0;
    s_[1] = s1;
    s_[2] = s2;
    s_[3] = s3;
  }

  // Lane `l`'s next word.
  uint64_t next(int l) {
    uint64_t w0 = s_[0][l], w1 = s_[1][l], w2 = s_[2][l], w3 = s_[3][l], result;
    xoshiro(w0, w1, w2, w3, result);
    s_[0][l] = w0;
    s_[1][l] = w1;
    s_[2][l] = w2;
    s_[3][l] = w3;
    return result;
  }

  double uniform(int l) { return static_cast<double>(next(l) >> 11) * 0x1.0p-53; }

  // The rest of an attempt that failed the fast test: the tail beyond r, or the wedge test with a
  // uniform, then new attempts, all from lane `l`.
  double rejected(const Tables& t, int l, int layer, double hz) {
    for (;;) {
      const double x = hz * t.w[layer];
      if (layer == 0) {
        double tail, y;
        do {
          tail = -std::log(1.0 - uniform(l)) / kR;
          y = -std::log(1.0 - uniform(l));
        } while (y + y < tail * tail);
        return hz > 0 ? kR + tail : -kR - tail;
      }
      if (t.f[layer] + uniform(l) * (t.f[layer - 1] - t.f[layer]) < std::exp(-0.5 * x * x))
        return x;
      const uint64_t word = next(l);
      layer = static_cast<int>(word & (kLayers - 1));
      hz = abscissa(word);
      if (std::abs(hz) < t.k[layer]) return hz * t.w[layer];
    }
  }

  U64x4 s_[4];  // word j of lane l at s_[j][l]
};

}  // namespace spikernn
