/// @file
/// Evaluation on model files with figures, as the seed and the port run it: load the model,
/// evaluate (spikernn/core/evaluation.hpp) and write PNG figures.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "spikernn/core/evaluation.hpp"

namespace spikernn {

struct EvaluationOptions : EvaluationSettings {
  std::string model_path;
  std::string plots_dir;  ///< PNG figures go here (created if needed); empty for none
};

/// The outputs of each condition (mean ± SD) and a spike raster per condition, into `folder`
/// (created if needed) as `<stem>_outputs.png` and `<stem>_raster_<condition>.png`. `result` must
/// come from a run with `keep_traces`. Returns the files written. Throws FileError where the
/// folder cannot be made, and Error when spikernn was built without PLplot.
std::vector<std::string> write_evaluation_figures(const EvaluationResult& result,
                                                  const std::string& folder,
                                                  const std::string& stem);

/// Loads `options.model_path`, evaluates it and writes the figures when `plots_dir` is set.
EvaluationResult evaluate_task(const EvaluationOptions& options);

/// The port's form: `evaluate_task(task_name, model_dir, optimal_scaling_factor, task_settings,
/// save_plots)`; model_dir is a model file or a folder whose first `.mat` file is used, plots go
/// to `plots` beside it.
EvaluationResult evaluate_task(const std::string& task_name, const std::string& model_dir,
                               std::optional<double> optimal_scaling_factor = std::nullopt,
                               const nlohmann::json& task_settings = nlohmann::json::object(),
                               bool save_plots = true);
/// The options the port's form above runs with.
EvaluationOptions port_evaluation_options(const std::string& task_name,
                                          const std::string& model_dir,
                                          std::optional<double> optimal_scaling_factor,
                                          const nlohmann::json& task_settings, bool save_plots);

/// The seed's `eval_go_nogo(model_path, scaling_factor=50.0, n_trials=100, plot_results=True)`;
/// plots go beside the model, into a folder named after it (`go.mat` → `go_plots/`).
EvaluationResult eval_go_nogo(const std::string& model_path, double scaling_factor = 50.0,
                              int64_t n_trials = 100, bool plot_results = true);
/// The options `eval_go_nogo` runs with.
EvaluationOptions eval_go_nogo_options(const std::string& model_path, double scaling_factor,
                                       int64_t n_trials, bool plot_results);

}  // namespace spikernn
