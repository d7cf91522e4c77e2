// Long runs called from Python: on a thread of their own, with progress and Ctrl-C.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "python/bindings.hpp"

namespace spikernn::python {

using Progress = std::function<void(int64_t, int64_t)>;

// Runs `work(on_progress, cancel)` on a thread of its own while the calling (Python) thread waits
// without the GIL: every 100 ms it takes the GIL to report progress to `progress` (a callable of
// done and total, or None) and to let Python handle signals. Ctrl-C (or an exception raised by
// `progress`) sets `cancel`, the run stops between batches with nothing written, and the
// KeyboardInterrupt (or that exception) is raised here once the worker has stopped.
template <typename Result>
Result run_interruptible(const std::function<Result(Progress, const std::atomic<bool>*)>& work,
                         const py::object& progress) {
  std::atomic<int64_t> done{0}, total{0};
  std::atomic<bool> cancel{false};
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::optional<Result> result;
  std::exception_ptr error;
  std::thread worker([&] {
    try {
      result.emplace(work(
          [&](int64_t d, int64_t t) {
            total = t;
            // Workers report out of order: keep the largest count, so progress never goes back.
            for (int64_t seen = done; d > seen && !done.compare_exchange_weak(seen, d);) {
            }
          },
          &cancel));
    } catch (...) {
      error = std::current_exception();
    }
    const std::lock_guard<std::mutex> lock(mutex);
    finished = true;
    finished_cv.notify_all();
  });
  std::optional<py::error_already_set> interrupt;
  int64_t reported = -1;
  for (bool over = false; !over;) {
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(mutex);
      over = finished_cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished; });
    }
    if (interrupt) continue;
    try {
      // Signals while the run goes on cancel it; one after its end is Python's to handle.
      if (!over && PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (!progress.is_none() && total > 0 && done != reported) {
        reported = done;
        progress(reported, total.load());
      }
    } catch (py::error_already_set& e) {
      interrupt.emplace(std::move(e));  // held, out of the interpreter, until the worker stops
      cancel = true;
    }
  }
  worker.join();
  if (interrupt) throw std::move(*interrupt);
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace spikernn::python
