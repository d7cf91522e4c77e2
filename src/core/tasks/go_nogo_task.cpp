#include "spikernn/core/error.hpp"
#include "spikernn/core/tasks.hpp"
#include "task_settings.hpp"

namespace spikernn {

const SettingsTable<GoNoGoSettings>& go_nogo_settings_table() {
  using S = GoNoGoSettings;
  static const SettingsTable<S> table = [] {
    SettingsTable<S> t("go-nogo task settings");
    t.add("columns", &S::columns, "Stimulus columns of a trial (100 LIF steps each)")
        .add("stim_on", &S::stim_on, "First column of the Go stimulus")
        .add("stim_dur", &S::stim_dur, "Columns the Go stimulus lasts")
        .add("amplitude", &S::amplitude, "Value of u during the Go stimulus")
        .add("score_from_step", &S::score_from_step, "First LIF step of the scored window")
        .add("go_threshold", &S::go_threshold,
             "A Go trial is correct when the output rises above this")
        .add("nogo_threshold", &S::nogo_threshold,
             "A NoGo trial is correct when the output stays below this");
    return t;
  }();
  return table;
}

GoNoGoTask::GoNoGoTask(GoNoGoSettings settings) : s_(settings) {
  check_window("go-nogo", s_.columns, s_.stim_on, s_.stim_dur, s_.score_from_step);
  check_threshold("go-nogo", "go_threshold", s_.go_threshold);
  check_threshold("go-nogo", "nogo_threshold", s_.nogo_threshold);
}

GoNoGoTask::GoNoGoTask(const nlohmann::json& j)
    : GoNoGoTask(read_settings(go_nogo_settings_table(), j)) {}

nlohmann::json GoNoGoTask::settings() const { return go_nogo_settings_table().write(s_); }

Trial GoNoGoTask::generate_stimulus(const std::string& condition, std::mt19937_64& rng) const {
  // The original grid search's draw: Go when rand >= 0.5.
  const std::string c = condition.empty() ? (uniform01(rng) >= 0.5 ? "go" : "nogo") : condition;
  check_condition(*this, c);
  Trial trial{torch::zeros({1, s_.columns}, torch::kFloat64), c, c == "go" ? 1.0 : 0.0, {}};
  if (c == "go") trial.u.slice(1, s_.stim_on, s_.stim_on + s_.stim_dur).fill_(s_.amplitude);
  return trial;
}

bool GoNoGoTask::evaluate_trial(const torch::Tensor& out, const Trial& trial) const {
  const double peak =
      out.slice(0, std::min(s_.score_from_step, out.size(0) - 1)).max().item<double>();
  return trial.label > 0 ? peak > s_.go_threshold : peak < s_.nogo_threshold;
}

}  // namespace spikernn
