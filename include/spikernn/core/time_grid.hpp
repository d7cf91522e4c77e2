/// @file
/// How the LIF time steps relate to the stimulus and to the firing rates, as the PyTorch port and
/// the MATLAB original define them. Free of LibTorch so that CUDA kernels include it too.
#pragma once

#include <cstdint>

#include "spikernn/core/host_device.hpp"

namespace spikernn {

/// LIF steps per stimulus column: a rate-network step of Δt = 5 ms is 100 LIF steps of 50 µs.
/// With downsampling k the LIF step is k·dt and only every k-th column is kept, so one kept column
/// still spans 100 LIF steps.
constexpr int64_t kStepsPerColumn = 100;

/// The stimulus column that drives LIF step `step` (0-based): the port's `u[:, round(i/100)]`,
/// written `int(i/100 + 0.5)`, held at the last column past the end.
SPIKERNN_HOST_DEVICE constexpr int64_t stimulus_column(int64_t step, int64_t columns) {
  const auto column = static_cast<int64_t>(static_cast<double>(step) / kStepsPerColumn + 0.5);
  return column < columns - 1 ? column : columns - 1;
}

/// `all_fr` counts the spikes of steps kRateWindowStart, …, nt − 1 and divides them by the whole
/// trial duration T, as the port does (its `spk[:, 10:]`): the first steps carry the transient of
/// the random initial voltages.
constexpr int64_t kRateWindowStart = 10;

}  // namespace spikernn
