#include "spikernn/core/tasks.hpp"
#include "task_settings.hpp"

namespace spikernn {

const SettingsTable<ManteSettings>& mante_settings_table() {
  using S = ManteSettings;
  static const SettingsTable<S> table = [] {
    SettingsTable<S> t("mante task settings");
    t.add("columns", &S::columns, "Stimulus columns of a trial (100 LIF steps each)")
        .add("stim_on", &S::stim_on, "First column of the stimulus")
        .add("stim_dur", &S::stim_dur, "Columns the stimulus lasts")
        .add("input_range", &S::input_range, "Evidence is uniform in ±input_range")
        .add("score_from_step", &S::score_from_step, "First LIF step of the scored window")
        .add("threshold", &S::threshold, "Decision threshold of the output (±)");
    return t;
  }();
  return table;
}

ManteTask::ManteTask(ManteSettings settings) : s_(settings) {
  check_window("mante", s_.columns, s_.stim_on, s_.stim_dur, s_.score_from_step);
  check_threshold("mante", "threshold", s_.threshold);
  check_threshold("mante", "input_range", s_.input_range);
}

ManteTask::ManteTask(const nlohmann::json& j)
    : ManteTask(read_settings(mante_settings_table(), j)) {}

nlohmann::json ManteTask::settings() const { return mante_settings_table().write(s_); }

Trial ManteTask::generate_stimulus(const std::string& condition, std::mt19937_64& rng) const {
  // The rate package's order of draws: color, motion, then the context.
  const double color = 2 * s_.input_range * (uniform01(rng) - 0.5);
  const double motion = 2 * s_.input_range * (uniform01(rng) - 0.5);
  std::string c = condition;
  if (c.empty()) c = uniform01(rng) < 0.5 ? "color" : "motion";
  check_condition(*this, c);
  const double relevant = c == "color" ? color : motion;
  Trial trial{torch::zeros({4, s_.columns}, torch::kFloat64),
              c,
              relevant > 0 ? 1.0 : -1.0,
              {{"color", color}, {"motion", motion}}};
  const auto window = [&](int64_t input) {
    return trial.u[input].slice(0, s_.stim_on, s_.stim_on + s_.stim_dur);
  };
  window(0).fill_(c == "color" ? 1.0 : -1.0);
  window(1).fill_(color);
  window(2).fill_(motion);
  return trial;
}

bool ManteTask::evaluate_trial(const torch::Tensor& out, const Trial& trial) const {
  return signed_response_correct(out, s_.score_from_step, trial.label, s_.threshold);
}

}  // namespace spikernn
