#include "spikernn/evaluation.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>

#include "spikernn/error.hpp"
#include "spikernn/grid_search.hpp"
#include "spikernn/lif_network.hpp"
#include "spikernn/plots.hpp"
#include "spikernn/progress.hpp"
#include "spikernn/rate_network.hpp"
#include "spikernn/trial_runner.hpp"

namespace spikernn {
namespace fs = std::filesystem;

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

// Time (s) of the trial's first stimulus column; columns are 100 base steps apart.
double onset_seconds(const Trial& trial, double base_dt) {
  const torch::Tensor active = trial.u.ne(0).any(0).nonzero();
  return active.numel() == 0 ? 0.0 : active[0].item<double>() * 100 * base_dt;
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

std::vector<std::string> make_plots(const EvaluationOptions& o, const AbstractSpikingTask& task,
                                    const LIFNetworkImpl& network, const RateModel& model,
                                    const std::vector<Trial>& trials, const TrialRunResult& run,
                                    double scaling_factor) {
  fs::create_directories(o.plots_dir);
  const std::string stem = fs::path(o.model_path).stem().string();
  const std::string tag = task.name() + ", λ = " + c10::str(scaling_factor);
  std::vector<std::string> written;
  std::map<std::string, std::vector<int64_t>> rows;
  for (size_t i = 0; i < trials.size(); ++i)
    rows[trials[i].condition].push_back(static_cast<int64_t>(i));
  std::map<std::string, torch::Tensor> by_condition;
  for (const auto& [condition, index] : rows)
    by_condition[condition] = run.outs.index_select(0, torch::tensor(index));
  const std::string outputs = (fs::path(o.plots_dir) / (stem + "_outputs.png")).string();
  plot_condition_outputs(outputs, stem + ": output, mean ± SD (" + tag + ")", by_condition, run.dt);
  written.push_back(outputs);
  for (const auto& [condition, index] : rows) {
    // One example trial per condition, simulated again with its spikes recorded.
    const Trial& trial = trials[static_cast<size_t>(index.front())];
    const SimulationResult r =
        network.simulate_batch(trial.u.unsqueeze(0), Stims::none(), Record::parse("spk"), o.seed);
    const std::string raster =
        (fs::path(o.plots_dir) / (stem + "_raster_" + condition + ".png")).string();
    plot_spike_raster(raster, stem + ": spikes, " + condition + " trial (" + tag + ")", r.spk[0],
                      model.exc, r.dt);
    written.push_back(raster);
  }
  return written;
}

}  // namespace

EvaluationResult evaluate_task(const EvaluationOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.n_trials < 1)
    throw InvalidArgument("trials: expected >= 1, found " + std::to_string(o.n_trials));
  if (!o.plots_dir.empty() && fs::exists(o.plots_dir) && !fs::is_directory(o.plots_dir))
    throw FileError("plots folder '" + o.plots_dir + "': exists and is not a folder");
  const TaskSetup setup =
      prepare_task_run(o.model_path, o.task, o.task_settings, o.config, o.scaling_factor);
  const RateModel& model = setup.model;
  const auto& task = setup.task;
  const LIFNetwork& network = setup.network;
  const double lambda = setup.scaling_factor;
  const int64_t step_per_column = 100 / o.config.downsample;

  std::mt19937_64 rng(o.seed);
  const std::vector<Trial> trials = task->sample_trials(o.n_trials, rng);
  ProgressBar progress("eval " + fs::path(o.model_path).filename().string(), o.n_trials,
                       o.show_progress);
  TrialRunOptions run_options;
  run_options.seed = o.seed;
  run_options.batch_size = o.batch_size;
  run_options.parallel = o.parallel;
  run_options.cancel = o.cancel;
  run_options.on_progress = [&](int64_t done) { progress.update(done); };
  TrialRunResult run = run_trials(*network, trials, run_options);
  progress.finish();
  run.outs = run.outs.cpu();
  run.all_fr = run.all_fr.cpu();

  EvaluationResult r;
  r.model_path = o.model_path;
  r.task = task->name();
  r.scaling_factor = lambda;
  r.n_trials = o.n_trials;
  r.seed = o.seed;
  r.performance = task->evaluate_performance(run.outs, trials);
  std::vector<double> correlations;
  for (size_t i = 0; i < trials.size(); ++i) {
    const Trial& trial = trials[i];
    const torch::Tensor out = run.outs[static_cast<int64_t>(i)];
    if (trial.label != 0 && task->evaluate_trial(out, trial)) {
      const auto t = crossing_time(out, trial.label > 0 ? 1.0 : -1.0, task->decision_threshold(),
                                   onset_seconds(trial, o.config.dt), run.dt);
      if (t) r.response_times.push_back(*t);
    }
    const torch::Tensor rate = rate_network_output(model, trial.u);
    const torch::Tensor steps =
        torch::arange(1, rate.size(0) + 1, torch::kLong) * step_per_column - 1;
    const double c = pearson(out.index_select(0, steps.clamp_max(out.size(0) - 1)), rate);
    if (!std::isnan(c)) correlations.push_back(c);
  }
  r.response_time_mean = mean_of(r.response_times);
  r.response_time_sd = sd_of(r.response_times);
  r.psychometric = psychometric_curves(*task, trials, run.outs);
  const torch::Tensor rates = run.all_fr.mean(0);
  r.exc_rate_hz = rates.index({model.exc}).mean().item<double>();
  r.inh_rate_hz =
      model.inh.any().item<bool>() ? rates.index({model.inh}).mean().item<double>() : std::nan("");
  r.rate_correlation = mean_of(correlations);
  if (!o.plots_dir.empty()) r.plots = make_plots(o, *task, *network, model, trials, run, lambda);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

EvaluationResult evaluate_task(const std::string& task_name, const std::string& model_dir,
                               std::optional<double> optimal_scaling_factor,
                               const nlohmann::json& task_settings, bool save_plots) {
  EvaluationOptions o;
  o.task = task_name;
  o.model_path = mat_files_in(model_dir).front();
  o.scaling_factor = optimal_scaling_factor;
  o.task_settings = task_settings;
  if (save_plots) o.plots_dir = (fs::path(o.model_path).parent_path() / "plots").string();
  return evaluate_task(o);
}

EvaluationResult eval_go_nogo(const std::string& model_path, double scaling_factor,
                              int64_t n_trials, bool plot_results) {
  EvaluationOptions o;
  o.model_path = model_path;
  o.scaling_factor = scaling_factor;
  o.n_trials = n_trials;
  if (plot_results)
    o.plots_dir =
        (fs::path(model_path).parent_path() / (fs::path(model_path).stem().string() + "_plots"))
            .string();
  return evaluate_task(o);
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
