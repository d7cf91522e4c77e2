/// @file
/// The built-in tasks, with defaults equal to the settings the PyTorch `rate` package trains with
/// (stimulus columns as 0-based [start, stop) slices) and the scoring of the original grid search.
#pragma once

#include "spikernn/core/settings_table.hpp"
#include "spikernn/core/task.hpp"

namespace spikernn {

/// Go: 1 on input 0 over [stim_on, stim_on + stim_dur); NoGo: no stimulus (as the rate package
/// trains it). Correct: max(out[score_from_step:]) > go_threshold for Go, < nogo_threshold for
/// NoGo.
struct GoNoGoSettings {
  int64_t columns = 201, stim_on = 50, stim_dur = 25;
  double amplitude = 1.0;
  int64_t score_from_step = 10000;
  double go_threshold = 0.7, nogo_threshold = 0.3;
};
/// The keys and help of every GoNoGoSettings field (the task_settings of a config).
const SettingsTable<GoNoGoSettings>& go_nogo_settings_table();

class GoNoGoTask : public AbstractSpikingTask {
 public:
  explicit GoNoGoTask(GoNoGoSettings settings = {});
  explicit GoNoGoTask(const nlohmann::json& settings);
  std::string name() const override { return "go-nogo"; }
  int64_t n_inputs() const override { return 1; }
  int64_t columns() const override { return s_.columns; }
  std::vector<std::string> conditions() const override { return {"go", "nogo"}; }
  nlohmann::json settings() const override;
  Trial generate_stimulus(const std::string& condition, std::mt19937_64& rng) const override;
  bool evaluate_trial(const torch::Tensor& out, const Trial& trial) const override;
  int64_t response_onset_step() const override { return s_.score_from_step; }
  double decision_threshold() const override { return s_.go_threshold; }
  /// The rate package's: from the end of the stimulus to the end of the trial.
  std::pair<int64_t, int64_t> target_window() const override {
    return {s_.stim_on + s_.stim_dur, s_.columns - 1};
  }

 private:
  GoNoGoSettings s_;
};

/// ±1 on input 0 over [stim_on, stim_on + stim_dur), then after `delay` ±1 on input 1 for stim_dur.
/// Label +1 when the two signs agree ("++", "--"), −1 otherwise. Correct:
/// max(out[score_from_step:]) > threshold for +1, min(...) < −threshold for −1. The defaults are
/// the rate package's XOR; dms_settings() has the DMS task's.
struct XorSettings {
  int64_t columns = 301, stim_on = 50, stim_dur = 50, delay = 10;
  int64_t score_from_step = 20000;
  double threshold = 0.7;
};
/// The keys and help of every XorSettings field (the task_settings of a config).
const SettingsTable<XorSettings>& xor_settings_table();

/// Delayed match-to-sample as Kim & Sejnowski (2021) train it (rkim35/wmRNN): the XOR layout with
/// a 0.15 s fixation, 0.25 s cue, 0.75 s delay, 0.25 s probe and 0.655 s after it (5 ms per
/// column: cue columns [30, 80), probe [230, 280), 411 columns), scored from 10 columns after the
/// probe to the end.
XorSettings dms_settings();

/// The XOR layout under a name: "xor" with XorSettings' defaults, "dms" with dms_settings()'. A
/// task_settings object is read over the name's defaults.
class XorTask : public AbstractSpikingTask {
 public:
  explicit XorTask(XorSettings settings = {}, std::string name = "xor");
  XorTask(const nlohmann::json& settings, std::string name);
  std::string name() const override { return name_; }
  int64_t n_inputs() const override { return 2; }
  int64_t columns() const override { return s_.columns; }
  std::vector<std::string> conditions() const override { return {"++", "+-", "-+", "--"}; }
  nlohmann::json settings() const override;
  Trial generate_stimulus(const std::string& condition, std::mt19937_64& rng) const override;
  bool evaluate_trial(const torch::Tensor& out, const Trial& trial) const override;
  int64_t response_onset_step() const override { return s_.score_from_step; }
  double decision_threshold() const override { return s_.threshold; }
  /// The rate package's: 100 outputs from 10 steps after the second stimulus.
  std::pair<int64_t, int64_t> target_window() const override {
    const int64_t first = s_.stim_on + 2 * s_.stim_dur + s_.delay + 10;
    return {std::min(first, s_.columns - 1), std::min(first + 100, s_.columns - 1)};
  }

