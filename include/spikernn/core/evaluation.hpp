/// @file
/// Evaluation of a spiking network on a task, as a computation: accuracy overall and per
/// condition, response timing, psychometric curves, firing rates and agreement with the rate
/// network. Figures and the port's file-based forms are in spikernn/plots/evaluate_task.hpp.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spikernn/core/rate_model.hpp"
#include "spikernn/core/spiking_config.hpp"
#include "spikernn/core/task.hpp"
#include "spikernn/core/task_run.hpp"
#include "spikernn/core/trial_runner.hpp"

namespace spikernn {

struct EvaluationSettings {
  std::string task = "go-nogo";
  nlohmann::json task_settings = nlohmann::json::object();
  std::optional<double> scaling_factor;  ///< default: the model's opt_scaling_factor
  int64_t n_trials = 100;
  uint64_t seed = 0;
  int64_t batch_size = kDefaultBatchSize;
  bool parallel = true;
  SpikingConfig config = task_run_config();  ///< device, dtype, noise (fast), ...
  /// Keep the outputs of every trial and the spikes of one trial per condition (for figures).
  bool keep_traces = false;
  /// Called from worker threads with the trials simulated so far.
  std::function<void(int64_t done, int64_t total)> on_progress;
  const std::atomic<bool>* cancel = nullptr;  ///< stop between batches when set
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
  std::vector<std::string> plots;     ///< figures written (by the plots layer)
  std::vector<std::string> warnings;  ///< what mapping the model warned about
  double seconds = 0;

  /// With `keep_traces`: the outputs (n_trials × nt, on the CPU), each trial's condition, the
  /// spikes (N × nt) of the first trial of each condition, the step (s) and the E units.
  torch::Tensor outputs;
  std::vector<std::string> trial_conditions;
  std::map<std::string, torch::Tensor> example_spikes;
  double dt = 0;
  torch::Tensor exc;
};

/// Throws as prepare_task_run does for a model that does not fit, InvalidArgument for no trials,
/// and Interrupted when `cancel` is set.
EvaluationResult evaluate_task(const RateModel& model, const EvaluationSettings& settings);
/// The same for several models in one pool of units; one result each, in order, each the one
/// `evaluate_task` gives for that model alone. `seconds` is the whole run's.
std::vector<EvaluationResult> evaluate_tasks(std::vector<RateModel> models,
                                             const EvaluationSettings& settings);

/// The evaluation as units, for runs spread over processes (spikernn/core/task_run.hpp): run the
/// parts anywhere, collect their scores, and `evaluation_results` gives what `evaluate_tasks`
/// gives (`seconds` left 0; traces only where the scores kept their outputs).
TaskRun evaluation_run(std::vector<RateModel> models, const EvaluationSettings& settings);
std::vector<EvaluationResult> evaluation_results(const TaskRun& run,
                                                 const std::vector<UnitScores>& all);

void to_json(nlohmann::json& j, const EvaluationResult& result);

}  // namespace spikernn
