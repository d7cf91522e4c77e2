#include "spikernn/core/task.hpp"

#include <algorithm>
#include <mutex>

#include "spikernn/core/error.hpp"
#include "spikernn/core/tasks.hpp"
#include "spikernn/core/time_grid.hpp"

namespace spikernn {

std::vector<Trial> AbstractSpikingTask::sample_trials(int64_t n, std::mt19937_64& rng) const {
  std::vector<Trial> trials;
  trials.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) trials.push_back(generate_stimulus("", rng));
  return trials;
}

TaskPerformance AbstractSpikingTask::evaluate_performance(const torch::Tensor& outs,
                                                          const std::vector<Trial>& trials) const {
  if (outs.dim() != 2 || outs.size(0) != static_cast<int64_t>(trials.size()))
    throw InvalidArgument("evaluate_performance: expected one output row per trial (" +
                          std::to_string(trials.size()) + "), found shape " +
                          c10::str(outs.sizes()));
  std::vector<bool> correct;
  for (size_t i = 0; i < trials.size(); ++i)
    correct.push_back(evaluate_trial(outs[static_cast<int64_t>(i)], trials[i]));
  return performance_of(trials, correct);
}

TaskPerformance performance_of(const std::vector<Trial>& trials, const std::vector<bool>& correct) {
  if (correct.size() != trials.size())
    throw InvalidArgument("performance: expected one score per trial (" +
                          std::to_string(trials.size()) + "), found " +
                          std::to_string(correct.size()));
  TaskPerformance p;
  std::map<std::string, int64_t> right;
  int64_t total = 0;
  for (size_t i = 0; i < trials.size(); ++i) {
    total += correct[i];
    right[trials[i].condition] += correct[i];
    p.condition_trials[trials[i].condition] += 1;
  }
  p.overall_accuracy = trials.empty() ? 0.0 : static_cast<double>(total) / trials.size();
  for (const auto& [condition, n] : p.condition_trials)
    p.condition_accuracy[condition] = static_cast<double>(right[condition]) / n;
  return p;
}

std::pair<int64_t, int64_t> AbstractSpikingTask::target_window() const {
  return {std::min(response_onset_step() / kStepsPerColumn, columns() - 1), columns() - 1};
}

torch::Tensor AbstractSpikingTask::target(const Trial& trial) const {
  const auto [first, last] = target_window();
  torch::Tensor z = torch::zeros({columns() - 1}, torch::kFloat64);
  z.slice(0, first, last).fill_(trial.label);
  return z;
}

bool AbstractSpikingTask::rate_output_correct(const torch::Tensor& o, const Trial& trial,
                                              double threshold) const {
  const auto [first, last] = target_window();
  const torch::Tensor window = o.slice(0, first, last);
  if (window.numel() == 0) return false;
  if (trial.label > 0) return window.max().item<double>() > threshold;
  if (trial.label < 0) return window.min().item<double>() < -threshold;
  return window.abs().max().item<double>() < threshold;
}

bool signed_response_correct(const torch::Tensor& out, int64_t from, double label,
                             double threshold) {
  const torch::Tensor window = out.slice(0, std::min(from, out.size(0) - 1));
  return label > 0 ? window.max().item<double>() > threshold
                   : window.min().item<double>() < -threshold;
}

torch::Tensor outputs_at_base_step(const torch::Tensor& outs, int64_t downsample) {
  if (downsample < 1)
    throw InvalidArgument("downsample: expected an integer >= 1, found " +
                          std::to_string(downsample));
  return downsample == 1 ? outs : outs.repeat_interleave(downsample, -1);
}

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, TaskFactory> factories{
      {"go-nogo", [](const nlohmann::json& j) { return std::make_unique<GoNoGoTask>(j); }},
      {"xor", [](const nlohmann::json& j) { return std::make_unique<XorTask>(j, "xor"); }},
      {"dms", [](const nlohmann::json& j) { return std::make_unique<XorTask>(j, "dms"); }},
      {"mante", [](const nlohmann::json& j) { return std::make_unique<ManteTask>(j); }},
      {"mante-original",
       [](const nlohmann::json& j) { return std::make_unique<ManteOriginalTask>(j); }}};
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

void register_task(const std::string& name, TaskFactory factory) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  registry().factories[name] = std::move(factory);
}

std::unique_ptr<AbstractSpikingTask> make_task(const std::string& name,
                                               const nlohmann::json& settings) {
  TaskFactory factory;
  {
    // The port spells Go-NoGo "go_nogo" in its evaluation and "go-nogo" in its grid search: a
    // name not registered as written is looked up with its underscores as hyphens.
    std::string hyphenated = name;
    std::replace(hyphenated.begin(), hyphenated.end(), '_', '-');
    std::lock_guard<std::mutex> lock(registry().mutex);
    auto it = registry().factories.find(name);
    if (it == registry().factories.end()) it = registry().factories.find(hyphenated);
    if (it != registry().factories.end()) factory = it->second;
  }
  if (!factory) {
    std::string known;
    for (const auto& n : registered_tasks()) known += (known.empty() ? "" : ", ") + n;
    throw InvalidArgument("task '" + name + "': unknown (known tasks: " + known + ")");
  }
  return factory(settings);
}

std::vector<std::string> registered_tasks() {
  std::lock_guard<std::mutex> lock(registry().mutex);
  std::vector<std::string> names;
  for (const auto& item : registry().factories) names.push_back(item.first);
  return names;
}

}  // namespace spikernn