 private:
  XorSettings s_;
  std::string name_;
};

/// Context-dependent integration as the rate package's ManteTask: over [stim_on, stim_on +
/// stim_dur) input 0 carries the context (+1 color, −1 motion), inputs 1 and 2 the color and motion
/// evidence (each uniform in ±input_range), input 3 stays 0. Label: sign of the relevant evidence.
/// Correct: max(out[score_from_step:]) > threshold for +1, min(...) < −threshold for −1.
struct ManteSettings {
  int64_t columns = 501, stim_on = 50, stim_dur = 200;
  double input_range = 1.25;
  int64_t score_from_step = 26000;
  double threshold = 0.7;
};
/// The keys and help of every ManteSettings field (the task_settings of a config).
const SettingsTable<ManteSettings>& mante_settings_table();

class ManteTask : public AbstractSpikingTask {
 public:
  explicit ManteTask(ManteSettings settings = {});
  explicit ManteTask(const nlohmann::json& settings);
  std::string name() const override { return "mante"; }
  int64_t n_inputs() const override { return 4; }
  int64_t columns() const override { return s_.columns; }
  std::vector<std::string> conditions() const override { return {"color", "motion"}; }
  nlohmann::json settings() const override;
  Trial generate_stimulus(const std::string& condition, std::mt19937_64& rng) const override;
  bool evaluate_trial(const torch::Tensor& out, const Trial& trial) const override;
  int64_t response_onset_step() const override { return s_.score_from_step; }
  double decision_threshold() const override { return s_.threshold; }
  std::vector<std::string> graded_inputs() const override { return {"color", "motion"}; }
  /// The rate package's: from the end of the stimulus to the end of the trial.
  std::pair<int64_t, int64_t> target_window() const override {
    return {s_.stim_on + s_.stim_dur, s_.columns - 1};
  }

 private:
  ManteSettings s_;
};

/// Context-dependent integration as the TensorFlow/MATLAB original trains and grid-searches it
/// (rkim35/spikeRNN `generate_input_stim_mante`, `lambda_grid_search.m`): inputs 0 and 1 carry
/// the motion and color evidence over [stim_on, stim_on + stim_dur), each column drawn
/// N(±evidence_offset, evidence_sd²) with the sign fixed per trial; inputs 2 and 3 are a one-hot
/// context (motion, color) held for the whole trial. Label: the sign of the relevant evidence.
/// Correct: max(out[score_from_step:]) > threshold for +1, min(...) < −threshold for −1.
struct ManteOriginalSettings {
  int64_t columns = 501, stim_on = 50, stim_dur = 200;
  double evidence_offset = 0.5, evidence_sd = 1.0;
  int64_t score_from_step = 26000;
  double threshold = 0.7;
};
/// The keys and help of every ManteOriginalSettings field (the task_settings of a config).
const SettingsTable<ManteOriginalSettings>& mante_original_settings_table();

class ManteOriginalTask : public AbstractSpikingTask {
 public:
  explicit ManteOriginalTask(ManteOriginalSettings settings = {});
  explicit ManteOriginalTask(const nlohmann::json& settings);
  std::string name() const override { return "mante-original"; }
  int64_t n_inputs() const override { return 4; }
  int64_t columns() const override { return s_.columns; }
  std::vector<std::string> conditions() const override { return {"motion", "color"}; }
  nlohmann::json settings() const override;
  Trial generate_stimulus(const std::string& condition, std::mt19937_64& rng) const override;
  bool evaluate_trial(const torch::Tensor& out, const Trial& trial) const override;
  int64_t response_onset_step() const override { return s_.score_from_step; }
  double decision_threshold() const override { return s_.threshold; }
  std::vector<std::string> graded_inputs() const override { return {"motion", "color"}; }
  /// The original's target: from the end of the stimulus to the end of the trial.
  std::pair<int64_t, int64_t> target_window() const override {
    return {s_.stim_on + s_.stim_dur, s_.columns - 1};
  }

 private:
  ManteOriginalSettings s_;
};

/// Whether a 4-input stimulus `u` has the original's Mante layout: inputs 2 and 3 a one-hot
/// context held for the whole trial (the port's layout keeps input 3 at zero). Used on the last
/// training stimulus that both the original and the port save with a model (`u`).
bool has_original_mante_layout(const torch::Tensor& u);

/// Scoring shared by the tasks: for label > 0, max(out[from:]) > threshold; otherwise
/// min(out[from:]) < −threshold.
bool signed_response_correct(const torch::Tensor& out, int64_t from, double label,
                             double threshold);

/// A uniform number in [0, 1) from 53 bits of `rng`: the same on every platform, unlike
/// std::uniform_real_distribution.
double uniform01(std::mt19937_64& rng);

}  // namespace spikernn
