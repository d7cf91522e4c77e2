#include "spikernn/core/dataset_analysis.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

#include "dataset_analysis_support.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/task.hpp"
#include "spikernn/core/time_grid.hpp"

namespace spikernn {

const SettingsTable<AnalysisSettings>& analysis_settings_table() {
  using S = AnalysisSettings;
  static const SettingsTable<S> table = [] {
    SettingsTable<S> t("analysis settings");
    t.add("timescale_window", &S::timescale_window,
          "Start and stop (s) of the activity whose autocorrelation gives the timescales "
          "(empty: [0, stimulus onset) from the dataset's task)")
        .add("bin", &S::bin, "Bin (s) of the timescales, the decoding and the PSTHs")
        .add("min_trials", &S::min_trials, "Timescales need at least this many trials")
        .add("min_spikes", &S::min_spikes,
             "A unit with fewer spikes in the timescale window (all trials) has no timescale")
        .add("max_rate", &S::max_rate,
             "A unit firing faster (Hz) in the timescale window has no timescale")
        .add("max_peak_lag", &S::max_peak_lag,
             "A unit whose autocorrelation peaks after this lag (bins) has no timescale")
        .add("max_tau_bins", &S::max_tau_bins, "Largest timescale fitted, in bins")
        .add("fano_window", &S::fano_window,
             "Spike-count window (s) of the Fano factor, a whole multiple of fano_step")
        .add("fano_step", &S::fano_step, "Step (s) between Fano factor windows")
        .add("decoding_folds", &S::decoding_folds, "Cross-validation folds of the decoding")
        .add("decoding_shrinkage", &S::decoding_shrinkage,
             "Covariance shrinkage of the decoder: 0 LDA, 1 nearest class mean")
        .add("decoding_seed", &S::decoding_seed, "Seed of the trials' assignment to folds");
    return t;
  }();
  return table;
}

void validate_analysis_settings(const AnalysisSettings& s) {
  const auto fail = [](const std::string& key, const std::string& expected, double found) {
    throw InvalidArgument("analysis setting '" + key + "': expected " + expected + ", found " +
                          std::to_string(found));
  };
  const auto positive = [&](const std::string& key, double value) {
    if (!(value > 0) || !std::isfinite(value)) fail(key, "a positive, finite number", value);
  };
  const auto& w = s.timescale_window;
  if (!w.empty() && (w.size() != 2 || !(w[0] >= 0) || !(w[1] > w[0]) || !std::isfinite(w[1])))
    throw InvalidArgument(
        "analysis setting 'timescale_window': expected [start, stop] with 0 <= start < stop "
        "(seconds)");
  positive("bin", s.bin);
  positive("max_rate", s.max_rate);
  positive("fano_window", s.fano_window);
  positive("fano_step", s.fano_step);
  if (s.min_trials < 2) fail("min_trials", "at least 2", s.min_trials);
  if (s.min_spikes < 0) fail("min_spikes", "at least 0", s.min_spikes);
  if (s.max_peak_lag < 1) fail("max_peak_lag", "at least 1", s.max_peak_lag);
  if (!(s.max_tau_bins > 1) || !std::isfinite(s.max_tau_bins))
    fail("max_tau_bins", "a finite number above 1", s.max_tau_bins);
  if (s.decoding_folds < 2) fail("decoding_folds", "at least 2", s.decoding_folds);
  if (!(s.decoding_shrinkage >= 0 && s.decoding_shrinkage <= 1))
    fail("decoding_shrinkage", "0 to 1", s.decoding_shrinkage);
}

const EnumNames<TimescaleStatus>& timescale_status_names() {
  using T = TimescaleStatus;
  static const EnumNames<T> names = {{"fitted", T::fitted},
                                     {"too_few_trials", T::too_few_trials},
                                     {"too_few_spikes", T::too_few_spikes},
                                     {"rate_above_max", T::rate_above_max},
                                     {"undefined_autocorrelation", T::undefined_autocorrelation},
                                     {"late_peak", T::late_peak},
                                     {"fit_failed", T::fit_failed}};
  return names;
}

namespace analysis {

torch::Tensor bin_counts(const TrialDataset& d, int64_t first_step, int64_t bin_steps,
                         int64_t bins) {
  if (bins < 1)
    throw InvalidArgument("analysis setting 'bin': " + std::to_string(bin_steps * d.dt) +
                          " s is longer than the trial (" + std::to_string(d.n_steps * d.dt) +
                          " s)");
  return binned_spike_counts(d, first_step, first_step + bins * bin_steps, bin_steps);
}

int64_t steps_of(double seconds, double dt, const std::string& key) {
  const double steps = std::round(seconds / dt);
  if (!(steps >= 1) || steps > 1e15)
    throw InvalidArgument("analysis setting '" + key + "': expected at least one step of the " +
                          "dataset (" + std::to_string(dt) + " s), found " +
                          std::to_string(seconds) + " s");
  return static_cast<int64_t>(steps);
}

std::vector<double> window_centres(int64_t first_step, int64_t window_steps, int64_t stride_steps,
                                   int64_t windows, double dt) {
  std::vector<double> centres;
  for (int64_t w = 0; w < windows; ++w)
    centres.push_back((first_step + w * stride_steps + 0.5 * window_steps) * dt);
  return centres;
}

std::vector<torch::Tensor> trials_by_condition(const TrialDataset& d) {
  std::vector<torch::Tensor> trials;
  for (size_t c = 0; c < d.conditions.size(); ++c)
    trials.push_back(d.condition.eq(static_cast<int64_t>(c)).nonzero().flatten());
  return trials;
}

void check_cancel(const std::atomic<bool>* cancel, const std::string& where) {
  if (cancel != nullptr && cancel->load()) throw Interrupted("analysis interrupted " + where);
}

double median(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  if (values.size() % 2 == 1) return values[mid];
  return 0.5 * (values[mid] + *std::max_element(values.begin(), values.begin() + mid));
}

}  // namespace analysis

std::pair<double, double> timescale_window(const TrialDataset& d, const AnalysisSettings& s) {
  if (!s.timescale_window.empty()) return {s.timescale_window[0], s.timescale_window[1]};
  // The stimulus starts at the task's stim_on column (the task's defaults under the config's
  // task_settings); a column is 100 steps of the undownsampled dt.
  const nlohmann::json& c = d.config;
  std::optional<int64_t> stim_on;
  if (c.is_object() && c.contains("task") && c["task"].is_string()) {
    const nlohmann::json settings = c.value("task_settings", nlohmann::json::object());
    try {
      const nlohmann::json all = make_task(c["task"].get<std::string>(), settings)->settings();
      if (all.contains("stim_on") && all["stim_on"].is_number_integer())
        stim_on = all["stim_on"].get<int64_t>();
    } catch (const Error&) {
      // A task this program does not know: its task_settings may still name stim_on.
    }
    if (!stim_on && settings.is_object() && settings.contains("stim_on") &&
        settings["stim_on"].is_number_integer())
      stim_on = settings["stim_on"].get<int64_t>();
  }
  if (!stim_on || *stim_on <= 0)
    throw InvalidArgument(
        "timescale window: the dataset's config names no task with a positive stim_on, so the "
        "pre-stimulus period is unknown; give the window in seconds (--timescale-window A:B, "
        "or 'timescale_window')");
  int64_t downsample = 1;
  if (c.contains("downsample") && c["downsample"].is_number_integer())
    downsample = std::max<int64_t>(1, c["downsample"].get<int64_t>());
  // Column c drives the steps from 100·c − 50 on (the port's rounding, stimulus_column()).
  const int64_t onset_step = *stim_on * kStepsPerColumn - kStepsPerColumn / 2;
  return {0.0, static_cast<double>(onset_step) * d.dt / static_cast<double>(downsample)};
}

PsthResult condition_psths(const TrialDataset& d, const AnalysisSettings& s) {
  PsthResult r;
  const int64_t bin_steps = analysis::steps_of(s.bin, d.dt, "bin");
  const int64_t bins = d.n_steps / bin_steps;
  r.bin = static_cast<double>(bin_steps) * d.dt;
  r.time_s = analysis::window_centres(0, bin_steps, bin_steps, bins, d.dt);
  const torch::Tensor rates = analysis::bin_counts(d, 0, bin_steps, bins) / r.bin;
  const auto trials = analysis::trials_by_condition(d);
  const auto C = static_cast<int64_t>(trials.size());
  r.unit_hz = torch::full({C, d.N, bins}, std::nan(""), torch::kFloat64);
  for (int64_t c = 0; c < C; ++c)
    if (trials[c].numel() > 0) r.unit_hz[c] = rates.index_select(0, trials[c]).mean(0);
  const auto population = [&](const torch::Tensor& mask) {
    const torch::Tensor units = mask.to(torch::kBool).nonzero().flatten();
    return units.numel() > 0 ? r.unit_hz.index_select(1, units).mean(1)
                             : torch::full({C, bins}, std::nan(""), torch::kFloat64);
  };
  r.exc_hz = population(d.exc);
  r.inh_hz = population(d.inh);
  return r;
}

DatasetAnalysis analyze_dataset(const TrialDataset& d, const AnalysisSettings& s) {
  const auto start = std::chrono::steady_clock::now();
  validate_analysis_settings(s);
  validate_dataset(d, "analyze_dataset: the dataset");
  DatasetAnalysis r;
  r.settings = analysis_settings_table().write(s);
  r.conditions = d.conditions;
  for (const torch::Tensor& t : analysis::trials_by_condition(d))
    r.condition_trials.push_back(t.numel());
  const int64_t total = 4;
  const auto step = [&](int64_t done, const char* next) {
    if (s.on_progress) s.on_progress(done, total);
    if (next != nullptr) analysis::check_cancel(s.cancel, std::string("before ") + next);
  };
  step(0, "the timescales");
  r.timescales = neuronal_timescales(d, s);
  if (r.timescales.fitted == 0)
    r.warnings.push_back("timescales: no unit has a fitted timescale (see timescales.excluded)");
  step(1, "the Fano factor");
  r.fano = fano_factor_over_time(d, s);
  step(2, "the decoding");
  r.decoding = cross_temporal_decoding(d, s, &r.warnings);
  step(3, "the PSTHs");
  r.psth = condition_psths(d, s);
  step(4, nullptr);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace spikernn
