#include "spikernn/core/trial_dataset.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>

#include "spikernn/core/error.hpp"
#include "spikernn/core/time_grid.hpp"
#include "worker_pool.hpp"

namespace spikernn {
namespace {

void require(bool ok, const std::string& what, const std::string& variable,
             const std::string& expected) {
  if (!ok) throw ModelFormatError(what + ": variable '" + variable + "': expected " + expected);
}

bool vector_of(const torch::Tensor& t, torch::ScalarType type, int64_t n) {
  return t.defined() && t.dim() == 1 && t.scalar_type() == type && t.size(0) == n;
}

// Each input's value during its stimulus: the entry of largest magnitude, with its sign.
torch::Tensor input_labels(const Trial& trial) {
  return trial.u.gather(1, trial.u.abs().argmax(1, true)).squeeze(1);
}

// The output averaged over the steps each stimulus column drives (column k: steps [100k − 50,
// 100k + 50) as stimulus_column() maps them, clipped to the trial): n × columns.
torch::Tensor output_per_column(const torch::Tensor& out) {
  const int64_t nt = out.size(1), half = kStepsPerColumn / 2;
  const int64_t columns = (nt - 1 + half) / kStepsPerColumn + 1;
  std::vector<torch::Tensor> means;
  for (int64_t k = 0; k < columns; ++k)
    means.push_back(out.slice(1, std::max<int64_t>(0, k * kStepsPerColumn - half),
                              std::min(nt, k * kStepsPerColumn + half))
                        .mean(1));
  return torch::stack(means, 1);
}

}  // namespace

void validate_dataset(const TrialDataset& d, const std::string& what) {
  require(d.n_trials >= 1 && d.N >= 1 && d.n_steps >= 1, what, "n_trials, N, n_steps",
          "positive counts");
  require(std::isfinite(d.dt) && d.dt > 0, what, "dt", "a positive number of seconds");
  const int64_t spikes = d.spike_trial.defined() ? d.spike_trial.numel() : -1;
  for (const auto& [name, t] :
       {std::pair<const char*, const torch::Tensor&>{"spike_trial", d.spike_trial},
        {"spike_unit", d.spike_unit},
        {"spike_step", d.spike_step}})
    require(vector_of(t, torch::kLong, spikes), what, name,
            "an int64 vector with one entry per spike (" + std::to_string(spikes) + ")");
  const auto in_range = [](const torch::Tensor& t, int64_t n) {
    return t.numel() == 0 || (t.min().item<int64_t>() >= 0 && t.max().item<int64_t>() < n);
  };
  require(in_range(d.spike_trial, d.n_trials), what, "spike_trial",
          "trial indices in [0, " + std::to_string(d.n_trials) + ")");
  require(in_range(d.spike_unit, d.N), what, "spike_unit",
          "unit indices in [0, " + std::to_string(d.N) + ")");
  require(in_range(d.spike_step, d.n_steps), what, "spike_step",
          "step indices in [0, " + std::to_string(d.n_steps) + ")");
  if (spikes > 1) {
    const torch::Tensor key = (d.spike_trial * d.n_steps + d.spike_step) * d.N + d.spike_unit;
    require((key.slice(0, 1) > key.slice(0, 0, -1)).all().item<bool>(), what,
            "spike_trial, spike_step, spike_unit",
            "spikes sorted by trial, step and unit, once each");
  }
  const int64_t n_conditions = static_cast<int64_t>(d.conditions.size());
  require(n_conditions >= 1, what, "conditions", "at least one condition name");
  require(vector_of(d.condition, torch::kLong, d.n_trials) && in_range(d.condition, n_conditions),
          what, "condition", "one index in [0, " + std::to_string(n_conditions) + ") per trial");
  require(d.labels.defined() && d.labels.dim() == 2 && d.labels.size(0) == d.n_trials &&
              d.labels.scalar_type() == torch::kDouble,
          what, "labels", "a float64 matrix of n_trials rows");
  require(vector_of(d.correct, torch::kBool, d.n_trials), what, "correct",
          "a logical vector of n_trials entries");
  require(d.out.defined() && d.out.dim() == 2 && d.out.size(0) == d.n_trials &&
              d.out.scalar_type() == torch::kDouble,
          what, "out", "a float64 matrix of n_trials rows");
  require(vector_of(d.exc, torch::kBool, d.N), what, "exc", "a logical vector of N entries");
  require(vector_of(d.inh, torch::kBool, d.N), what, "inh", "a logical vector of N entries");
}

torch::Tensor binned_spike_counts(const TrialDataset& d, int64_t first_step, int64_t last_step,
                                  int64_t bin_steps) {
  if (bin_steps < 1 || first_step < 0 || last_step > d.n_steps || first_step >= last_step)
    throw InvalidArgument(
        "spike counts: expected 0 <= first step < last step <= " + std::to_string(d.n_steps) +
        " and a bin of >= 1 step, found [" + std::to_string(first_step) + ", " +
        std::to_string(last_step) + ") in bins of " + std::to_string(bin_steps));
  const int64_t bins = (last_step - first_step) / bin_steps;
  if (bins < 1)
    throw InvalidArgument("spike counts: the window of " + std::to_string(last_step - first_step) +
                          " steps is shorter than one bin of " + std::to_string(bin_steps));
  const torch::Tensor kept =
      (d.spike_step >= first_step) & (d.spike_step < first_step + bins * bin_steps);
  const torch::Tensor bin = (d.spike_step.masked_select(kept) - first_step).div(bin_steps, "floor");
  const torch::Tensor index =
      (d.spike_trial.masked_select(kept) * d.N + d.spike_unit.masked_select(kept)) * bins + bin;
  return torch::bincount(index, {}, d.n_trials * d.N * bins)
      .to(torch::kDouble)
      .reshape({d.n_trials, d.N, bins});
}

TrialDataset simulate_dataset(const TaskSetup& setup, const DatasetOptions& options,
                              const nlohmann::json& extra) {
  const LIFNetworkImpl& network = *setup.network;
  const AbstractSpikingTask& task = *setup.task;
  const int64_t K = options.trials_per_condition;
  if (K < 1)
    throw InvalidArgument("trials per condition: expected >= 1, found " + std::to_string(K));
  if (options.run.batch_size < 1)
    throw InvalidArgument("batch size: expected >= 1, found " +
                          std::to_string(options.run.batch_size));
  if (network.n_inputs() != task.n_inputs())
    throw InvalidArgument("task '" + task.name() + "' has " + std::to_string(task.n_inputs()) +
                          " inputs, the network " + std::to_string(network.n_inputs()));
  const std::vector<std::string> conditions = task.conditions();
  std::mt19937_64 rng(options.run.seed);
  std::vector<Trial> trials;
  std::vector<int64_t> condition;
  for (size_t c = 0; c < conditions.size(); ++c)
    for (int64_t k = 0; k < K; ++k) {
      trials.push_back(task.generate_stimulus(conditions[c], rng));
      condition.push_back(static_cast<int64_t>(c));
    }
  const int64_t n = static_cast<int64_t>(trials.size()), bs = options.run.batch_size;
  const int64_t batches = (n + bs - 1) / bs;
  std::vector<torch::Tensor> lists(static_cast<size_t>(batches)), outs(lists.size());
  std::vector<double> dts(lists.size());
  std::vector<int64_t> nts(lists.size());
  std::atomic<int64_t> done{0};
  Record record = Record::nothing();
  record.out = record.spike_list = true;
  const bool gpu = !network.device().is_cpu();
  for_each_in_pool(batches, gpu ? 1 : pool_threads(options.run.parallel, batches), [&](int64_t b) {
    if (options.run.cancel != nullptr && options.run.cancel->load()) return;
    const int64_t first = b * bs, last = std::min(n, first + bs);
    SimulationResult r = network.simulate_batch(stack_inputs(trials, first, last), Stims::none(),
                                                record, batch_seed(options.run.seed, b));
    torch::Tensor list = r.spike_list.to(torch::kCPU);
    list.select(1, 0).add_(first);
    const auto i = static_cast<size_t>(b);
    lists[i] = list;
    outs[i] = r.out.to(torch::kCPU, torch::kDouble);
    dts[i] = r.dt;
    nts[i] = r.nt;
    const int64_t now = done += last - first;
    if (options.run.on_progress) options.run.on_progress(now);
  });
  if (options.run.cancel != nullptr && options.run.cancel->load())
    throw Interrupted("interrupted after " + std::to_string(done.load()) + " of " +
                      std::to_string(n) + " trials");

  TrialDataset d;
  d.n_trials = n;
  d.N = network.config().N;
  d.n_steps = nts.front();
  d.dt = dts.front();
  const torch::Tensor spikes = torch::cat(lists);
  d.spike_trial = spikes.select(1, 0).contiguous();
  d.spike_step = spikes.select(1, 1).contiguous();
  d.spike_unit = spikes.select(1, 2).contiguous();
  d.condition = torch::tensor(condition, torch::kLong);
  d.conditions = conditions;
  const torch::Tensor out = torch::cat(outs);
  const torch::Tensor scored = outputs_at_base_step(out, network.config().downsample);
  std::vector<torch::Tensor> labels;
  std::vector<uint8_t> correct;
  for (int64_t t = 0; t < n; ++t) {
    labels.push_back(input_labels(trials[static_cast<size_t>(t)]));
    correct.push_back(task.evaluate_trial(scored[t], trials[static_cast<size_t>(t)]));
  }
  d.labels = torch::stack(labels).to(torch::kDouble);
  d.correct = torch::tensor(correct, torch::kUInt8).to(torch::kBool);
  d.out = output_per_column(out);
  d.exc = setup.model.exc.to(torch::kCPU, torch::kBool);
  d.inh = setup.model.inh.to(torch::kCPU, torch::kBool);
  d.config = network.config();
  d.config.erase("N");
  d.config["task"] = task.name();
  d.config["task_settings"] = task.settings();
  d.config["scaling_factor"] = setup.scaling_factor;
  d.config["seed"] = options.run.seed;
  d.config["batch_size"] = options.run.batch_size;
  d.config["trials_per_condition"] = K;
  d.config.update(extra);
  return d;
}

}  // namespace spikernn
