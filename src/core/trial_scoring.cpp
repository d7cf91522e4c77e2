#include "trial_scoring.hpp"

#include <cmath>
#include <optional>

#include "spikernn/core/rate_network.hpp"
#include "spikernn/core/time_grid.hpp"

namespace spikernn {
namespace {

// Time (s) of the trial's first stimulus column; columns are kStepsPerColumn base steps apart.
// The first column where an input leaves its initial value: a context held for the whole trial
// (the original's Mante) is not a stimulus onset.
double onset_seconds(const Trial& trial, double base_dt) {
  const torch::Tensor active = trial.u.ne(trial.u.slice(1, 0, 1)).any(0).nonzero();
  return active.numel() == 0
             ? 0.0
             : active[0].item<double>() * static_cast<double>(kStepsPerColumn) * base_dt;
}

std::optional<double> crossing_time(const torch::Tensor& out, double sign, double threshold,
                                    double onset, double dt) {
  const int64_t first = static_cast<int64_t>(std::ceil(onset / dt));
  const torch::Tensor above = (out.slice(0, first) * sign).gt(threshold).nonzero();
  if (above.numel() == 0) return std::nullopt;
  return (first + above[0].item<int64_t>()) * dt - onset;
}

double pearson(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor x = a - a.mean(), y = b - b.mean();
  const double denominator = std::sqrt((x * x).sum().item<double>() * (y * y).sum().item<double>());
  return denominator > 0 ? (x * y).sum().item<double>() / denominator : std::nan("");
}

}  // namespace

TrialScore score_trial(const AbstractSpikingTask& task, const RateModel& model, const Trial& trial,
                       const torch::Tensor& out, const torch::Tensor& all_fr, Scoring scoring,
                       double dt) {
  TrialScore s;
  s.correct = task.evaluate_trial(out, trial);
  if (scoring == Scoring::accuracy) return s;
  s.choice = out.slice(0, task.response_onset_step()).mean().item<double>();
  if (trial.label != 0 && s.correct) {
    const auto t = crossing_time(out, trial.label > 0 ? 1.0 : -1.0, task.decision_threshold(),
                                 onset_seconds(trial, dt), dt);
    if (t) s.response_time = *t;
  }
  // The rate network's output o_k follows column k; the LIF output is compared at the last base
  // step of each column.
  const torch::Tensor rate = rate_network_output(model, trial.u);
  const torch::Tensor steps =
      torch::arange(1, rate.size(0) + 1, torch::kLong) * kStepsPerColumn - 1;
  s.rate_correlation = pearson(out.index_select(0, steps.clamp_max(out.size(0) - 1)), rate);
  s.exc_rate_hz = all_fr.index({model.exc}).mean().item<double>();
  if (model.inh.any().item<bool>()) s.inh_rate_hz = all_fr.index({model.inh}).mean().item<double>();
  return s;
}

}  // namespace spikernn
