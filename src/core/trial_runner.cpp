#include "spikernn/core/trial_runner.hpp"

#include "spikernn/core/error.hpp"
#include "spikernn/core/perturbations.hpp"
#include "spikernn/core/tasks.hpp"
#include "splitmix64.hpp"
#include "worker_pool.hpp"

namespace spikernn {

TaskSetup prepare_task_run(RateModel model, const std::string& task,
                           const nlohmann::json& task_settings, SpikingConfig config,
                           std::optional<double> scaling_factor, uint64_t run_seed) {
  const std::string model_path = model.path.empty() ? "rate model" : "'" + model.path + "'";
  TaskSetup setup;
  setup.model = std::move(model);
  setup.task = make_task(task_for_model(task, setup.model), task_settings);
  if (setup.task->n_inputs() != setup.model.n_inputs())
    throw InvalidArgument("task '" + setup.task->name() + "' has " +
                          std::to_string(setup.task->n_inputs()) + " inputs, but " + model_path +
                          " has w_in with " + std::to_string(setup.model.n_inputs()) + " columns");
  setup.scaling_factor = scaling_factor_for(setup.model, scaling_factor);
  if (!config.perturbations.perturb_seed)
    config.perturbations.perturb_seed = derived_perturb_seed(run_seed);
  config.N = setup.model.N;
  config.scaling_factor = setup.scaling_factor;
  setup.network = LIFNetwork(config, setup.model);
  return setup;
}

SpikingConfig task_run_config() {
  SpikingConfig config;
  config.noise = Noise::Fast;
  return config;
}

double scaling_factor_for(const RateModel& model, std::optional<double> scaling_factor) {
  if (scaling_factor) return *scaling_factor;
  if (model.opt_scaling_factor) return *model.opt_scaling_factor;
  throw InvalidArgument("scaling factor: not given, and " +
                        (model.path.empty() ? "the rate model" : "'" + model.path + "'") +
                        " holds no opt_scaling_factor; give one or run a grid search first");
}

std::string task_for_model(const std::string& task, const RateModel& model) {
  if (task != "mante") return task;
  if (model.task == "mante-original" || has_original_mante_layout(model.last_stimulus))
    return "mante-original";
  return task;
}

uint64_t batch_seed(uint64_t seed, int64_t index) {
  return splitmix64_at(seed, static_cast<uint64_t>(index)) >> 1;
}

TrialRunResult run_trials(const LIFNetworkImpl& network, const std::vector<Trial>& trials,
                          const TrialRunOptions& options) {
  if (trials.empty()) throw InvalidArgument("run_trials: no trials to run");
  if (options.batch_size < 1)
    throw InvalidArgument("batch size: expected >= 1, found " + std::to_string(options.batch_size));
  const int64_t n = static_cast<int64_t>(trials.size());
  // A GPU runs every trial as one batch: one kernel keeps it busy, and worker threads would only
  // queue on the same stream.
  const bool gpu = !network.device().is_cpu();
  const int64_t batch_size = gpu ? n : options.batch_size;
  const int64_t batches = (n + batch_size - 1) / batch_size;
  std::vector<SimulationResult> results(static_cast<size_t>(batches));
  std::atomic<int64_t> done{0};
  for_each_in_pool(batches, gpu ? 1 : pool_threads(options.parallel, batches), [&](int64_t b) {
    if (options.cancel != nullptr && options.cancel->load()) return;
    const int64_t first = b * batch_size, last = std::min(n, first + batch_size);
    results[static_cast<size_t>(b)] =
        network.simulate_batch(stack_inputs(trials, first, last), Stims::none(), options.record,
                               batch_seed(options.seed, b));
    const int64_t now = done += last - first;
    if (options.on_progress) options.on_progress(now);
  });
  if (options.cancel != nullptr && options.cancel->load())
    throw Interrupted("interrupted after " + std::to_string(done.load()) + " of " +
                      std::to_string(n) + " trials");
  TrialRunResult out;
  out.dt = results.front().dt;
  const auto gather = [&](torch::Tensor SimulationResult::*member) {
    if (!(results.front().*member).defined()) return torch::Tensor();
    std::vector<torch::Tensor> parts;
    for (const SimulationResult& r : results) parts.push_back(r.*member);
    return torch::cat(parts).to(torch::kCPU);  // scored on the host
  };
  out.outs = gather(&SimulationResult::out);
  out.all_fr = gather(&SimulationResult::all_fr);
  out.spk = gather(&SimulationResult::spk);
  return out;
}

torch::Tensor stack_inputs(const std::vector<Trial>& trials, int64_t first, int64_t last) {
  std::vector<torch::Tensor> inputs;
  for (int64_t i = first; i < last; ++i) inputs.push_back(trials[static_cast<size_t>(i)].u);
  return torch::stack(inputs);
}

}  // namespace spikernn
