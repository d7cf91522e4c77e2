#include "spikernn/core/grid_search.hpp"

#include <chrono>
#include <cmath>
#include <sstream>

#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"

namespace spikernn {

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

std::vector<double> GridSearchSettings::factors() const {
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

TaskRun grid_search_run(std::vector<RateModel> models, const GridSearchSettings& settings) {
  const std::vector<double> factors = settings.factors();
  if (settings.n_trials_per_factor < 1)
    throw InvalidArgument("trials per factor: expected >= 1, found " +
                          std::to_string(settings.n_trials_per_factor));
  TaskRun::Options o;
  o.task = settings.task_type;
  o.task_settings = settings.task_settings;
  o.n_trials = settings.n_trials_per_factor;
  o.seed = settings.seed;
  o.batch_size = settings.batch_size;
  o.parallel = settings.parallel;
  o.config = settings.config;
  o.scoring = Scoring::accuracy;
  const size_t n = models.size();
  return TaskRun(std::move(models), std::vector<std::vector<double>>(n, factors), o);
}

GridSearchResult grid_search_result(const TaskRun& run, const std::vector<UnitScores>& scores,
                                    size_t m) {
  GridSearchResult r;
  r.model_path = run.model(m).path;
  r.task = run.task(m).name();
  r.scaling_factors = run.factors(m);
  r.n_trials_per_factor = run.options().n_trials;
  r.seed = run.options().seed;
  r.warnings = run.warnings(m);
  for (size_t k = 0; k < r.scaling_factors.size(); ++k) {
    std::vector<bool> correct;
    for (const TrialScore& t : run.trial_scores(scores, m, k)) correct.push_back(t.correct);
    const TaskPerformance p = performance_of(run.trials(m), correct);
    r.accuracy.push_back(p.overall_accuracy);
    r.condition_accuracy.push_back(p.condition_accuracy);
  }
  const auto best = std::max_element(r.accuracy.begin(), r.accuracy.end());
  r.best_accuracy = *best;
  r.opt_scaling_factor = r.scaling_factors[static_cast<size_t>(best - r.accuracy.begin())];
  return r;
}

std::vector<GridSearchResult> grid_search_results(const TaskRun& run,
                                                  const std::vector<UnitScores>& all) {
  std::vector<GridSearchResult> results;
  for (size_t m = 0; m < run.model_count(); ++m) results.push_back(grid_search_result(run, all, m));
  return results;
}

std::vector<GridSearchResult> search_scaling_factors(std::vector<RateModel> models,
                                                     const GridSearchSettings& settings) {
  const auto start = std::chrono::steady_clock::now();
  const std::string what = models.size() == 1 && !models.front().path.empty()
                               ? "'" + models.front().path + "'"
                               : std::to_string(models.size()) + " models";
  const TaskRun run = grid_search_run(std::move(models), settings);
  const int64_t total = run.trial_count();
  std::vector<UnitScores> scores;
  try {
    scores = run.run(
        {},
        [&](int64_t done) {
          if (settings.on_progress) settings.on_progress(done, total);
        },
        settings.cancel);
  } catch (const Interrupted& e) {
    throw Interrupted("grid search of " + what + " " + e.what());
  }
  std::vector<GridSearchResult> results = grid_search_results(run, scores);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (GridSearchResult& r : results) r.seconds = seconds;
  return results;
}

GridSearchResult search_scaling_factor(const RateModel& model, const GridSearchSettings& settings) {
  return search_scaling_factors({model}, settings).front();
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
       {"written_to_model", r.written},
       {"warnings", r.warnings}};
}

}  // namespace spikernn
