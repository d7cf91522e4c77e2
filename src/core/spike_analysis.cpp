#include "spikernn/core/spike_analysis.hpp"

#include "build_config.hpp"

// Set by CMake when the LibTorch found has CUDA (its torch_cuda target exists).
#if SPIKERNN_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#endif

#include "spikernn/core/error.hpp"
#include "spikernn/core/task.hpp"

namespace spikernn {

SpikeData format_spike_data(const torch::Tensor& spk, double dt) {
  if (spk.dim() != 2)
    throw InvalidArgument("spk: expected an N × nt spike matrix, found shape " +
                          c10::str(spk.sizes()));
  if (!(dt > 0)) throw InvalidArgument("dt: expected a positive step, found " + std::to_string(dt));
  const torch::Tensor fired = spk.to(torch::kCPU).gt(0);
  const torch::Tensor where = fired.nonzero();  // rows of (neuron, step), neuron-major
  SpikeData d;
  d.spike_neurons = where.select(1, 0).contiguous();
  d.spike_times = where.select(1, 1).to(torch::kFloat64) * dt;
  const torch::Tensor counts = fired.sum(1);
  d.firing_rates = counts.to(torch::kFloat64) / (static_cast<double>(spk.size(1)) * dt);
  d.total_spikes = where.size(0);
  d.active_neurons = counts.gt(0).nonzero().reshape({-1});
  return d;
}

bool validate_stimulus(const torch::Tensor& u, const std::string& task_type) {
  const int64_t inputs = make_task(task_type)->n_inputs();
  if (u.dim() != 2)
    throw InvalidArgument("stimulus u: expected a 2-D array (n_inputs × columns), found " +
                          std::to_string(u.dim()) + " dimensions");
  if (u.size(0) != inputs)
    throw InvalidArgument("stimulus u: task '" + task_type + "' expects " + std::to_string(inputs) +
                          " input row(s), found " + std::to_string(u.size(0)));
  if (u.size(1) < 2)
    throw InvalidArgument("stimulus u: expected at least 2 columns, found " +
                          std::to_string(u.size(1)));
  if (!torch::isfinite(u).all().item<bool>())
    throw InvalidArgument("stimulus u: expected finite values, found NaN or Inf");
  return true;
}

std::pair<bool, std::string> check_gpu_availability() {
  if (!torch::cuda::is_available()) return {false, "CPU"};
#if SPIKERNN_WITH_CUDA
  return {true, at::cuda::getDeviceProperties(0)->name};
#else
  return {true, "CUDA device 0"};
#endif
}

}  // namespace spikernn
