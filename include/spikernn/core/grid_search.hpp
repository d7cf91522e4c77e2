/// @file
/// The λ grid search as a computation: simulate a task's trials at each scaling factor and keep
/// the factor with the best accuracy. Storing the result in the model file is
/// spikernn/io/grid_search_file.hpp's part.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "spikernn/core/rate_model.hpp"
#include "spikernn/core/spiking_config.hpp"
#include "spikernn/core/task_run.hpp"
#include "spikernn/core/trial_runner.hpp"

namespace spikernn {

/// The settings of the seed's `lambda_grid_search(model_path, scaling_range, n_trials_per_factor,
/// task_type='go-nogo', parallel=True)` but the model, plus spikernn's. The default grid is the
/// port's and the MATLAB original's: 20, 25, ..., 75 with 100 trials per factor (the seed's README
/// calls it with (20, 80) and 50 trials, which remain one assignment away).
struct GridSearchSettings {
  std::pair<double, double> scaling_range{20, 75};  ///< inclusive, in steps of scaling_step
  double scaling_step = 5;
  std::vector<double> scaling_factors;  ///< when set, used instead of the range
  int64_t n_trials_per_factor = 100;
  std::string task_type = "go-nogo";
  nlohmann::json task_settings = nlohmann::json::object();
  bool parallel = true;
  uint64_t seed = 0;
  int64_t batch_size = kDefaultBatchSize;
  SpikingConfig config = task_run_config();  ///< device, dtype, noise (fast), ...; λ: the grid's
  /// Called from worker threads with the trials simulated so far, of factors × trials.
  std::function<void(int64_t done, int64_t total)> on_progress;
  const std::atomic<bool>* cancel = nullptr;  ///< stop between batches when set

  std::vector<double> factors() const;  ///< the grid actually searched
};

struct GridSearchResult {
  std::string model_path, task;
  std::vector<double> scaling_factors;
  std::vector<double> accuracy;  ///< per factor (the port's all_perfs)
  std::vector<std::map<std::string, double>> condition_accuracy;  ///< per factor
  double opt_scaling_factor = 0;  ///< first factor with the best accuracy
  double best_accuracy = 0;
  int64_t n_trials_per_factor = 0;
  uint64_t seed = 0;
  double seconds = 0;
  bool written = false;               ///< whether the model file was updated
  std::vector<std::string> warnings;  ///< what mapping the model warned about
};

/// Every factor is scored on the same trials and noise seeds, so that differences between factors
/// come from λ alone. Throws InvalidArgument for a bad grid or a model that does not fit the task,
/// and Interrupted when `cancel` is set.
GridSearchResult search_scaling_factor(const RateModel& model, const GridSearchSettings& settings);
/// The same for several models in one pool of units; one result each, in order, each the one
/// `search_scaling_factor` gives for that model alone. `seconds` is the whole run's.
std::vector<GridSearchResult> search_scaling_factors(std::vector<RateModel> models,
                                                     const GridSearchSettings& settings);

/// The search as units, for runs spread over processes (spikernn/core/task_run.hpp): run the
/// parts anywhere, collect their scores, and `grid_search_results` gives what
/// `search_scaling_factors` gives (`seconds` left 0).
TaskRun grid_search_run(std::vector<RateModel> models, const GridSearchSettings& settings);
std::vector<GridSearchResult> grid_search_results(const TaskRun& run,
                                                  const std::vector<UnitScores>& all);
/// Model m's result, from scores that hold all of its units (TaskRun::ModelDone's will do).
GridSearchResult grid_search_result(const TaskRun& run, const std::vector<UnitScores>& scores,
                                    size_t m);

void to_json(nlohmann::json& j, const GridSearchResult& result);

/// "START:STOP:STEP" (inclusive) or "A,B,C". Throws InvalidArgument naming `what`.
std::vector<double> parse_scaling_factors(const std::string& text,
                                          const std::string& what = "--scaling-factors");

}  // namespace spikernn
