#include <cmath>
#include <cstdio>

#include "cli_support.hpp"
#include "commands.hpp"
#include "spikernn/error.hpp"
#include "spikernn/evaluation.hpp"
#include "spikernn/output_files.hpp"
#include "spikernn/version.hpp"

namespace spikernn::cli {
namespace {

struct EvalFlags {
  std::string config, model, task, plots, json;
  double scaling_factor = 0;
  int64_t trials = 0, batch_size = 0;
  uint64_t seed = 0;
  EngineFlags engine;
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
  auto* config = cmd->add_option("--config", f->config,
                                 "JSON file with the settings below as snake_case keys (paths "
                                 "relative to it); flags override it");
  auto* model = cmd->add_option("--model", f->model, "Rate model (.mat)");
  auto* task = cmd->add_option("--task", f->task, "go-nogo, xor or mante (or a registered task)");
  auto* lambda = cmd->add_option("--scaling-factor", f->scaling_factor,
                                 "λ (default: the model's opt_scaling_factor)");
  auto* trials = cmd->add_option("--trials", f->trials, "Number of trials (default 100)");
  auto* seed = cmd->add_option("--seed", f->seed, "Random seed (default 0)");
  auto* batch = cmd->add_option("--batch-size", f->batch_size,
                                "Trials simulated together (default 25; results depend on it)");
  f->engine.add_to(*cmd);
  auto* plots = cmd->add_option("--plots", f->plots, "Folder for PNG plots (created if needed)");
  auto* json = cmd->add_option("--json", f->json, "Write the metrics as JSON to this file");

  cmd->callback([=] {
    EvaluationOptions o;
    std::string json_out;
    if (config->count()) {
      std::vector<std::string> keys = {"model",          "task",   "task_settings",
                                       "scaling_factor", "trials", "seed",
                                       "batch_size",     "plots",  "json"};
      keys.insert(keys.end(), EngineFlags::keys().begin(), EngineFlags::keys().end());
      const CommandConfig c = load_command_config(f->config, keys, {"model", "plots", "json"});
      c.read("model", o.model_path);
      c.read("task", o.task);
      c.read_object("task_settings", o.task_settings);
      c.read("scaling_factor", o.scaling_factor);
      c.read("trials", o.n_trials);
      c.read_seed("seed", o.seed);
      c.read_engine(o.config);
      c.read("batch_size", o.batch_size);
      c.read("plots", o.plots_dir);
      c.read("json", json_out);
    }
    if (model->count()) o.model_path = f->model;
    if (task->count()) o.task = f->task;
    if (lambda->count()) o.scaling_factor = f->scaling_factor;
    if (trials->count()) o.n_trials = f->trials;
    if (seed->count()) o.seed = f->seed;
    f->engine.apply(o.config);
    if (batch->count()) o.batch_size = f->batch_size;
    if (plots->count()) o.plots_dir = f->plots;
    if (json->count()) json_out = f->json;
    if (o.model_path.empty()) throw InvalidArgument("--model: required (or 'model' in --config)");
    if (o.scaling_factor && (!(*o.scaling_factor > 0) || !std::isfinite(*o.scaling_factor)))
      throw InvalidArgument(
          "--scaling-factor (or 'scaling_factor'): expected a positive, finite "
          "λ, found " +
          std::to_string(*o.scaling_factor));
    validate_spiking_config(o.config);
    if (!json_out.empty()) check_writable_destination(json_out);

    InterruptGuard interrupt;
    o.cancel = &interrupt.flag();
    const EvaluationResult r = evaluate_task(o);
    print_metrics(r);
    if (!json_out.empty()) {
      nlohmann::json j = r;
      j["spikernn_version"] = version();
      write_text_file(json_out, j.dump(2));
    }
  });
}

}  // namespace spikernn::cli
