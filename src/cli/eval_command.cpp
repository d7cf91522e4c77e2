#include <cmath>
#include <cstdio>
#include <filesystem>

#include "cli_support.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/plots/evaluate_task.hpp"

namespace spikernn::cli {
namespace {

struct EvalFlags {
  TaskRunFlags run;
  double scaling_factor = 0;
};

void print_metrics(const EvaluationResult& r) {
  std::printf("%s (%s, lambda = %g, %lld trials, seed %llu)\n", r.model_path.c_str(),
              r.task.c_str(), r.scaling_factor, static_cast<long long>(r.n_trials),
              static_cast<unsigned long long>(r.seed));
  std::printf("  overall accuracy      %.3f\n", r.performance.overall_accuracy);
  for (const auto& [condition, accuracy] : r.performance.condition_accuracy)
    std::printf("  %-21s %.3f (%lld trials)\n", (condition + " accuracy").c_str(), accuracy,
                static_cast<long long>(r.performance.condition_trials.at(condition)));
  if (!r.response_times.empty())
    std::printf(
        "  response time         %.1f ± %.1f ms after stimulus onset (%zu correct trials)\n",
        r.response_time_mean * 1000, r.response_time_sd * 1000, r.response_times.size());
  for (const auto& c : r.psychometric) {
    std::printf("  P(+1) vs %-6s in %-6s context:", c.input.c_str(), c.condition.c_str());
    for (size_t i = 0; i < c.input_level.size(); ++i)
      std::printf(" %+.2f:%.2f", c.input_level[i], c.fraction_positive[i]);
    std::printf("\n");
  }
  std::printf("  firing rate           exc %.2f Hz, inh %.2f Hz\n", r.exc_rate_hz, r.inh_rate_hz);
  std::printf("  correlation with rate network output: %.3f\n", r.rate_correlation);
  for (const auto& plot : r.plots) std::printf("  plot: %s\n", plot.c_str());
  std::printf("  %.1f s\n", r.seconds);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto f = std::make_shared<EvalFlags>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate the spiking network on a task");
  f->run.add_to(*cmd, "Rate model (.mat)", "Number of trials", EvaluationSettings{}.n_trials,
                "Folder for PNG plots (created if needed)");
  auto* lambda = cmd->add_option("--scaling-factor", f->scaling_factor,
                                 "λ (default: the model's opt_scaling_factor)");

  cmd->callback([=] {
    EvaluationOptions o;
    const TaskRunSettings s = f->run.resolve({"scaling_factor"}, [&](const CommandConfig& c) {
      c.read("scaling_factor", o.scaling_factor);
    });
    if (lambda->count()) o.scaling_factor = f->scaling_factor;
    if (o.scaling_factor && (!(*o.scaling_factor > 0) || !std::isfinite(*o.scaling_factor)))
      throw InvalidArgument(
          "--scaling-factor (or 'scaling_factor'): expected a positive, finite "
          "λ, found " +
          std::to_string(*o.scaling_factor));
    o.task = s.task;
    o.task_settings = s.task_settings;
    o.n_trials = s.trials;
    o.seed = s.seed;
    o.batch_size = s.batch_size;
    o.config = s.config;
    o.plots_dir = s.plots;

    InterruptGuard interrupt;
    o.cancel = &interrupt.flag();
    nlohmann::json results = nlohmann::json::array();
    for (const std::string& model : s.models) {
      o.model_path = model;
      ProgressBar progress("eval " + std::filesystem::path(model).filename().string(), s.trials);
      o.on_progress = [&](int64_t done, int64_t) { progress.update(done); };
      const EvaluationResult r = evaluate_task(o);
      progress.finish();
      print_warnings(r.warnings);
      print_metrics(r);
      results.push_back(r);
    }
    if (!s.json.empty()) {
      // One model: its result with the config (and the λ used); a folder: one entry per model,
      // as grid-search writes them.
      nlohmann::json config = s;
      if (!s.folder) config["scaling_factor"] = results.front()["scaling_factor"];
      if (s.folder && o.scaling_factor) config["scaling_factor"] = *o.scaling_factor;
      nlohmann::json j = !s.folder ? results.front() : nlohmann::json{{"results", results}};
      j["spikernn_version"] = version();
      j["config"] = config;
      write_text_file(s.json, j.dump(2));
    }
  });
}

}  // namespace spikernn::cli
