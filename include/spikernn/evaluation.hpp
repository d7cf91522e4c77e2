/// @file
/// Evaluation of a spiking network on a task: accuracy overall and per condition, response
/// timing, psychometric curves, firing rates, agreement with the rate network, and plots.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spikernn/spiking_config.hpp"
#include "spikernn/task.hpp"

namespace spikernn {

struct EvaluationOptions {
  std::string model_path;
  std::string task = "go-nogo";
  nlohmann::json task_settings = nlohmann::json::object();
  std::optional<double> scaling_factor;  ///< default: the model's opt_scaling_factor
  int64_t n_trials = 100;
  uint64_t seed = 0;
  int64_t batch_size = 25;
  bool parallel = true;
  SpikingConfig config;   ///< device, dtype, clamp_negative_weights, ...
  std::string plots_dir;  ///< PNG figures go here; empty for none
  bool show_progress = true;
  const std::atomic<bool>* cancel = nullptr;
};

/// Fraction of +1 choices (sign of the mean output in the response window) against one graded
/// input, for the trials of one condition (Mante: per context, against the relevant and the
/// irrelevant evidence).
struct PsychometricCurve {
  std::string condition, input;
  std::vector<double> input_level;  ///< bin centres
  std::vector<double> fraction_positive;
  std::vector<int64_t> trials;
};

struct EvaluationResult {
  std::string model_path, task;
  double scaling_factor = 0;
  int64_t n_trials = 0;
  uint64_t seed = 0;
  TaskPerformance performance;
  /// Seconds from stimulus onset until the output first crosses the decision threshold (with the
  /// sign of the label), for correct trials with a response: Go-NoGo's response times, XOR's
  /// temporal precision (their spread).
  std::vector<double> response_times;
  double response_time_mean = 0, response_time_sd = 0;
  std::vector<PsychometricCurve> psychometric;
  double exc_rate_hz = 0, inh_rate_hz = 0;  ///< mean firing rates of the two populations
  /// Pearson correlation of the LIF output with the rate network's output on the same stimulus,
  /// averaged over trials (NaN where an output is constant).
  double rate_correlation = 0;
  std::vector<std::string> plots;
  double seconds = 0;
};

EvaluationResult evaluate_task(const EvaluationOptions& options);

/// The port's form: `evaluate_task(task_name, model_dir, optimal_scaling_factor, task_settings,
/// save_plots)`; model_dir is a model file or a folder whose first `.mat` file is used, plots go
/// to `plots` beside it.
EvaluationResult evaluate_task(const std::string& task_name, const std::string& model_dir,
                               std::optional<double> optimal_scaling_factor = std::nullopt,
                               const nlohmann::json& task_settings = nlohmann::json::object(),
                               bool save_plots = true);

/// The seed's `eval_go_nogo(model_path, scaling_factor=50.0, n_trials=100, plot_results=True)`;
/// plots go beside the model, into a folder named after it (`go.mat` → `go_plots/`).
EvaluationResult eval_go_nogo(const std::string& model_path, double scaling_factor = 50.0,
                              int64_t n_trials = 100, bool plot_results = true);

void to_json(nlohmann::json& j, const EvaluationResult& result);

}  // namespace spikernn
