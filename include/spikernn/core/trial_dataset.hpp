/// @file
/// A trial dataset: many trials of every condition of a task on one converted network, with the
/// spikes kept sparse (one entry per spike), which the analyses
/// (spikernn/core/dataset_analysis.hpp) read and spikernn/io/dataset_file.hpp writes as MAT v7.3.
#pragma once

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/task.hpp"
#include "spikernn/core/trial_runner.hpp"

namespace spikernn {

/// Every field is on the CPU. Indices are 0-based.
struct TrialDataset {
  int64_t n_trials = 0;
  int64_t N = 0;        ///< units
  int64_t n_steps = 0;  ///< LIF steps of a trial
  double dt = 0;        ///< seconds per step
  /// One entry per spike (int64 vectors of equal length), sorted by trial, then step, then unit.
  torch::Tensor spike_trial, spike_unit, spike_step;
  torch::Tensor condition;              ///< int64, n_trials: index into `conditions`
  std::vector<std::string> conditions;  ///< condition names, in the task's report order
  torch::Tensor labels;    ///< float64, n_trials × inputs: each input's stimulus value
  torch::Tensor correct;   ///< bool, n_trials: the task's scoring of the trial
  torch::Tensor out;       ///< float64, n_trials × columns: output per stimulus column
  torch::Tensor exc, inh;  ///< bool, N each
  nlohmann::json config;   ///< the run that made it (model, task, λ, seed, ...)
};

/// Checks the invariants above (shapes, dtypes, index ranges, sorted spikes); throws
/// ModelFormatError starting with `what` (e.g. the file's name) and naming the variable.
void validate_dataset(const TrialDataset& dataset, const std::string& what);

/// Spike counts per trial, unit and bin of `bin_steps` steps over steps [first_step, last_step):
/// float64, n_trials × N × bins (a last partial bin is dropped).
torch::Tensor binned_spike_counts(const TrialDataset& dataset, int64_t first_step,
                                  int64_t last_step, int64_t bin_steps);

struct DatasetOptions {
  int64_t trials_per_condition = 100;
  TrialRunOptions run;  ///< seed, batch size, cores, progress, cancel (its `record` is ignored)
};

/// Simulates `trials_per_condition` trials of every condition of the setup's task on its network
/// (conditions in the task's order, trial k of condition c at index c·K + k; stimuli drawn in that
/// order from a generator seeded with the run's seed), in batches on all cores, batch b with seed
/// batch_seed(seed, b), keeping the spikes as a list as each batch ends. The same seed and batch
/// size give the same dataset whatever the number of threads. The dataset's `config` records the
/// run as `spikernn dataset` config keys (the network's settings, perturbations included, the task
/// and all its settings, scaling_factor, seed, batch_size, trials_per_condition), with the keys of
/// `extra` (e.g. the model's path) added over them.
TrialDataset simulate_dataset(const TaskSetup& setup, const DatasetOptions& options,
                              const nlohmann::json& extra = nlohmann::json::object());

}  // namespace spikernn
