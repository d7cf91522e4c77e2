#include "spikernn/core/trial_runner.hpp"

#include <mutex>
#include <thread>

#include "spikernn/core/error.hpp"
#include "spikernn/core/tasks.hpp"
#include "splitmix64.hpp"

namespace spikernn {

TaskSetup prepare_task_run(RateModel model, const std::string& task,
                           const nlohmann::json& task_settings, SpikingConfig config,
                           std::optional<double> scaling_factor) {
  const std::string model_path = model.path.empty() ? "rate model" : "'" + model.path + "'";
  TaskSetup setup;
  setup.model = std::move(model);
  setup.task = make_task(task_for_model(task, setup.model), task_settings);
  if (setup.task->n_inputs() != setup.model.n_inputs())
    throw InvalidArgument("task '" + setup.task->name() + "' has " +
                          std::to_string(setup.task->n_inputs()) + " inputs, but " + model_path +
                          " has w_in with " + std::to_string(setup.model.n_inputs()) + " columns");
  if (!scaling_factor) scaling_factor = setup.model.opt_scaling_factor;
  if (!scaling_factor)
    throw InvalidArgument("scaling factor: not given, and " + model_path +
                          " holds no opt_scaling_factor; give one or run a grid search first");
  setup.scaling_factor = *scaling_factor;
  config.N = setup.model.N;
  config.scaling_factor = *scaling_factor;
  setup.network = LIFNetwork(config, setup.model);
  return setup;
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

std::vector<TrialRunResult> run_trials(const std::vector<const LIFNetworkImpl*>& networks,
                                       const std::vector<Trial>& trials,
                                       const TrialRunOptions& options) {
  if (networks.empty()) throw InvalidArgument("run_trials: no network to run");
  if (trials.empty()) throw InvalidArgument("run_trials: no trials to run");
  if (options.batch_size < 1)
    throw InvalidArgument("batch size: expected >= 1, found " + std::to_string(options.batch_size));
  const int64_t n = static_cast<int64_t>(trials.size());
  // A GPU runs every trial of a network as one batch: one kernel keeps it busy, and worker threads
  // would only queue on the same stream.
  const bool gpu = !networks.front()->device().is_cpu();
  const int64_t batch_size = gpu ? n : options.batch_size;
  const int64_t batches = (n + batch_size - 1) / batch_size;
  const int64_t units = batches * static_cast<int64_t>(networks.size());
  // Unit u is batch u % batches of network u / batches; its seed depends on the batch alone, so
  // every network sees the same noise and no unit's result depends on which worker runs it.
  std::vector<SimulationResult> results(static_cast<size_t>(units));
  std::atomic<int64_t> done{0};

  const auto run_unit = [&](int64_t unit) {
    if (options.cancel != nullptr && options.cancel->load()) return;
    const int64_t b = unit % batches;
    const int64_t first = b * batch_size, last = std::min(n, first + batch_size);
    std::vector<torch::Tensor> inputs;
    for (int64_t i = first; i < last; ++i) inputs.push_back(trials[static_cast<size_t>(i)].u);
    results[static_cast<size_t>(unit)] =
        networks[static_cast<size_t>(unit / batches)]->simulate_batch(
            torch::stack(inputs), Stims::none(), options.record, batch_seed(options.seed, b));
    const int64_t now = done += last - first;
    if (options.on_progress) options.on_progress(now);
  };
  // Workers take units in turn, with no barrier between networks.
  std::atomic<int64_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const auto work = [&] {
    for (int64_t u = next++; u < units; u = next++) {
      try {
        run_unit(u);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = units;
      }
    }
  };
  const int64_t threads =
      options.parallel && !gpu
          ? std::min<int64_t>(units, std::max(1u, std::thread::hardware_concurrency()))
          : 1;
  std::vector<std::thread> workers;
  for (int64_t t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (auto& worker : workers) worker.join();
  if (failure) std::rethrow_exception(failure);
  if (options.cancel != nullptr && options.cancel->load())
    throw Interrupted("interrupted after " + std::to_string(done.load()) + " of " +
                      std::to_string(n * static_cast<int64_t>(networks.size())) + " trials");

  std::vector<TrialRunResult> out(networks.size());
  for (size_t k = 0; k < networks.size(); ++k) {
    const auto begin = results.begin() + static_cast<int64_t>(k) * batches;
    const auto gather = [&](torch::Tensor SimulationResult::*member) {
      if (!((*begin).*member).defined()) return torch::Tensor();
      std::vector<torch::Tensor> parts;
      for (auto r = begin; r != begin + batches; ++r) parts.push_back((*r).*member);
      return torch::cat(parts).to(torch::kCPU);  // scored on the host
    };
    out[k].dt = begin->dt;
    out[k].outs = gather(&SimulationResult::out);
    out[k].all_fr = gather(&SimulationResult::all_fr);
    out[k].spk = gather(&SimulationResult::spk);
  }
  return out;
}

TrialRunResult run_trials(const LIFNetworkImpl& network, const std::vector<Trial>& trials,
                          const TrialRunOptions& options) {
  return run_trials(std::vector<const LIFNetworkImpl*>{&network}, trials, options).front();
}

}  // namespace spikernn
