// splitmix64 (Steele, Lea & Flood 2014; Vigna's constants): the one seed mixer of spikernn. It
// derives batch seeds from a run's seed, seeds the xoshiro256++ streams of the fast noise and
// tosses the CUDA kernel's stimulation coins, on the host and on the device.
#pragma once

#include <cstdint>

#include "spikernn/core/host_device.hpp"

namespace spikernn {

constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ull;  // splitmix64's increment

// splitmix64's output function: a bijective mix of all 64 bits.
SPIKERNN_HOST_DEVICE inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Advances `state` and returns its next output.
SPIKERNN_HOST_DEVICE inline uint64_t splitmix64_next(uint64_t& state) {
  state += kGoldenGamma;
  return mix64(state);
}

// Output `index` (0-based) of the stream seeded with `seed`, without walking the stream.
SPIKERNN_HOST_DEVICE inline uint64_t splitmix64_at(uint64_t seed, uint64_t index) {
  return mix64(seed + kGoldenGamma * (index + 1));
}

}  // namespace spikernn
