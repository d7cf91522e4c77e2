#include "spikernn/core/task_run.hpp"

#include <map>
#include <mutex>
#include <random>

#include "spikernn/core/error.hpp"
#include "trial_scoring.hpp"
#include "worker_pool.hpp"

namespace spikernn {
namespace {

nlohmann::json number(double x) { return std::isnan(x) ? nlohmann::json() : nlohmann::json(x); }
double number(const nlohmann::json& j) { return j.is_null() ? std::nan("") : j.get<double>(); }

// Whether `sets` factors of `trials` trials each of a network of `N` units run in one call (one
// kernel launch on a GPU): a GPU holds about a thousand blocks of a few hundred threads at once,
// so a launch of a few thousand trials already runs in waves and a larger one gains nothing; and
// the weights (one N × N copy per factor, stacked and transposed) stay within 1 GiB.
bool fit_together(int64_t sets, int64_t trials, int64_t N) {
  return sets * trials <= 4096 && sets * N * N * 2 * 8 <= (int64_t{1} << 30);
}

}  // namespace

TaskRun::TaskRun(std::vector<RateModel> models, std::vector<std::vector<double>> factors,
                 Options options)
    : options_(std::move(options)) {
  if (models.empty()) throw InvalidArgument("task run: no model to run");
  if (models.size() != factors.size())
    throw InvalidArgument("task run: expected one list of scaling factors per model");
  if (options_.n_trials < 1)
    throw InvalidArgument("trials: expected >= 1, found " + std::to_string(options_.n_trials));
  if (options_.batch_size < 1)
    throw InvalidArgument("batch size: expected >= 1, found " +
                          std::to_string(options_.batch_size));
  // A GPU takes a model's trials at once: one kernel keeps it busy.
  batch_size_ =
      torch::Device(options_.config.device).is_cpu() ? options_.batch_size : options_.n_trials;
  batches_ = (options_.n_trials + batch_size_ - 1) / batch_size_;
  for (size_t m = 0; m < models.size(); ++m) {
    if (factors[m].empty())
      throw InvalidArgument("task run: no scaling factor for model " + std::to_string(m));
    TaskSetup setup = prepare_task_run(std::move(models[m]), options_.task, options_.task_settings,
                                       options_.config, factors[m].front(), options_.seed);
    // Every model of a task sees the same trials, so that a model's result does not depend on
    // the others run beside it.
    std::mt19937_64 rng(options_.seed);
    std::vector<Trial> trials = setup.task->sample_trials(options_.n_trials, rng);
    models_.push_back(ModelRun{std::move(setup.model), std::move(setup.task), std::move(trials),
                               std::move(factors[m]), setup.network, units_});
    units_ += static_cast<int64_t>(models_.back().factors.size()) * batches_;
  }
}

const std::vector<std::string>& TaskRun::warnings(size_t m) const {
  return models_[m].network->warnings();
}

LIFNetwork TaskRun::network(size_t m, size_t k) const {
  LIFNetwork net(std::dynamic_pointer_cast<LIFNetworkImpl>(models_[m].network->clone()));
  net->set_scaling_factor(models_[m].factors[k]);
  return net;
}

TaskRun::UnitPlace TaskRun::place(int64_t unit) const {
  size_t m = models_.size() - 1;
  while (models_[m].first_unit > unit) --m;
  const int64_t local = unit - models_[m].first_unit;
  return {m, static_cast<size_t>(local / batches_), local % batches_};
}

int64_t TaskRun::trial_count(const RunPart& part) const {
  int64_t trials = 0;
  for (int64_t u = 0; u < units_; ++u) {
    if (!part.contains(u)) continue;
    const int64_t first = place(u).batch * batch_size_;
    trials += std::min(options_.n_trials, first + batch_size_) - first;
  }
  return trials;
}

std::vector<UnitScores> TaskRun::run_units(const std::vector<int64_t>& units) const {
  const UnitPlace p = place(units.front());
  const ModelRun& m = models_[p.model];
  const int64_t first = p.batch * batch_size_;
  const int64_t last = std::min(options_.n_trials, first + batch_size_);
  const bool full = options_.scoring == Scoring::full;
  std::vector<double> factors;
  for (int64_t unit : units) factors.push_back(m.factors[place(unit).factor]);
  // The seed depends on the batch alone: every factor sees the same noise, so that differences
  // between factors come from λ, and a model's results do not depend on its place in the run.
  const std::vector<SimulationResult> results = m.network->simulate_factors(
      stack_inputs(m.trials, first, last), factors, Stims::none(),
      Record::parse(full ? "out,all_fr" : "out"), batch_seed(options_.seed, p.batch));
  std::vector<UnitScores> scores;
  for (size_t k = 0; k < units.size(); ++k) {
    // Scored at the base step, so that every window is the same in seconds whatever the
    // downsampling.
    const torch::Tensor outs =
        outputs_at_base_step(results[k].out.cpu(), options_.config.downsample);
    const torch::Tensor rates = full ? results[k].all_fr.cpu() : torch::Tensor();
    const auto factor = static_cast<int64_t>(place(units[k]).factor);
    UnitScores s{units[k], static_cast<int64_t>(p.model), factor, first, {}, {}};
    for (int64_t i = first; i < last; ++i)
      s.trials.push_back(score_trial(*m.task, m.model, m.trials[static_cast<size_t>(i)],
                                     outs[i - first], full ? rates[i - first] : torch::Tensor(),
                                     options_.scoring, options_.config.dt));
    if (options_.keep_outputs) s.outputs = outs;
    scores.push_back(std::move(s));
  }
  return scores;
}

std::vector<UnitScores> TaskRun::run(const RunPart& part,
                                     const std::function<void(int64_t)>& on_progress,
                                     const std::atomic<bool>* cancel,
                                     const ModelDone& on_model_done) const {
  if (part.count < 1 || part.index < 0 || part.index >= part.count)
    throw InvalidArgument("run part: expected 0 <= index < count, found " +
                          std::to_string(part.index) + " of " + std::to_string(part.count));
  std::vector<int64_t> mine;
  for (int64_t u = 0; u < units_; ++u)
    if (part.contains(u)) mine.push_back(u);
  std::vector<UnitScores> scores(mine.size());
  std::atomic<int64_t> done{0};
  // Units of each model still to run, and where each model's units start in `mine`.
  std::vector<int64_t> left(models_.size(), 0), start(models_.size(), 0);
  for (size_t i = mine.size(); i-- > 0;) {
    const size_t m = place(mine[i]).model;
    left[m] += 1;
    start[m] = static_cast<int64_t>(i);
  }
  const std::vector<int64_t> model_units = left;
  // What one simulation takes: a unit where the pool spreads the units over the cores; else (a
  // GPU, or no parallel run) the factors of a model's batch, which one kernel launch runs
  // together where they fit.
  const bool gpu = !torch::Device(options_.config.device).is_cpu();
  const bool together = gpu || !options_.parallel;
  std::vector<std::vector<size_t>> jobs;
  std::map<std::pair<size_t, int64_t>, size_t> open_job;  // (model, batch) -> job taking units
  for (size_t i = 0; i < mine.size(); ++i) {
    const UnitPlace here = place(mine[i]);
    const auto key = std::make_pair(here.model, here.batch);
    const auto open = open_job.find(key);
    if (together && open != open_job.end() &&
        fit_together(static_cast<int64_t>(jobs[open->second].size()) + 1,
                     std::min(batch_size_, options_.n_trials - here.batch * batch_size_),
                     models_[here.model].model.N)) {
      jobs[open->second].push_back(i);
      continue;
    }
    open_job[key] = jobs.size();
    jobs.push_back({i});
  }
  std::mutex model_done_mutex;
  const int64_t count = static_cast<int64_t>(jobs.size());
  for_each_in_pool(count, gpu ? 1 : pool_threads(options_.parallel, count), [&](int64_t j) {
    if (cancel != nullptr && cancel->load()) return;
    const std::vector<size_t>& job = jobs[static_cast<size_t>(j)];
    std::vector<int64_t> units;
    for (size_t i : job) units.push_back(mine[i]);
    std::vector<UnitScores> results = run_units(units);
    int64_t trials = 0;
    for (size_t k = 0; k < job.size(); ++k) {
      trials += static_cast<int64_t>(results[k].trials.size());
      scores[job[k]] = std::move(results[k]);
    }
    const int64_t now = done += trials;
    if (on_progress) on_progress(now);
    if (!on_model_done) return;
    const size_t m = place(units.front()).model;
    std::lock_guard<std::mutex> lock(model_done_mutex);
    if ((left[m] -= static_cast<int64_t>(job.size())) == 0) {
      const auto first = scores.begin() + start[m];
      on_model_done(m, std::vector<UnitScores>(first, first + model_units[m]));
    }
  });
  if (cancel != nullptr && cancel->load())
    throw Interrupted("interrupted after " + std::to_string(done.load()) + " of " +
                      std::to_string(trial_count(part)) + " trials");
  return scores;
}

std::vector<UnitScores> TaskRun::collect(std::vector<UnitScores> scores) const {
  std::vector<UnitScores> all(static_cast<size_t>(units_));
  std::vector<bool> seen(static_cast<size_t>(units_), false);
  for (UnitScores& s : scores) {
    if (s.unit < 0 || s.unit >= units_)
      throw InvalidArgument("unit " + std::to_string(s.unit) + ": this run has units 0 to " +
                            std::to_string(units_ - 1));
    const UnitPlace p = place(s.unit);
    const int64_t first = p.batch * batch_size_;
    if (s.model != static_cast<int64_t>(p.model) || s.factor != static_cast<int64_t>(p.factor) ||
        s.first_trial != first ||
        static_cast<int64_t>(s.trials.size()) !=
            std::min(options_.n_trials, first + batch_size_) - first)
      throw InvalidArgument("unit " + std::to_string(s.unit) +
                            ": its model, factor or trials do not fit this run");
    if (seen[static_cast<size_t>(s.unit)])
      throw InvalidArgument("unit " + std::to_string(s.unit) + ": given twice");
    seen[static_cast<size_t>(s.unit)] = true;
    all[static_cast<size_t>(s.unit)] = std::move(s);
  }
  for (int64_t u = 0; u < units_; ++u)
    if (!seen[static_cast<size_t>(u)])
      throw InvalidArgument("unit " + std::to_string(u) + " of " + std::to_string(units_) +
                            ": missing");
  return all;
}

std::vector<const UnitScores*> TaskRun::units_of(const std::vector<UnitScores>& scores, size_t m,
                                                 size_t k) const {
  std::vector<const UnitScores*> units;
  for (const UnitScores& s : scores)
    if (s.model == static_cast<int64_t>(m) && s.factor == static_cast<int64_t>(k))
      units.push_back(&s);
  if (static_cast<int64_t>(units.size()) != batches_)
    throw InvalidArgument("scores of model " + std::to_string(m) + ", factor " + std::to_string(k) +
                          ": expected " + std::to_string(batches_) + " units, found " +
                          std::to_string(units.size()));
  return units;
}

std::vector<TrialScore> TaskRun::trial_scores(const std::vector<UnitScores>& scores, size_t m,
                                              size_t k) const {
  std::vector<TrialScore> trials;
  for (const UnitScores* unit : units_of(scores, m, k))
    trials.insert(trials.end(), unit->trials.begin(), unit->trials.end());
  return trials;
}

torch::Tensor TaskRun::outputs(const std::vector<UnitScores>& scores, size_t m, size_t k) const {
  std::vector<torch::Tensor> parts;
  for (const UnitScores* unit : units_of(scores, m, k)) parts.push_back(unit->outputs);
  return torch::cat(parts);
}

void to_json(nlohmann::json& j, const UnitScores& s) {
  // One array per measure: compact, and NaN (a measure that does not apply) as null.
  nlohmann::json correct = nlohmann::json::array(), choice = nlohmann::json::array(),
                 response_time = nlohmann::json::array(), correlation = nlohmann::json::array(),
                 exc = nlohmann::json::array(), inh = nlohmann::json::array();
  for (const TrialScore& t : s.trials) {
    correct.push_back(t.correct);
    choice.push_back(number(t.choice));
    response_time.push_back(number(t.response_time));
    correlation.push_back(number(t.rate_correlation));
    exc.push_back(number(t.exc_rate_hz));
    inh.push_back(number(t.inh_rate_hz));
  }
  j = {{"unit", s.unit},
       {"model", s.model},
       {"factor", s.factor},
       {"first_trial", s.first_trial},
       {"correct", correct},
       {"choice", choice},
       {"response_time", response_time},
       {"rate_correlation", correlation},
       {"exc_rate_hz", exc},
       {"inh_rate_hz", inh}};
}

void from_json(const nlohmann::json& j, UnitScores& s) {
  s.unit = j.at("unit").get<int64_t>();
  s.model = j.at("model").get<int64_t>();
  s.factor = j.at("factor").get<int64_t>();
  s.first_trial = j.at("first_trial").get<int64_t>();
  const nlohmann::json& correct = j.at("correct");
  s.trials.assign(correct.size(), TrialScore{});
  const auto column = [&](const char* key, double TrialScore::*field) {
    const nlohmann::json& values = j.at(key);
    if (values.size() != correct.size())
      throw InvalidArgument(std::string("unit scores: '") + key + "' has " +
                            std::to_string(values.size()) + " values, 'correct' " +
                            std::to_string(correct.size()));
    for (size_t i = 0; i < values.size(); ++i) s.trials[i].*field = number(values[i]);
  };
  for (size_t i = 0; i < correct.size(); ++i) s.trials[i].correct = correct[i].get<bool>();
  column("choice", &TrialScore::choice);
  column("response_time", &TrialScore::response_time);
  column("rate_correlation", &TrialScore::rate_correlation);
  column("exc_rate_hz", &TrialScore::exc_rate_hz);
  column("inh_rate_hz", &TrialScore::inh_rate_hz);
}

}  // namespace spikernn
