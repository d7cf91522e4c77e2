#include "spikernn/core/evaluation.hpp"

#include <chrono>
#include <cmath>

#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/rate_network.hpp"
#include "spikernn/core/time_grid.hpp"
#include "spikernn/core/trial_runner.hpp"

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

// Time (s) of the trial's first stimulus column; columns are kStepsPerColumn base steps apart.
// The first column where an input leaves its initial value: a context held for the whole trial
// (the original's Mante) is not a stimulus onset.
double onset_seconds(const Trial& trial, double base_dt) {
  const torch::Tensor active = trial.u.ne(trial.u.slice(1, 0, 1)).any(0).nonzero();
  return active.numel() == 0
             ? 0.0
             : active[0].item<double>() * static_cast<double>(kStepsPerColumn) * base_dt;
}

std::optional<double> crossing_time(const torch::Tensor& out, double sign, double threshold,
                                    double onset, double dt) {
  const int64_t first = static_cast<int64_t>(std::ceil(onset / dt));
  const torch::Tensor above = (out.slice(0, first) * sign).gt(threshold).nonzero();
  if (above.numel() == 0) return std::nullopt;
  return (first + above[0].item<int64_t>()) * dt - onset;
}

double pearson(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor x = a - a.mean(), y = b - b.mean();
  const double denominator = std::sqrt((x * x).sum().item<double>() * (y * y).sum().item<double>());
  return denominator > 0 ? (x * y).sum().item<double>() / denominator : std::nan("");
}

std::vector<PsychometricCurve> psychometric_curves(const AbstractSpikingTask& task,
                                                   const std::vector<Trial>& trials,
                                                   const torch::Tensor& outs) {
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
        const double choice = outs[static_cast<int64_t>(i)]
                                  .slice(0, task.response_onset_step())
                                  .mean()
                                  .item<double>();
        count[bin] += 1;
        positive[bin] += choice > 0;
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

EvaluationResult evaluate_task(const RateModel& rate_model, const EvaluationSettings& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.n_trials < 1)
    throw InvalidArgument("trials: expected >= 1, found " + std::to_string(o.n_trials));
  const TaskSetup setup =
      prepare_task_run(rate_model, o.task, o.task_settings, o.config, o.scaling_factor);
  const RateModel& model = setup.model;
  const auto& task = setup.task;
  const LIFNetwork& network = setup.network;
  const double lambda = setup.scaling_factor;

  std::mt19937_64 rng(o.seed);
  const std::vector<Trial> trials = task->sample_trials(o.n_trials, rng);
  TrialRunOptions run_options;
  run_options.seed = o.seed;
  run_options.batch_size = o.batch_size;
  run_options.parallel = o.parallel;
  run_options.cancel = o.cancel;
  if (o.on_progress)
    run_options.on_progress = [&](int64_t done) { o.on_progress(done, o.n_trials); };
  TrialRunResult run = run_trials(*network, trials, run_options);
  run.outs = run.outs.cpu();
  // Scored, timed and compared at the base step, so that every window is the same in seconds
  // whatever the downsampling.
  const torch::Tensor outs = outputs_at_base_step(run.outs, o.config.downsample);
  const double dt = o.config.dt;
  run.all_fr = run.all_fr.cpu();

  EvaluationResult r;
  r.model_path = model.path;
  r.warnings = network->warnings();
  r.task = task->name();
  r.scaling_factor = lambda;
  r.n_trials = o.n_trials;
  r.seed = o.seed;
  r.performance = task->evaluate_performance(outs, trials);
  std::vector<double> correlations;
  for (size_t i = 0; i < trials.size(); ++i) {
    const Trial& trial = trials[i];
    const torch::Tensor out = outs[static_cast<int64_t>(i)];
    if (trial.label != 0 && task->evaluate_trial(out, trial)) {
      const auto t = crossing_time(out, trial.label > 0 ? 1.0 : -1.0, task->decision_threshold(),
                                   onset_seconds(trial, dt), dt);
      if (t) r.response_times.push_back(*t);
    }
    const torch::Tensor rate = rate_network_output(model, trial.u);
    const torch::Tensor steps =
        torch::arange(1, rate.size(0) + 1, torch::kLong) * kStepsPerColumn - 1;
    const double c = pearson(out.index_select(0, steps.clamp_max(out.size(0) - 1)), rate);
    if (!std::isnan(c)) correlations.push_back(c);
  }
  r.response_time_mean = mean_of(r.response_times);
  r.response_time_sd = sd_of(r.response_times);
  r.psychometric = psychometric_curves(*task, trials, outs);
  const torch::Tensor rates = run.all_fr.mean(0);
  r.exc_rate_hz = rates.index({model.exc}).mean().item<double>();
  r.inh_rate_hz =
      model.inh.any().item<bool>() ? rates.index({model.inh}).mean().item<double>() : std::nan("");
  r.rate_correlation = mean_of(correlations);
  if (o.keep_traces) {
    r.outputs = run.outs;
    r.dt = run.dt;
    r.exc = model.exc;
    for (const Trial& trial : trials) {
      r.trial_conditions.push_back(trial.condition);
      if (r.example_spikes.count(trial.condition) != 0) continue;
      // One example trial per condition, simulated again with its spikes recorded.
      const SimulationResult example = network->simulate_batch(trial.u.unsqueeze(0), Stims::none(),
                                                               Record::parse("spk"), o.seed);
      r.example_spikes[trial.condition] = example.spk[0].cpu();
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
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
  for (const auto& [condition, accuracy] : r.performance.condition_accuracy)
    j[condition + "_accuracy"] = accuracy;
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
