/// @file
/// The λ grid search on model files, as the seed and the port run it: load the model, search
/// (spikernn/core/grid_search.hpp), and store opt_scaling_factor, all_perfs and scaling_factors in
/// the file.
#pragma once

#include <string>
#include <vector>

#include "spikernn/core/grid_search.hpp"

namespace spikernn {

/// The seed's `lambda_grid_search(model_path, ...)` settings.
struct GridSearchOptions : GridSearchSettings {
  std::string model_path;
  bool write_to_model = true;  ///< store opt_scaling_factor, all_perfs, scaling_factors
};

/// An exclusive lock on a model file for as long as a grid search may write to it, so that two
/// searches writing to one model cannot both run (and one silently lose the other's result).
/// Throws FileError when another process holds it.
class ModelLock {
 public:
  explicit ModelLock(const std::string& path);
  ~ModelLock();
  ModelLock(const ModelLock&) = delete;
  ModelLock& operator=(const ModelLock&) = delete;

 private:
  int fd_;
};

/// Stores `result` in the model file `path` (atomically, every other variable kept):
/// opt_scaling_factor, all_perfs and scaling_factors, as the port does.
void store_grid_search_result(const std::string& path, const GridSearchResult& result);

/// Holds an exclusive lock on the model for the whole search when it writes to it, so that a
/// second search of the same model is refused (FileError) instead of losing a result. Throws as
/// the loader does for a bad model; an interrupted search (Interrupted) leaves the file untouched.
GridSearchResult lambda_grid_search(const GridSearchOptions& options);

/// The port's form: every `.mat` file in `model_dir` (or the one file it names), one result each.
std::vector<GridSearchResult> lambda_grid_search(const std::string& model_dir,
                                                 const std::string& task_name, int64_t n_trials,
                                                 const std::vector<double>& scaling_factors);

/// The model files a path names: the file itself, or every `.mat` in a folder (sorted). Throws
/// FileError for a folder without any.
std::vector<std::string> mat_files_in(const std::string& path);

}  // namespace spikernn
