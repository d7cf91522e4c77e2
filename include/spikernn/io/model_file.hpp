/// @file
/// Model files: rate models read from MAT files, trained networks written to them, and the port's
/// `LIF_network_fnc` from a model path.
#pragma once

#include <torch/torch.h>

#include <string>

#include "spikernn/core/lif_network_fnc.hpp"
#include "spikernn/core/rate_model.hpp"
#include "spikernn/core/rate_training.hpp"

namespace spikernn {

/// Loads a MAT file (v4, v5 compressed or not, v7.3) written by the `rate` package, scipy or
/// MATLAB (see rate_model_from_arrays for what it must hold). Throws FileError for an unreadable
/// file and ModelFormatError naming the file, the variable, what was expected and what was found
/// (a missing variable's error lists what the file holds).
RateModel load_rate_model(const std::string& path);

/// `LIF_network_fnc` on the model stored at `model_path` (see the RateModel overload).
SimulationResult LIF_network_fnc(const std::string& model_path, double scaling_factor,
                                 const torch::Tensor& u, const Stims& stims, int64_t downsample,
                                 bool use_initial_weights, SpikingConfig config = SpikingConfig{},
                                 const Record& record = Record::all());

/// Writes `<path>` (.mat with the rate package's variables; see docs/training.md) and
/// `<path minus .mat>.pt` (the LibTorch module), each through a temporary file and a rename.
void save_trained_model(const TrainingResult& result, const std::string& path);

}  // namespace spikernn
