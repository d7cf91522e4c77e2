// The per-trial half of an evaluation: what a unit measures of each trial it simulates.
#pragma once

#include <torch/torch.h>

#include "spikernn/core/rate_model.hpp"
#include "spikernn/core/task.hpp"
#include "spikernn/core/task_run.hpp"

namespace spikernn {

// `out`: the trial's output at the base step (dt), `all_fr`: its N firing rates (undefined for
// Scoring::accuracy).
TrialScore score_trial(const AbstractSpikingTask& task, const RateModel& model, const Trial& trial,
                       const torch::Tensor& out, const torch::Tensor& all_fr, Scoring scoring,
                       double dt);

}  // namespace spikernn
