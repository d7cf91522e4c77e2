/// @file
/// Stimulus files: the input u (n_inputs × columns, one column per 100 steps) of one trial.
#pragma once

#include <torch/torch.h>

#include <string>

namespace spikernn {

/// Reads u from a `.mat` file (variable `u`) or a `.json` file (an array of numbers for one input,
/// or an array of equally long arrays, one per input). Returns a float64 n_inputs × columns
/// tensor. Throws FileError / ModelFormatError / ConfigError naming the file and what was found.
torch::Tensor load_stimulus(const std::string& path);

}  // namespace spikernn
