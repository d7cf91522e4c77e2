#include "core/json_fields.hpp"
#include "spikernn/core/tasks.hpp"
#include "task_settings.hpp"

namespace spikernn {

ManteTask::ManteTask(ManteSettings settings) : s_(settings) {
  check_window("mante", s_.columns, s_.stim_on, s_.stim_dur, s_.score_from_step);
  check_threshold("mante", "threshold", s_.threshold);
  check_threshold("mante", "input_range", s_.input_range);
}

ManteTask::ManteTask(const nlohmann::json& j)
    : ManteTask([&] {
        json_fields::reject_unknown_keys(
            j, {"columns", "stim_on", "stim_dur", "input_range", "score_from_step", "threshold"},
            "mante task settings");
        ManteSettings s;
        json_fields::read(j, "columns", s.columns);
        json_fields::read(j, "stim_on", s.stim_on);
        json_fields::read(j, "stim_dur", s.stim_dur);
        json_fields::read(j, "input_range", s.input_range);
        json_fields::read(j, "score_from_step", s.score_from_step);
        json_fields::read(j, "threshold", s.threshold);
        return s;
      }()) {}

nlohmann::json ManteTask::settings() const {
  return {{"columns", s_.columns},
          {"stim_on", s_.stim_on},
          {"stim_dur", s_.stim_dur},
          {"input_range", s_.input_range},
          {"score_from_step", s_.score_from_step},
          {"threshold", s_.threshold}};
}

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
