/// @file
/// PNG figures drawn with PLplot's cairo driver. Each file is written to a temporary name and
/// renamed, like every other output. PLplot is optional at build time: without it these functions
/// throw Error saying so, and everything else works.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "spikernn/core/error.hpp"

namespace spikernn {

/// Whether this spikernn was built with PLplot.
bool plots_available();

/// Throws Error, naming what is missing, when this spikernn cannot draw figures.
inline void require_plots() {
  if (!plots_available())
    throw Error(
        "plots: this spikernn was built without PLplot, so it draws no figures (install "
        "libplplot-dev and plplot-driver-cairo, then build again); run without plots");
}

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
