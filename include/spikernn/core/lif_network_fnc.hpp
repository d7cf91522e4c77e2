/// @file
/// The port's one-call conversion and simulation, `LIF_network_fnc`, with its argument order.
#pragma once

#include <torch/torch.h>

#include "spikernn/core/rate_model.hpp"
#include "spikernn/core/simulation_result.hpp"
#include "spikernn/core/spiking_config.hpp"
#include "spikernn/core/stims.hpp"

namespace spikernn {

/// Maps the rate model onto an LIF network with weights divided by `scaling_factor` and simulates
/// stimulus `u` (n_inputs × columns). With `config` left at its defaults this is the port's
/// function: CPU, float64, every trace, and torch's global generator, so that
/// `torch::manual_seed(s)` before the call gives the port's spikes for the same seed.
/// `config` may set the device, dtype, seed and weight clamping; its `scaling_factor`,
/// `downsample` and `use_initial_weights` are replaced by the arguments.
SimulationResult LIF_network_fnc(const RateModel& model, double scaling_factor,
                                 const torch::Tensor& u, const Stims& stims, int64_t downsample,
                                 bool use_initial_weights, SpikingConfig config = SpikingConfig{},
                                 const Record& record = Record::all());

}  // namespace spikernn
