/// @file
/// Runs many trials of one network in fixed-size batches spread over the CPU cores. Each batch has
/// its own seed derived from the run's seed and the batch's index, so results depend on the seed
/// and the batch size only, never on the number of threads. On a GPU all trials form one batch.
#pragma once

#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/task.hpp"

namespace spikernn {

/// Trials simulated together on the CPU by default. Results depend on it (each batch has its own
/// seed), so it is part of a run's settings.
constexpr int64_t kDefaultBatchSize = 25;

/// The network settings grid searches and evaluations start from: SpikingConfig's defaults with
/// fast noise. An accuracy over hundreds of trials needs sound noise, not the port's random
/// streams, which only a seed-for-seed simulation needs (Noise::Torch keeps them).
SpikingConfig task_run_config();

struct TrialRunOptions {
  uint64_t seed = 0;
  int64_t batch_size = kDefaultBatchSize;                ///< on the CPU; a GPU takes all at once
  bool parallel = true;                                  ///< batches on all cores, one thread each
  Record record = Record::parse("out,all_fr");           ///< per-trial traces to keep
  std::function<void(int64_t trials_done)> on_progress;  ///< called from worker threads
  const std::atomic<bool>* cancel = nullptr;             ///< stop between batches when set
};

/// Stacked results of `run_trials`, on the CPU, trial-major: outs n × nt, all_fr n × N, spk n × N ×
/// nt.
struct TrialRunResult {
  torch::Tensor outs, all_fr, spk;
  double dt = 0;
};

/// The task "mante" names, for `model`: the original's layout ("mante-original") when the model
/// records that task or its last training stimulus has the original's context inputs, else the
/// port's ("mante"). Both have 4 inputs, so the input count alone cannot tell them apart. Other
/// names are returned as given.
std::string task_for_model(const std::string& task, const RateModel& model);

/// λ for `model`: `scaling_factor` when given, else the model's opt_scaling_factor, else
/// InvalidArgument naming the model.
double scaling_factor_for(const RateModel& model, std::optional<double> scaling_factor);

/// What a grid search or an evaluation starts from: the model, a task that fits it, and the
/// network at λ (`scaling_factor`, else the model's opt_scaling_factor, else InvalidArgument). The
/// task is `task_for_model(task, model)`.
struct TaskSetup {
  RateModel model;
  std::unique_ptr<AbstractSpikingTask> task;
  LIFNetwork network{nullptr};
  double scaling_factor = 0;
};
/// The random perturbations follow the run's seed `run_seed` (derived_perturb_seed) unless the
/// config gives them a perturb_seed.
TaskSetup prepare_task_run(RateModel model, const std::string& task,
                           const nlohmann::json& task_settings, SpikingConfig config,
                           std::optional<double> scaling_factor, uint64_t run_seed);

/// The seed of batch `index` of a run seeded with `seed`: output `index` of splitmix64 seeded with
/// `seed`, as 63 bits so that it survives int64 files and JSON.
uint64_t batch_seed(uint64_t seed, int64_t index);

/// Simulates every trial (all of equal length) on `network` in batches on all cores; batch b has
/// seed batch_seed(seed, b). `on_progress` gets the trials done. Throws Interrupted when `cancel`
/// is set. Grid searches and evaluations run through TaskRun (spikernn/core/task_run.hpp).
TrialRunResult run_trials(const LIFNetworkImpl& network, const std::vector<Trial>& trials,
                          const TrialRunOptions& options);

/// The stimuli of trials [first, last) as one batch (batch × inputs × columns).
torch::Tensor stack_inputs(const std::vector<Trial>& trials, int64_t first, int64_t last);

}  // namespace spikernn
