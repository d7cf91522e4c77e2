#include "spikernn/core/tasks.hpp"
#include "task_settings.hpp"

namespace spikernn {

const SettingsTable<XorSettings>& xor_settings_table() {
  using S = XorSettings;
  static const SettingsTable<S> table = [] {
    SettingsTable<S> t("xor task settings");
    t.add("columns", &S::columns, "Stimulus columns of a trial (100 LIF steps each)")
        .add("stim_on", &S::stim_on, "First column of the first pulse")
        .add("stim_dur", &S::stim_dur, "Columns each pulse lasts")
        .add("delay", &S::delay, "Columns between the two pulses")
        .add("score_from_step", &S::score_from_step, "First LIF step of the scored window")
        .add("threshold", &S::threshold, "Decision threshold of the output (±)");
    return t;
  }();
  return table;
}

XorSettings dms_settings() {
  XorSettings s;
  s.columns = 411;
  s.stim_on = 30;
  s.stim_dur = 50;
  s.delay = 150;
  s.score_from_step = (30 + 2 * 50 + 150 + 10) * kStepsPerColumn;
  return s;
}

XorTask::XorTask(XorSettings settings, std::string name) : s_(settings), name_(std::move(name)) {
  if (s_.delay < 0)
    throw ConfigError(name_ + " task settings: key 'delay': expected >= 0, found " +
                      std::to_string(s_.delay));
  check_columns(name_, s_.columns);
  // Each part within the trial before they are added, so that the sum cannot overflow.
  const bool parts_fit =
      s_.stim_dur >= 1 && s_.stim_dur <= s_.columns && s_.delay >= 0 && s_.delay <= s_.columns;
  check_window(name_, s_.columns, s_.stim_on, parts_fit ? 2 * s_.stim_dur + s_.delay : 0,
               s_.score_from_step);
  check_threshold(name_, "threshold", s_.threshold);
}

XorTask::XorTask(const nlohmann::json& j, std::string name)
    : XorTask(read_settings(xor_settings_table(), j, name == "dms" ? dms_settings() : XorSettings{},
                            name + " task settings"),
              name) {}

nlohmann::json XorTask::settings() const { return xor_settings_table().write(s_); }

Trial XorTask::generate_stimulus(const std::string& condition, std::mt19937_64& rng) const {
  std::string c = condition;
  if (c.empty()) {
    // The original grid search's draws: each input +1 when rand >= 0.5.
    c += uniform01(rng) >= 0.5 ? '+' : '-';
    c += uniform01(rng) >= 0.5 ? '+' : '-';
  }
  check_condition(*this, c);
  const double first = c[0] == '+' ? 1.0 : -1.0, second = c[1] == '+' ? 1.0 : -1.0;
  Trial trial{torch::zeros({2, s_.columns}, torch::kFloat64),
              c,
              first * second,
              {{"first", first}, {"second", second}}};
  const int64_t second_on = s_.stim_on + s_.stim_dur + s_.delay;
  trial.u[0].slice(0, s_.stim_on, s_.stim_on + s_.stim_dur).fill_(first);
  trial.u[1].slice(0, second_on, second_on + s_.stim_dur).fill_(second);
  return trial;
}

bool XorTask::evaluate_trial(const torch::Tensor& out, const Trial& trial) const {
  return signed_response_correct(out, s_.score_from_step, trial.label, s_.threshold);
}

}  // namespace spikernn
