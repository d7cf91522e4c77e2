// The pool that spreads a run's units over the CPU cores.
#pragma once

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace spikernn {

// The cores this process may run on: its affinity mask (what taskset, mpirun --bind-to and a
// Slurm allocation give it), not the machine's count, so that ranks sharing a node do not
// oversubscribe it.
inline int64_t available_cores() {
  cpu_set_t mask;
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0 && CPU_COUNT(&mask) > 0)
    return CPU_COUNT(&mask);
  return std::max(1u, std::thread::hardware_concurrency());
}

// Threads for `work` units: one per available core (at most one per unit), or 1 when not
// `parallel`.
inline int64_t pool_threads(bool parallel, int64_t work) {
  if (!parallel) return 1;
  return std::max<int64_t>(1, std::min<int64_t>(work, available_cores()));
}

// Runs fn(i) for every i in [0, count) on `threads` threads (the caller's included) that take
// indices in turn, with no barrier between them. The first exception stops the others from
// taking more and is rethrown here.
inline void for_each_in_pool(int64_t count, int64_t threads,
                             const std::function<void(int64_t)>& fn) {
  std::atomic<int64_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const auto work = [&] {
    for (int64_t i = next++; i < count; i = next++) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = count;
      }
    }
  };
  std::vector<std::thread> workers;
  for (int64_t t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (auto& worker : workers) worker.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace spikernn
