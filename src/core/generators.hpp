// torch generators, for the runs that draw the port's random streams.
#pragma once

#include <torch/torch.h>

#include <mutex>
#include <optional>

namespace spikernn {

// A generator of `device`'s kind seeded with `seed`, or torch's global one for that device when
// there is no seed (so that `torch::manual_seed(s)` then behaves as in the port).
inline at::Generator seeded_generator(const torch::Device& device, std::optional<uint64_t> seed) {
  if (!seed) return at::globalContext().defaultGenerator(device);
  at::Generator generator = at::globalContext().defaultGenerator(device).clone();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_current_seed(*seed);
  return generator;
}

// `generator` when the caller gave one, else torch's global one for `device`.
inline at::Generator generator_or_global(const at::Generator& generator,
                                         const torch::Device& device) {
  return generator.defined() ? generator : at::globalContext().defaultGenerator(device);
}

}  // namespace spikernn
