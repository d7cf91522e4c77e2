/// @file
/// Many trials of a task on many networks, as a list of units that any number of threads,
/// processes or machines can share. A unit is (model, scaling factor, batch of trials); its noise
/// seed comes from the run's seed and the batch's index, and its trials are scored where they are
/// simulated, so the scores, and every result aggregated from them, are the same however the units
/// are spread. Grid searches and evaluations are TaskRuns; an MPI rank or a job-array shard runs
/// one RunPart of one.
#pragma once

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/rate_model.hpp"
#include "spikernn/core/spiking_config.hpp"
#include "spikernn/core/task.hpp"
#include "spikernn/core/trial_runner.hpp"

namespace spikernn {

/// The units one process takes: those whose index modulo `count` is `index` (0-based), so that
/// every part gets units of every model and factor.
struct RunPart {
  int64_t index = 0;
  int64_t count = 1;
  bool contains(int64_t unit) const { return unit % count == index; }
};

/// How much a unit measures of each trial: whether it is correct (enough for a grid search), or
/// everything an evaluation reports.
enum class Scoring { accuracy, full };

/// What a unit measured of one trial; NaN where a measure does not apply or was not asked for.
struct TrialScore {
  bool correct = false;
  double choice = std::nan("");         ///< mean output over the response window
  double response_time = std::nan("");  ///< s from onset to the threshold crossing (correct only)
  double rate_correlation = std::nan("");  ///< with the rate network's output on the stimulus
  double exc_rate_hz = std::nan(""), inh_rate_hz = std::nan("");  ///< population means
};

/// The scores of unit `unit`: trials [first_trial, first_trial + trials.size()) of model `model`
/// at its scaling factor number `factor`.
struct UnitScores {
  int64_t unit = 0, model = 0, factor = 0, first_trial = 0;
  std::vector<TrialScore> trials;
  torch::Tensor outputs;  ///< with keep_outputs: batch × steps at the base step, on the CPU
};
/// Every field but `outputs`; doubles survive the round trip exactly.
void to_json(nlohmann::json& j, const UnitScores& scores);
void from_json(const nlohmann::json& j, UnitScores& scores);

class TaskRun {
 public:
  struct Options {
    std::string task = "go-nogo";  ///< as task_for_model resolves it for each model
    nlohmann::json task_settings = nlohmann::json::object();
    int64_t n_trials = 100;  ///< per model and factor; every factor of a model sees the same ones
    uint64_t seed = 0;
    int64_t batch_size = kDefaultBatchSize;  ///< on the CPU; a GPU takes a model's trials at once
    /// Units on all cores, one thread each; else (and on a GPU) a model's factors together.
    bool parallel = true;
    SpikingConfig config = task_run_config();  ///< N and scaling_factor come from each model
    Scoring scoring = Scoring::accuracy;
    bool keep_outputs = false;  ///< keep each unit's outputs (for figures; not in to_json)
  };

  /// Model m runs at each of `factors[m]`. Throws InvalidArgument for a model that does not fit
  /// the task (naming it), no factors, or no trials.
  TaskRun(std::vector<RateModel> models, std::vector<std::vector<double>> factors, Options options);

  int64_t unit_count() const { return units_; }
  /// Trials the units of `part` simulate, for progress bars.
  int64_t trial_count(const RunPart& part = {}) const;

  /// Called once the units of `part` of one model are all done, with them in unit order: a
  /// caller can store that model's result before the run ends, so that an interrupted run keeps
  /// what it finished. Calls come from worker threads, one at a time.
  using ModelDone = std::function<void(size_t model, const std::vector<UnitScores>& units)>;

  /// Simulates and scores the units of `part`, in unit order; `on_progress` gets the trials done
  /// (from worker threads). Throws Interrupted, naming the trials done, when `cancel` is set.
  std::vector<UnitScores> run(const RunPart& part = {},
                              const std::function<void(int64_t trials_done)>& on_progress = {},
                              const std::atomic<bool>* cancel = nullptr,
                              const ModelDone& on_model_done = {}) const;
  /// The scores of every unit in unit order, from those of all parts in any order. Throws
  /// InvalidArgument for a unit that is missing, given twice or does not fit this run.
  std::vector<UnitScores> collect(std::vector<UnitScores> scores) const;

  const Options& options() const { return options_; }
  size_t model_count() const { return models_.size(); }
  const RateModel& model(size_t m) const { return models_[m].model; }
  const AbstractSpikingTask& task(size_t m) const { return *models_[m].task; }
  const std::vector<Trial>& trials(size_t m) const { return models_[m].trials; }
  const std::vector<double>& factors(size_t m) const { return models_[m].factors; }
  const std::vector<std::string>& warnings(size_t m) const;
  /// Model m's network at factor number k (a clone: callers may simulate with it at will).
  LIFNetwork network(size_t m, size_t k) const;

  /// Model m's trial scores at factor k, in trial order, and (with keep_outputs) their outputs
  /// stacked (trials × steps at the base step), from scores in unit order that hold all of that
  /// model's units (TaskRun::collect's, or those `on_model_done` gets).
  std::vector<TrialScore> trial_scores(const std::vector<UnitScores>& scores, size_t m,
                                       size_t k) const;
  torch::Tensor outputs(const std::vector<UnitScores>& scores, size_t m, size_t k) const;

 private:
  struct ModelRun {
    RateModel model;
    std::unique_ptr<AbstractSpikingTask> task;
    std::vector<Trial> trials;
    std::vector<double> factors;
    LIFNetwork network{nullptr};  // at factors.front()
    int64_t first_unit = 0;
  };
  struct UnitPlace {
    size_t model, factor;
    int64_t batch;
  };
  UnitPlace place(int64_t unit) const;
  /// Units of one model and batch, simulated together (simulate_factors).
  std::vector<UnitScores> run_units(const std::vector<int64_t>& units) const;
  std::vector<const UnitScores*> units_of(const std::vector<UnitScores>& scores, size_t m,
                                          size_t k) const;

  Options options_;
  std::vector<ModelRun> models_;
  int64_t batch_size_ = 0, batches_ = 0, units_ = 0;
};

}  // namespace spikernn
