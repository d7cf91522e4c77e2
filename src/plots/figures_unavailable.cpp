// Built instead of figures.cpp and analysis_figures.cpp when PLplot is absent: every figure is
// refused with the reason.
#include "spikernn/plots/analysis_figures.hpp"
#include "spikernn/plots/figures.hpp"

namespace spikernn {

bool plots_available() { return false; }

void plot_condition_outputs(const std::string&, const std::string&,
                            const std::map<std::string, torch::Tensor>&, double) {
  require_plots();
}

void plot_spike_raster(const std::string&, const std::string&, const torch::Tensor&,
                       const torch::Tensor&, double) {
  require_plots();
}

void plot_grid_search(const std::string&, const std::string&, const std::vector<double>&,
                      const std::vector<double>&,
                      const std::vector<std::map<std::string, double>>&) {
  require_plots();
}

std::vector<std::string> write_analysis_figures(const DatasetAnalysis&, const std::string&,
                                                const std::string&) {
  require_plots();
  return {};
}

}  // namespace spikernn
