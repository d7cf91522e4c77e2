/// @file
/// The port's utilities for spike trains, stimuli and devices.
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>

namespace spikernn {

/// `format_spike_data(spk, dt)` of the port, plus the active neurons its README uses.
struct SpikeData {
  torch::Tensor spike_times;    ///< seconds, one per spike, neuron-major order
  torch::Tensor spike_neurons;  ///< neuron index of each spike (int64)
  torch::Tensor firing_rates;   ///< Hz per neuron: spikes / (nt · dt)
  int64_t total_spikes = 0;
  torch::Tensor active_neurons;  ///< indices of neurons with at least one spike (int64)
};

/// `spk` is N × nt (0/1). Throws InvalidArgument for another shape or dt <= 0.
SpikeData format_spike_data(const torch::Tensor& spk, double dt);

/// Checks that `u` is a finite 2-D stimulus with the inputs of `task_type` ("go-nogo": 1,
/// "xor": 2, "mante": 4, or any registered task) and at least 2 columns. Throws InvalidArgument
/// naming what was expected and found; returns true otherwise, as the port does.
bool validate_stimulus(const torch::Tensor& u, const std::string& task_type = "go-nogo");

/// (whether CUDA can be used, the name of device 0 or "CPU").
std::pair<bool, std::string> check_gpu_availability();

}  // namespace spikernn
