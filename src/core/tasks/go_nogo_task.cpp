#include "core/json_fields.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/tasks.hpp"
#include "task_settings.hpp"

namespace spikernn {

GoNoGoTask::GoNoGoTask(GoNoGoSettings settings) : s_(settings) {
  check_window("go-nogo", s_.columns, s_.stim_on, s_.stim_dur, s_.score_from_step);
  check_threshold("go-nogo", "go_threshold", s_.go_threshold);
  check_threshold("go-nogo", "nogo_threshold", s_.nogo_threshold);
}

GoNoGoTask::GoNoGoTask(const nlohmann::json& j)
    : GoNoGoTask([&] {
        json_fields::reject_unknown_keys(j,
                                         {"columns", "stim_on", "stim_dur", "amplitude",
                                          "score_from_step", "go_threshold", "nogo_threshold"},
                                         "go-nogo task settings");
        GoNoGoSettings s;
        json_fields::read(j, "columns", s.columns);
        json_fields::read(j, "stim_on", s.stim_on);
        json_fields::read(j, "stim_dur", s.stim_dur);
        json_fields::read(j, "amplitude", s.amplitude);
        json_fields::read(j, "score_from_step", s.score_from_step);
        json_fields::read(j, "go_threshold", s.go_threshold);
        json_fields::read(j, "nogo_threshold", s.nogo_threshold);
        return s;
      }()) {}

nlohmann::json GoNoGoTask::settings() const {
  return {{"columns", s_.columns},
          {"stim_on", s_.stim_on},
          {"stim_dur", s_.stim_dur},
          {"amplitude", s_.amplitude},
          {"score_from_step", s_.score_from_step},
          {"go_threshold", s_.go_threshold},
          {"nogo_threshold", s_.nogo_threshold}};
}

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
