/// @file
/// PNG figures drawn with PLplot's cairo driver. Each file is written to a temporary name and
/// renamed, like every other output.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace spikernn {

/// Network output over time per condition: mean ± SD across trials (as the paper's Fig. 2B).
/// `outs` maps a condition to its n × nt outputs; `dt` is the step in seconds.
void plot_condition_outputs(const std::string& path, const std::string& title,
                            const std::map<std::string, torch::Tensor>& outs, double dt);

/// Spike raster of one trial: excitatory units in red, inhibitory in blue. `spk` is N × nt,
/// `exc` N booleans.
void plot_spike_raster(const std::string& path, const std::string& title, const torch::Tensor& spk,
                       const torch::Tensor& exc, double dt);

/// Accuracy against λ: overall (thick) and per condition.
void plot_grid_search(const std::string& path, const std::string& title,
                      const std::vector<double>& factors, const std::vector<double>& accuracy,
                      const std::vector<std::map<std::string, double>>& condition_accuracy);

}  // namespace spikernn
