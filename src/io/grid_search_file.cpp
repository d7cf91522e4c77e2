#include "spikernn/io/grid_search_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "spikernn/core/error.hpp"
#include "spikernn/io/mat_file.hpp"
#include "spikernn/io/model_file.hpp"

namespace spikernn {
namespace fs = std::filesystem;
ModelLock::ModelLock(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY)) {
  if (fd_ < 0) throw FileError("'" + path + "': cannot open it to lock it");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    throw FileError("'" + path +
                    "': another grid search is writing to this model; wait for it "
                    "to finish, or use --no-write");
  }
}

ModelLock::~ModelLock() { ::close(fd_); }

void store_grid_search_result(const std::string& path, const GridSearchResult& result) {
  const auto row = [](const std::vector<double>& v) {
    return torch::tensor(v, torch::kFloat64).reshape({1, -1});
  };
  update_mat_file(
      path, {{"opt_scaling_factor", torch::tensor(result.opt_scaling_factor, torch::kFloat64)},
             {"all_perfs", row(result.accuracy)},
             {"scaling_factors", row(result.scaling_factors)}});
}

GridSearchResult lambda_grid_search(const GridSearchOptions& options) {
  options.factors();  // a bad grid is refused before the model is touched
  std::optional<ModelLock> lock;
  if (options.write_to_model) {
    check_updatable(options.model_path);
    lock.emplace(options.model_path);
  }
  GridSearchResult result;
  try {
    result = search_scaling_factor(load_rate_model(options.model_path), options);
  } catch (const Interrupted& e) {
    throw Interrupted(std::string(e.what()) + "; the model file was left untouched");
  }
  if (options.write_to_model) {
    store_grid_search_result(options.model_path, result);
    result.written = true;
  }
  return result;
}

std::vector<GridSearchResult> lambda_grid_search(const std::string& model_dir,
                                                 const std::string& task_name, int64_t n_trials,
                                                 const std::vector<double>& scaling_factors) {
  std::vector<GridSearchResult> results;
  for (const auto& file : mat_files_in(model_dir)) {
    GridSearchOptions options;
    options.model_path = file;
    options.task_type = task_name;
    options.n_trials_per_factor = n_trials;
    options.scaling_factors = scaling_factors;
    results.push_back(lambda_grid_search(options));
  }
  return results;
}

std::vector<std::string> mat_files_in(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return {path};
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(path))
    if (entry.path().extension() == ".mat") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw FileError("'" + path + "': no .mat files in this folder");
  return files;
}

}  // namespace spikernn
