/// @file
/// Training a rate RNN (rate_rnn.hpp) on a task as the `rate` package's main.py does: one random
/// trial per Adam step on the loss of its outputs against the task's target; every `eval_freq`
/// trials an evaluation on `eval_trials` fresh trials, and a stop once the mean evaluation loss is
/// below `loss_threshold` and the accuracy above `accuracy_threshold` (for Go-NoGo only after
/// 1,500 trials). The result saves as the `rate` package's .mat file, which both spikernn and the
/// Python `spiking` package load.
#pragma once

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spikernn/core/rate_rnn.hpp"
#include "spikernn/core/settings_table.hpp"
#include "spikernn/core/task.hpp"

namespace spikernn {

struct TrainingOptions {
  std::string task = "go-nogo";
  nlohmann::json task_settings = nlohmann::json::object();
  RateRNNOptions network;   ///< n_inputs is taken from the task
  int64_t n_trials = 6000;  ///< the most trials to train on
  double learning_rate = 0.01;
  std::string loss_fn = "l2";  ///< "l2": sqrt(Σ (o − z)²); "l1": Σ |o − z|
  double loss_threshold = 7;
  double accuracy_threshold = 0.95;
  double eval_amplitude = 0.3;  ///< response threshold of the training evaluation
  int64_t eval_freq = 100, eval_trials = 100;
  std::optional<int64_t> min_trials;  ///< default: 1,500 for go-nogo, 0 otherwise
  uint64_t seed = 0;
  std::string device = "cpu";
  std::function<void(int64_t trial, double accuracy, double loss)> on_evaluation;
  const std::atomic<bool>* cancel = nullptr;  ///< stop after the current trial when set
};

/// The key, help and JSON form of every TrainingOptions setting, the network's included (`N`,
/// `P_inh`, ...): what `spikernn train` takes as flags and config keys.
const SettingsTable<TrainingOptions>& training_options_table();

struct TrainingResult {
  FRRNNDale network{nullptr};
  std::string task;
  nlohmann::json task_settings;
  bool success = false;                     ///< the termination rule was met
  int64_t trials = 0;                       ///< trials trained
  std::vector<double> losses;               ///< one per trained trial
  double eval_accuracy = 0, eval_loss = 0;  ///< of the last evaluation
  torch::Tensor eval_outputs;  ///< eval_trials × (T − 1) outputs of the last evaluation
  std::vector<double> eval_labels;
  /// The network before training (the rate package's w0, w_in0, taus_gaus0, x0, r0).
  torch::Tensor w0, w_in0, taus_gaus0, x0, r0;
  /// The last training trial (u, target, o and the final x and r).
  torch::Tensor u, target, o, x, r;
  double seconds = 0;
  TrainingOptions options;
};

TrainingResult train_rate_rnn(const TrainingOptions& options);

}  // namespace spikernn
