#include "spikernn/core/evaluation.hpp"

#include <chrono>
#include <cmath>

#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"

namespace spikernn {

namespace {

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? std::nan("") : sum / static_cast<double>(v.size());
}

double sd_of(const std::vector<double>& v) {
  if (v.size() < 2) return std::nan("");
  const double m = mean_of(v);
  double sum = 0;
  for (double x : v) sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(v.size() - 1));
}

// `choice[i]`: trial i's mean output over the response window; its sign is the choice.
std::vector<PsychometricCurve> psychometric_curves(const AbstractSpikingTask& task,
                                                   const std::vector<Trial>& trials,
                                                   const std::vector<double>& choice) {
  constexpr int kBins = 8;
  std::vector<PsychometricCurve> curves;
  for (const std::string& condition : task.conditions()) {
    for (const std::string& input : task.graded_inputs()) {
      double lo = INFINITY, hi = -INFINITY;
      for (const Trial& t : trials) {
        lo = std::min(lo, t.inputs.at(input));
        hi = std::max(hi, t.inputs.at(input));
      }
      PsychometricCurve curve{condition, input, {}, {}, {}};
      std::vector<int64_t> positive(kBins, 0), count(kBins, 0);
      for (size_t i = 0; i < trials.size(); ++i) {
        if (trials[i].condition != condition) continue;
        const double x = trials[i].inputs.at(input);
        const int bin = std::min(kBins - 1, static_cast<int>((x - lo) / (hi - lo + 1e-12) * kBins));
        count[bin] += 1;
        positive[bin] += choice[i] > 0;
      }
      for (int b = 0; b < kBins; ++b) {
        if (count[b] == 0) continue;
        curve.input_level.push_back(lo + (b + 0.5) * (hi - lo) / kBins);
        curve.fraction_positive.push_back(static_cast<double>(positive[b]) / count[b]);
        curve.trials.push_back(count[b]);
      }
      curves.push_back(curve);
    }
  }
  return curves;
}

}  // namespace

TaskRun evaluation_run(std::vector<RateModel> models, const EvaluationSettings& s) {
  std::vector<std::vector<double>> factors;
  for (const RateModel& model : models)
    factors.push_back({scaling_factor_for(model, s.scaling_factor)});
  TaskRun::Options o;
  o.task = s.task;
  o.task_settings = s.task_settings;
  o.n_trials = s.n_trials;
  o.seed = s.seed;
  o.batch_size = s.batch_size;
  o.parallel = s.parallel;
  o.config = s.config;
  o.scoring = Scoring::full;
  o.keep_outputs = s.keep_traces;
  return TaskRun(std::move(models), std::move(factors), o);
}

std::vector<EvaluationResult> evaluation_results(const TaskRun& run,
                                                 const std::vector<UnitScores>& all) {
  std::vector<EvaluationResult> results;
  for (size_t m = 0; m < run.model_count(); ++m) {
    const RateModel& model = run.model(m);
    const std::vector<Trial>& trials = run.trials(m);
    const std::vector<TrialScore> scores = run.trial_scores(all, m, 0);
    EvaluationResult r;
    r.model_path = model.path;
    r.warnings = run.warnings(m);
    r.task = run.task(m).name();
    r.scaling_factor = run.factors(m).front();
    r.n_trials = run.options().n_trials;
    r.seed = run.options().seed;
    std::vector<bool> correct;
    std::vector<double> choice, correlations, exc, inh;
    for (const TrialScore& t : scores) {
      correct.push_back(t.correct);
      choice.push_back(t.choice);
      if (!std::isnan(t.response_time)) r.response_times.push_back(t.response_time);
      if (!std::isnan(t.rate_correlation)) correlations.push_back(t.rate_correlation);
      exc.push_back(t.exc_rate_hz);
      inh.push_back(t.inh_rate_hz);
    }
    r.performance = performance_of(trials, correct);
    r.response_time_mean = mean_of(r.response_times);
    r.response_time_sd = sd_of(r.response_times);
    r.psychometric = psychometric_curves(run.task(m), trials, choice);
    r.exc_rate_hz = mean_of(exc);
    r.inh_rate_hz = mean_of(inh);
    r.rate_correlation = mean_of(correlations);
    if (run.options().keep_outputs) {
      const LIFNetwork network = run.network(m, 0);
      r.outputs = run.outputs(all, m, 0);
      r.dt = run.options().config.dt;
      r.exc = model.exc;
      for (const Trial& trial : trials) {
        r.trial_conditions.push_back(trial.condition);
        if (r.example_spikes.count(trial.condition) != 0) continue;
        // One example trial per condition, simulated again with its spikes recorded.
        const SimulationResult example = network->simulate_batch(
            trial.u.unsqueeze(0), Stims::none(), Record::parse("spk"), r.seed);
        r.example_spikes[trial.condition] = example.spk[0].cpu();
      }
    }
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<EvaluationResult> evaluate_tasks(std::vector<RateModel> models,
                                             const EvaluationSettings& s) {
  const auto start = std::chrono::steady_clock::now();
  const TaskRun run = evaluation_run(std::move(models), s);
  const int64_t total = run.trial_count();
  const std::vector<UnitScores> scores = run.run(
      {},
      [&](int64_t done) {
        if (s.on_progress) s.on_progress(done, total);
      },
      s.cancel);
  std::vector<EvaluationResult> results = evaluation_results(run, scores);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (EvaluationResult& r : results) r.seconds = seconds;
  return results;
}

EvaluationResult evaluate_task(const RateModel& model, const EvaluationSettings& s) {
  return evaluate_tasks({model}, s).front();
}

void to_json(nlohmann::json& j, const EvaluationResult& r) {
  const auto number = [](double x) { return std::isnan(x) ? nlohmann::json() : nlohmann::json(x); };
  j = {{"model", r.model_path},
       {"task", r.task},
       {"scaling_factor", r.scaling_factor},
       {"n_trials", r.n_trials},
       {"seed", r.seed},
       {"overall_accuracy", r.performance.overall_accuracy},
       {"condition_accuracy", r.performance.condition_accuracy},
       {"condition_trials", r.performance.condition_trials},
       {"response_times", r.response_times},
       {"response_time_mean", number(r.response_time_mean)},
       {"response_time_sd", number(r.response_time_sd)},
       {"exc_rate_hz", number(r.exc_rate_hz)},
       {"inh_rate_hz", number(r.inh_rate_hz)},
       {"rate_correlation", number(r.rate_correlation)},
       {"plots", r.plots},
       {"warnings", r.warnings},
       {"seconds", r.seconds}};
  // The port's names for them: go_accuracy, go_trials, ...
  for (const auto& [condition, accuracy] : r.performance.condition_accuracy)
    j[condition + "_accuracy"] = accuracy;
  for (const auto& [condition, trials] : r.performance.condition_trials)
    j[condition + "_trials"] = trials;
  nlohmann::json curves = nlohmann::json::array();
  for (const auto& c : r.psychometric)
    curves.push_back({{"condition", c.condition},
                      {"input", c.input},
                      {"input_level", c.input_level},
                      {"fraction_positive", c.fraction_positive},
                      {"trials", c.trials}});
  j["psychometric"] = curves;
}

}  // namespace spikernn
