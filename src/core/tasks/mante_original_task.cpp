#include <cmath>

#include "spikernn/core/tasks.hpp"
#include "task_settings.hpp"

namespace spikernn {
namespace {

// A standard normal number by Box–Muller from two uniform01 draws: the same on every platform,
// unlike std::normal_distribution.
double standard_normal(std::mt19937_64& rng) {
  const double u1 = 1.0 - uniform01(rng);  // in (0, 1], so the log is finite
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace

const SettingsTable<ManteOriginalSettings>& mante_original_settings_table() {
  using S = ManteOriginalSettings;
  static const SettingsTable<S> table = [] {
    SettingsTable<S> t("mante-original task settings");
    t.add("columns", &S::columns, "Stimulus columns of a trial (100 LIF steps each)")
        .add("stim_on", &S::stim_on, "First column of the evidence")
        .add("stim_dur", &S::stim_dur, "Columns the evidence lasts")
        .add("evidence_offset", &S::evidence_offset, "Mean of the evidence: ±evidence_offset")
        .add("evidence_sd", &S::evidence_sd, "Standard deviation of the evidence per column")
        .add("score_from_step", &S::score_from_step, "First LIF step of the scored window")
        .add("threshold", &S::threshold, "Decision threshold of the output (±)");
    return t;
  }();
  return table;
}

ManteOriginalTask::ManteOriginalTask(ManteOriginalSettings settings) : s_(settings) {
  check_window("mante-original", s_.columns, s_.stim_on, s_.stim_dur, s_.score_from_step);
  check_threshold("mante-original", "threshold", s_.threshold);
  check_threshold("mante-original", "evidence_offset", s_.evidence_offset);
  if (!(s_.evidence_sd >= 0) || !std::isfinite(s_.evidence_sd))
    throw ConfigError(
        "mante-original task settings: key 'evidence_sd': expected a finite value "
        ">= 0, found " +
        std::to_string(s_.evidence_sd));
}

ManteOriginalTask::ManteOriginalTask(const nlohmann::json& j)
    : ManteOriginalTask(read_settings(mante_original_settings_table(), j)) {}

nlohmann::json ManteOriginalTask::settings() const {
  return mante_original_settings_table().write(s_);
}

Trial ManteOriginalTask::generate_stimulus(const std::string& condition,
                                           std::mt19937_64& rng) const {
  // The original's order of draws: motion's sign and samples, color's, then the context.
  Trial trial{torch::zeros({4, s_.columns}, torch::kFloat64), "", 0, {}};
  for (const auto& [row, name] : {std::pair{0, "motion"}, {1, "color"}}) {
    const double offset = uniform01(rng) <= 0.5 ? s_.evidence_offset : -s_.evidence_offset;
    trial.inputs[name] = offset;
    double* u = trial.u[row].data_ptr<double>();
    for (int64_t t = s_.stim_on; t < s_.stim_on + s_.stim_dur; ++t)
      u[t] = s_.evidence_sd * standard_normal(rng) + offset;
  }
  std::string c = condition;
  if (c.empty()) c = uniform01(rng) <= 0.5 ? "motion" : "color";
  check_condition(*this, c);
  trial.condition = c;
  trial.u[c == "motion" ? 2 : 3].fill_(1.0);  // the context, held for the whole trial
  trial.label = trial.inputs.at(c) > 0 ? 1.0 : -1.0;
  return trial;
}

bool ManteOriginalTask::evaluate_trial(const torch::Tensor& out, const Trial& trial) const {
  return signed_response_correct(out, s_.score_from_step, trial.label, s_.threshold);
}

bool has_original_mante_layout(const torch::Tensor& u) {
  if (!u.defined() || u.dim() != 2 || u.size(0) != 4 || u.size(1) < 1) return false;
  const torch::Tensor context = u.slice(0, 2, 4).to(torch::kFloat64);
  const bool binary = context.eq(0).logical_or(context.eq(1)).all().item<bool>();
  const bool one_hot = context.sum(0).eq(1).all().item<bool>();
  const bool held = context.eq(context.select(1, 0).unsqueeze(1)).all().item<bool>();
  return binary && one_hot && held;
}

}  // namespace spikernn
