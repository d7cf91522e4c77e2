#include "spikernn/core/grid_search.hpp"

#include <chrono>
#include <cmath>
#include <sstream>

#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/trial_runner.hpp"

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

GridSearchResult search_scaling_factor(const RateModel& model, const GridSearchSettings& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<double> factors = options.factors();
  if (options.n_trials_per_factor < 1)
    throw InvalidArgument("trials per factor: expected >= 1, found " +
                          std::to_string(options.n_trials_per_factor));
  const TaskSetup setup = prepare_task_run(model, options.task_type, options.task_settings,
                                           options.config, factors.front());
  const AbstractSpikingTask& task = *setup.task;
  LIFNetwork network = setup.network;
  std::mt19937_64 rng(options.seed);
  const std::vector<Trial> trials = task.sample_trials(options.n_trials_per_factor, rng);

  GridSearchResult result;
  result.model_path = model.path;
  result.task = task.name();
  result.scaling_factors = factors;
  result.n_trials_per_factor = options.n_trials_per_factor;
  result.seed = options.seed;
  result.warnings = network->warnings();
  const int64_t n = options.n_trials_per_factor;
  const int64_t total = n * static_cast<int64_t>(factors.size());
  // One network per factor, all simulated in one pool of (factor, batch) units.
  std::vector<LIFNetwork> networks;
  std::vector<const LIFNetworkImpl*> pointers;
  for (double factor : factors) {
    networks.emplace_back(std::dynamic_pointer_cast<LIFNetworkImpl>(network->clone()));
    networks.back()->set_scaling_factor(factor);
    pointers.push_back(networks.back().get());
  }
  TrialRunOptions run;
  run.seed = options.seed;
  run.batch_size = options.batch_size;
  run.parallel = options.parallel;
  run.record = Record::parse("out");
  run.cancel = options.cancel;
  if (options.on_progress)
    run.on_progress = [&](int64_t done) { options.on_progress(done, total); };
  std::vector<TrialRunResult> runs;
  try {
    runs = run_trials(pointers, trials, run);
  } catch (const Interrupted& e) {
    throw Interrupted("grid search of " +
                      (model.path.empty() ? std::string("the model") : "'" + model.path + "'") +
                      " " + e.what());
  }
  for (const TrialRunResult& r : runs) {
    const TaskPerformance p =
        task.evaluate_performance(outputs_at_base_step(r.outs, options.config.downsample), trials);
    result.accuracy.push_back(p.overall_accuracy);
    result.condition_accuracy.push_back(p.condition_accuracy);
  }

  const auto best = std::max_element(result.accuracy.begin(), result.accuracy.end());
  result.best_accuracy = *best;
  result.opt_scaling_factor = factors[static_cast<size_t>(best - result.accuracy.begin())];
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
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
