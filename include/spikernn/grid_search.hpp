/// @file
/// The λ grid search: simulate a task's trials at each scaling factor, keep the factor with the
/// best accuracy, and store it in the model file as the port does.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spikernn/spiking_config.hpp"

namespace spikernn {

/// The seed's `lambda_grid_search(model_path, scaling_range=(20, 80), n_trials_per_factor=50,
/// task_type='go-nogo', parallel=True)` as an options struct, plus spikernn's settings.
struct GridSearchOptions {
  std::string model_path;
  std::pair<double, double> scaling_range{20, 80};  ///< inclusive, in steps of scaling_step
  double scaling_step = 5;
  std::vector<double> scaling_factors;  ///< when set, used instead of the range
  int64_t n_trials_per_factor = 50;
  std::string task_type = "go-nogo";
  nlohmann::json task_settings = nlohmann::json::object();
  bool parallel = true;
  uint64_t seed = 0;
  int64_t batch_size = 25;
  SpikingConfig config;        ///< device, dtype, clamp_negative_weights, ... (λ is the grid's)
  bool write_to_model = true;  ///< store opt_scaling_factor, all_perfs, scaling_factors
  bool show_progress = true;
  const std::atomic<bool>* cancel = nullptr;

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
  bool written = false;  ///< whether the model file was updated
};

/// Every factor is scored on the same trials and noise seeds, so that differences between factors
/// come from λ alone. Throws as the loader does for a bad model, InvalidArgument for a bad grid,
/// and Interrupted when `cancel` is set (the model file is then left untouched).
GridSearchResult lambda_grid_search(const GridSearchOptions& options);

/// The port's form: every `.mat` file in `model_dir` (or the one file it names), one result each.
std::vector<GridSearchResult> lambda_grid_search(const std::string& model_dir,
                                                 const std::string& task_name, int64_t n_trials,
                                                 const std::vector<double>& scaling_factors);

void to_json(nlohmann::json& j, const GridSearchResult& result);

/// The model files a path names: the file itself, or every `.mat` in a folder (sorted). Throws
/// FileError for a folder without any.
std::vector<std::string> mat_files_in(const std::string& path);

/// "START:STOP:STEP" (inclusive) or "A,B,C". Throws InvalidArgument naming `what`.
std::vector<double> parse_scaling_factors(const std::string& text,
                                          const std::string& what = "--scaling-factors");

}  // namespace spikernn
