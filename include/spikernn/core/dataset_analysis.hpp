/// @file
/// The analyses of a trial dataset (spikernn/core/trial_dataset.hpp) that Kim & Sejnowski (Nature
/// Neuroscience 2021) make of their networks: neuronal timescales as Murray et al. (2014) define
/// them, the Fano factor over time, cross-temporal decoding of the condition, and PSTHs. Each is
/// a computation that returns data; the figures are in spikernn/plots/analysis_figures.hpp and
/// the definitions in docs/analysis.md.
#pragma once

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "spikernn/core/settings_table.hpp"
#include "spikernn/core/trial_dataset.hpp"

namespace spikernn {

struct AnalysisSettings {
  /// [start, stop) in seconds of the spontaneous activity whose autocorrelation gives the
  /// timescales. Empty: the pre-stimulus period, [0, stimulus onset), from the dataset's config.
  std::vector<double> timescale_window;
  double bin = 0.05;  ///< seconds: the bin of the timescales, the decoding and the PSTHs
  /// Timescale exclusions: fewer trials in the dataset (the authors' > 10), fewer spikes of the
  /// unit in the window over all trials, a higher rate in the window (the paper's [0, 100] Hz),
  /// an autocorrelation whose peak comes after this lag (the authors' mm < 4), a fitted τ beyond
  /// this many bins.
  int64_t min_trials = 11;
  int64_t min_spikes = 10;
  double max_rate = 100;
  int64_t max_peak_lag = 3;
  double max_tau_bins = 100;
  double fano_window = 0.1;  ///< seconds: spike-count window of the Fano factor
  double fano_step = 0.05;   ///< seconds between window starts; fano_window is a multiple of it
  int64_t decoding_folds = 5;
  /// Shrinkage of the decoder's covariance towards its mean variance: 0 plain LDA, 1 nearest
  /// class mean.
  double decoding_shrinkage = 0.1;
  uint64_t decoding_seed = 0;  ///< the trials' assignment to folds
  /// Called after each analysis (done of total), from the calling thread.
  std::function<void(int64_t done, int64_t total)> on_progress;
  const std::atomic<bool>* cancel = nullptr;  ///< stop between analyses (Interrupted) when set
};

/// Every field but the callbacks, each once.
const SettingsTable<AnalysisSettings>& analysis_settings_table();
/// Throws InvalidArgument naming the key of the first setting out of range.
void validate_analysis_settings(const AnalysisSettings& settings);

/// Why a unit has no timescale (`fitted` when it has one).
enum class TimescaleStatus {
  fitted,
  too_few_trials,             ///< the dataset has fewer than min_trials trials
  too_few_spikes,             ///< fewer than min_spikes in the window (silent units too)
  rate_above_max,             ///< mean rate in the window above max_rate
  undefined_autocorrelation,  ///< some lag has no bin pair with spike-count variance
  late_peak,                  ///< the autocorrelation peaks after max_peak_lag
  fit_failed  ///< fewer than 3 lags from the peak, no decay (A <= 0) or τ beyond the bounds
};
const EnumNames<TimescaleStatus>& timescale_status_names();

/// `A·(exp(−x/τ) + B)`, the least-squares fit of the authors' lsqcurvefit.
struct ExponentialFit {
  bool ok = false;  ///< a decay (A > 0) with τ strictly inside (0.05, max_tau)
  double amplitude = std::numeric_limits<double>::quiet_NaN();  ///< A
  double offset = std::numeric_limits<double>::quiet_NaN();     ///< B
  double tau = std::numeric_limits<double>::quiet_NaN();        ///< in the units of x
  double sse = std::numeric_limits<double>::quiet_NaN();        ///< sum of squared residuals
};

/// Fits `A·(exp(−x/τ) + B)` to (x, y) by variable projection: for a fixed τ the model is linear
/// in A and A·B, so the residual is a function of τ alone, minimised over a log-spaced grid on
/// [0.05, max_tau] and then by golden-section search. Needs at least 3 points.
ExponentialFit fit_exponential_decay(const std::vector<double>& x, const std::vector<double>& y,
                                     double max_tau);

struct TimescaleResult {
  double window_start = 0, window_stop = 0;  ///< seconds, the window used
  double bin = 0;                            ///< seconds (a whole number of steps)
  std::vector<double> lag_s;                 ///< lags 1, 2, ... in seconds
  torch::Tensor autocorrelation;             ///< float64, N × lags; NaN where undefined
  std::vector<bool> excitatory;              ///< per unit (the dataset's exc)
  std::vector<double> rate_hz;               ///< mean rate of each unit in the window
  std::vector<int64_t> peak_lag;  ///< lag (1-based) where each unit's fit starts; 0 if none
  std::vector<TimescaleStatus> status;
  std::vector<double> tau_ms, amplitude, offset;  ///< per unit; NaN unless fitted
  int64_t fitted = 0;
  std::map<std::string, int64_t> excluded;                      ///< reason → units
  double median_ms = std::numeric_limits<double>::quiet_NaN();  ///< over fitted units
  double median_ms_exc = std::numeric_limits<double>::quiet_NaN();
  double median_ms_inh = std::numeric_limits<double>::quiet_NaN();
  /// The fitted units' autocorrelations aligned at their peaks (element k: k lags after each
  /// unit's peak) and averaged, and its fit: the authors' new_auto_c and pop_fit.
  std::vector<double> population_autocorrelation;
  ExponentialFit population_fit;
  double population_tau_ms = std::numeric_limits<double>::quiet_NaN();
};

struct FanoFactorResult {
  double window = 0, step = 0;  ///< seconds
  std::vector<double> time_s;   ///< window centres
  /// float64, conditions × windows: the mean over units (with a non-zero mean count) of the
  /// count variance over its mean across the condition's trials; NaN where undefined.
  torch::Tensor fano;
  double mean = std::numeric_limits<double>::quiet_NaN();  ///< over windows and conditions
};

struct DecodingResult {
  double bin = 0;              ///< seconds
  std::vector<double> time_s;  ///< bin centres
  std::vector<std::string> classes;
  int64_t folds = 0;  ///< the folds used (fewer than asked when a class has fewer trials)
  double chance = 0;  ///< 1 / classes
  /// float64, bins × bins: accuracy on held-out trials of the classifier trained at the row's
  /// bin and tested at the column's; empty when there was nothing to decode.
  torch::Tensor accuracy;
};

struct PsthResult {
  double bin = 0;  ///< seconds
  std::vector<double> time_s;
  torch::Tensor unit_hz;         ///< float64, conditions × N × bins: mean rate across trials
  torch::Tensor exc_hz, inh_hz;  ///< float64, conditions × bins: means over E and over I units
};

struct DatasetAnalysis {
  nlohmann::json settings;  ///< analysis_settings_table().write of the settings used
  std::vector<std::string> conditions;
  std::vector<int64_t> condition_trials;
  TimescaleResult timescales;
  FanoFactorResult fano;
  DecodingResult decoding;
  PsthResult psth;
  std::vector<std::string> warnings;
  double seconds = 0;
};

/// The timescale window in seconds: the setting, or [0, stimulus onset) where onset is the task's
/// stim_on column (config "task" and "task_settings") × 100 steps × dt / config "downsample".
/// Throws InvalidArgument when neither gives one.
std::pair<double, double> timescale_window(const TrialDataset& dataset,
                                           const AnalysisSettings& settings);

TimescaleResult neuronal_timescales(const TrialDataset& dataset, const AnalysisSettings& settings);
FanoFactorResult fano_factor_over_time(const TrialDataset& dataset,
                                       const AnalysisSettings& settings);
/// `warnings` receives why the decoding was skipped or used fewer folds.
DecodingResult cross_temporal_decoding(const TrialDataset& dataset,
                                       const AnalysisSettings& settings,
                                       std::vector<std::string>* warnings = nullptr);
PsthResult condition_psths(const TrialDataset& dataset, const AnalysisSettings& settings);

/// All four, with the settings checked first.
DatasetAnalysis analyze_dataset(const TrialDataset& dataset, const AnalysisSettings& settings);

/// Keys: timescale_ms_median, fano_factor_mean, decoding_accuracy (at the top), then
/// timescales, fano_factor, decoding, psth, conditions, settings, warnings, seconds
/// (docs/analysis.md). NaN is written as null.
void to_json(nlohmann::json& j, const DatasetAnalysis& analysis);

}  // namespace spikernn
