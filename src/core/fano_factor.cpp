// The Fano factor over time per condition: spike counts in sliding windows, their variance over
// their mean across the condition's trials, averaged over units.
#include <cmath>

#include "dataset_analysis_support.hpp"
#include "spikernn/core/dataset_analysis.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {

FanoFactorResult fano_factor_over_time(const TrialDataset& d, const AnalysisSettings& s) {
  const int64_t window = analysis::steps_of(s.fano_window, d.dt, "fano_window");
  const int64_t stride = analysis::steps_of(s.fano_step, d.dt, "fano_step");
  if (window > d.n_steps)
    throw InvalidArgument("analysis setting 'fano_window': " + std::to_string(s.fano_window) +
                          " s is longer than the trial (" + std::to_string(d.n_steps * d.dt) +
                          " s)");
  if (window % stride != 0)
    throw InvalidArgument(
        "analysis setting 'fano_window': expected a whole multiple of "
        "fano_step (" +
        std::to_string(s.fano_step) + " s), found " + std::to_string(s.fano_window) + " s");
  const int64_t windows = (d.n_steps - window) / stride + 1;
  FanoFactorResult r;
  r.window = static_cast<double>(window) * d.dt;
  r.step = static_cast<double>(stride) * d.dt;
  r.time_s = analysis::window_centres(0, window, stride, windows, d.dt);
  // Counts per step-wide bin, summed over each run of window / step bins.
  const torch::Tensor counts =
      analysis::bin_counts(d, 0, stride, d.n_steps / stride).unfold(2, window / stride, 1).sum(3);
  const auto trials = analysis::trials_by_condition(d);
  r.fano =
      torch::full({static_cast<int64_t>(trials.size()), windows}, std::nan(""), torch::kFloat64);
  for (size_t c = 0; c < trials.size(); ++c) {
    if (trials[c].numel() < 2) continue;  // no variance across one trial
    const torch::Tensor x = counts.index_select(0, trials[c]);
    const torch::Tensor mean = x.mean(0), var = x.var(0, /*unbiased=*/true);
    // A unit that never fires in the window has no Fano factor there (0/0): left out.
    const torch::Tensor fano = torch::where(mean.gt(0), var / mean, std::nan(""));
    r.fano[static_cast<int64_t>(c)] = torch::nanmean(fano, 0);
  }
  r.mean = torch::nanmean(r.fano).item<double>();
  return r;
}

}  // namespace spikernn
