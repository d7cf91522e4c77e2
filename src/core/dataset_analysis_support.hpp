// What the dataset analyses share: spike counts in bins, seconds as steps, and the trials of each
// condition.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "spikernn/core/trial_dataset.hpp"

namespace spikernn::analysis {

// binned_spike_counts of `bins` bins of `bin_steps` from `first_step`: float64, n_trials × N ×
// bins. InvalidArgument naming the bin setting when there is no bin.
torch::Tensor bin_counts(const TrialDataset& dataset, int64_t first_step, int64_t bin_steps,
                         int64_t bins);

// `seconds` as a whole number of steps of `dt` (rounded); InvalidArgument naming `key` when that is
// less than one step.
int64_t steps_of(double seconds, double dt, const std::string& key);

// The centre, in seconds, of each of `windows` windows of `window_steps` steps whose starts are
// `first_step`, first_step + stride_steps, ...
std::vector<double> window_centres(int64_t first_step, int64_t window_steps, int64_t stride_steps,
                                   int64_t windows, double dt);

// The trial indices (int64) of each condition of `dataset.conditions`.
std::vector<torch::Tensor> trials_by_condition(const TrialDataset& dataset);

// Throws Interrupted when `cancel` is set.
void check_cancel(const std::atomic<bool>* cancel, const std::string& where);

// NaN for an empty or all-NaN input.
double median(std::vector<double> values);

}  // namespace spikernn::analysis
