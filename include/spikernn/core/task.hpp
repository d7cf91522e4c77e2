/// @file
/// Cognitive tasks for the spiking network: how a trial's stimulus is made and how its output is
/// scored. Built-in tasks (Go-NoGo, XOR, Mante) are in the registry; user code adds its own with
/// `register_task`.
#pragma once

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace spikernn {

/// One trial: its stimulus and what a correct network does.
struct Trial {
  torch::Tensor u;                       ///< n_inputs × columns, float64
  std::string condition;                 ///< e.g. "go", "nogo", "+-", "color"
  double label = 0;                      ///< target sign: +1 or −1 (Go-NoGo: 1 Go, 0 NoGo)
  std::map<std::string, double> inputs;  ///< task-specific values (Mante: "color", "motion")
};

/// Accuracy over trials, overall and per condition.
struct TaskPerformance {
  double overall_accuracy = 0;
  std::map<std::string, double> condition_accuracy;
  std::map<std::string, int64_t> condition_trials;
};

class AbstractSpikingTask {
 public:
  virtual ~AbstractSpikingTask() = default;

  virtual std::string name() const = 0;
  virtual int64_t n_inputs() const = 0;
  virtual int64_t columns() const = 0;
  /// The conditions a random trial is drawn from, in report order.
  virtual std::vector<std::string> conditions() const = 0;
  /// Settings as JSON (the keys `from_json` of the same task accepts).
  virtual nlohmann::json settings() const = 0;

  /// A trial of `condition`, or of a random condition when it is empty; random parts come from
  /// `rng`. Throws InvalidArgument for an unknown condition.
  virtual Trial generate_stimulus(const std::string& condition, std::mt19937_64& rng) const = 0;
  /// Whether the network output `out` (nt values, one per LIF step) is correct for `trial`.
  virtual bool evaluate_trial(const torch::Tensor& out, const Trial& trial) const = 0;
  /// First LIF step of the response window that `evaluate_trial` scores.
  virtual int64_t response_onset_step() const = 0;
  /// The output level a response has to cross (its sign follows the trial's label).
  virtual double decision_threshold() const = 0;
  /// Keys of `Trial::inputs` that vary continuously, for psychometric curves (Mante: color,
  /// motion); none by default.
  virtual std::vector<std::string> graded_inputs() const { return {}; }

  /// Training the rate network, one step per stimulus column, on outputs o_1 … o_{T−1}: the
  /// output indices [first, last) where the response is expected. By default from the response
  /// onset (100 LIF steps per column) to the end.
  virtual std::pair<int64_t, int64_t> target_window() const;

  /// The rate network's target for `trial`: its label inside the target window, 0 elsewhere
  /// (columns − 1 values, float64).
  torch::Tensor target(const Trial& trial) const;
  /// The `rate` package's scoring of a rate output `o` (columns − 1 values) during training:
  /// inside the target window, max > threshold for label > 0, min < −threshold for label < 0,
  /// max |o| < threshold for label 0 (NoGo).
  bool rate_output_correct(const torch::Tensor& o, const Trial& trial, double threshold) const;

  /// `n` random trials drawn in sequence from `rng`.
  std::vector<Trial> sample_trials(int64_t n, std::mt19937_64& rng) const;
  /// Scores each row of `outs` (n × nt) against its trial.
  TaskPerformance evaluate_performance(const torch::Tensor& outs,
                                       const std::vector<Trial>& trials) const;
};

/// Accuracy overall and per condition of `trials`, where `correct[i]` scores trial i.
TaskPerformance performance_of(const std::vector<Trial>& trials, const std::vector<bool>& correct);

/// The outputs of a run downsampled by `downsample` (n × nt), each step held over the base steps
/// (of dt) it spans: n × nt·downsample. Task windows count base steps (`score_from_step`), so
/// scoring these scores the same window in seconds whatever the downsampling.
torch::Tensor outputs_at_base_step(const torch::Tensor& outs, int64_t downsample);

using TaskFactory = std::function<std::unique_ptr<AbstractSpikingTask>(const nlohmann::json&)>;

/// Adds (or replaces) a task under `name`; the factory gets the task's JSON settings ({} for
/// defaults) and throws ConfigError for bad ones.
void register_task(const std::string& name, TaskFactory factory);
/// The registered task `name` ("go-nogo", "xor", "mante", or a user's), with `settings` applied.
/// A name not registered as written is looked up with its underscores as hyphens, so the port's
/// "go_nogo" is "go-nogo". Throws InvalidArgument for an unknown name, listing the known ones.
std::unique_ptr<AbstractSpikingTask> make_task(
    const std::string& name, const nlohmann::json& settings = nlohmann::json::object());
std::vector<std::string> registered_tasks();

}  // namespace spikernn
