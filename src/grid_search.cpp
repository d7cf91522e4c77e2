#include "spikernn/grid_search.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "spikernn/error.hpp"
#include "spikernn/lif_network.hpp"
#include "spikernn/mat_file.hpp"
#include "spikernn/progress.hpp"
#include "spikernn/trial_runner.hpp"

namespace spikernn {
namespace fs = std::filesystem;

namespace {

std::vector<double> inclusive_range(double start, double stop, double step,
                                    const std::string& what) {
  if (!(step > 0) || !std::isfinite(start) || !std::isfinite(stop) || stop < start)
    throw InvalidArgument(what + ": expected START <= STOP and STEP > 0, found " +
                          std::to_string(start) + ":" + std::to_string(stop) + ":" +
                          std::to_string(step));
  std::vector<double> values;
  // Counting steps avoids accumulating rounding errors; the tolerance keeps STOP itself.
  for (int64_t k = 0; start + k * step <= stop + 1e-9 * step; ++k)
    values.push_back(start + k * step);
  return values;
}

void check_factors(const std::vector<double>& factors, const std::string& what) {
  if (factors.empty()) throw InvalidArgument(what + ": expected at least one scaling factor");
  for (double f : factors)
    if (!(f > 0) || !std::isfinite(f))
      throw InvalidArgument(what + ": expected positive, finite scaling factors, found " +
                            std::to_string(f));
}

}  // namespace

namespace {

// An exclusive flock on the model file for the whole search, so that two searches writing to
// the same model cannot both run (and one silently lose the other's result).
class ModelLock {
 public:
  explicit ModelLock(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY)) {
    if (fd_ < 0) throw FileError("'" + path + "': cannot open it to lock it");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw FileError("'" + path +
                      "': another grid search is writing to this model; wait for it "
                      "to finish, or use --no-write");
    }
  }
  ~ModelLock() { ::close(fd_); }
  ModelLock(const ModelLock&) = delete;
  ModelLock& operator=(const ModelLock&) = delete;

 private:
  int fd_;
};

}  // namespace

std::vector<double> GridSearchOptions::factors() const {
  const std::vector<double> f = scaling_factors.empty()
                                    ? inclusive_range(scaling_range.first, scaling_range.second,
                                                      scaling_step, "scaling_range")
                                    : scaling_factors;
  check_factors(f, "scaling factors");
  return f;
}

std::vector<double> parse_scaling_factors(const std::string& text, const std::string& what) {
  std::vector<double> values;
  const bool is_range = text.find(':') != std::string::npos;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, is_range ? ':' : ',')) {
    try {
      size_t used = 0;
      values.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw InvalidArgument(what + ": expected START:STOP:STEP or A,B,C, found '" + text + "'");
    }
  }
  if (is_range) {
    if (values.size() != 3)
      throw InvalidArgument(what + ": expected START:STOP:STEP, found '" + text + "'");
    values = inclusive_range(values[0], values[1], values[2], what);
  }
  check_factors(values, what);
  return values;
}

GridSearchResult lambda_grid_search(const GridSearchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<double> factors = options.factors();
  if (options.n_trials_per_factor < 1)
    throw InvalidArgument("trials per factor: expected >= 1, found " +
                          std::to_string(options.n_trials_per_factor));
  std::optional<ModelLock> lock;
  if (options.write_to_model) {
    check_updatable(options.model_path);
    lock.emplace(options.model_path);
  }
  const TaskSetup setup = prepare_task_run(options.model_path, options.task_type,
                                           options.task_settings, options.config, factors.front());
  const AbstractSpikingTask& task = *setup.task;
  LIFNetwork network = setup.network;
  std::mt19937_64 rng(options.seed);
  const std::vector<Trial> trials = task.sample_trials(options.n_trials_per_factor, rng);

  GridSearchResult result;
  result.model_path = options.model_path;
  result.task = task.name();
  result.scaling_factors = factors;
  result.n_trials_per_factor = options.n_trials_per_factor;
  result.seed = options.seed;
  const int64_t n = options.n_trials_per_factor;
  ProgressBar progress("grid search " + fs::path(options.model_path).filename().string(),
                       n * static_cast<int64_t>(factors.size()), options.show_progress);
  for (size_t k = 0; k < factors.size(); ++k) {
    network->set_scaling_factor(factors[k]);
    TrialRunOptions run;
    run.seed = options.seed;
    run.batch_size = options.batch_size;
    run.parallel = options.parallel;
    run.record = Record::parse("out");
    run.cancel = options.cancel;
    run.on_progress = [&](int64_t done) { progress.update(static_cast<int64_t>(k) * n + done); };
    TrialRunResult r;
    try {
      r = run_trials(*network, trials, run);
    } catch (const Interrupted&) {
      throw Interrupted("grid search of '" + options.model_path + "' interrupted after " +
                        std::to_string(k) + " of " + std::to_string(factors.size()) +
                        " scaling factors; the model file was left untouched");
    }
    const TaskPerformance p = task.evaluate_performance(r.outs.cpu(), trials);
    result.accuracy.push_back(p.overall_accuracy);
    result.condition_accuracy.push_back(p.condition_accuracy);
  }
  progress.finish();

  const auto best = std::max_element(result.accuracy.begin(), result.accuracy.end());
  result.best_accuracy = *best;
  result.opt_scaling_factor = factors[static_cast<size_t>(best - result.accuracy.begin())];
  if (options.write_to_model) {
    const auto row = [](const std::vector<double>& v) {
      return torch::tensor(v, torch::kFloat64).reshape({1, -1});
    };
    update_mat_file(
        options.model_path,
        {{"opt_scaling_factor", torch::tensor(result.opt_scaling_factor, torch::kFloat64)},
         {"all_perfs", row(result.accuracy)},
         {"scaling_factors", row(factors)}});
    result.written = true;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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

void to_json(nlohmann::json& j, const GridSearchResult& r) {
  j = {{"model", r.model_path},
       {"task", r.task},
       {"scaling_factors", r.scaling_factors},
       {"accuracy", r.accuracy},
       {"condition_accuracy", r.condition_accuracy},
       {"opt_scaling_factor", r.opt_scaling_factor},
       {"best_accuracy", r.best_accuracy},
       {"n_trials_per_factor", r.n_trials_per_factor},
       {"seed", r.seed},
       {"seconds", r.seconds},
       {"written_to_model", r.written}};
}

}  // namespace spikernn
