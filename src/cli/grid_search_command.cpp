#include <csignal>
#include <cstdio>
#include <filesystem>

#include "cli_support.hpp"
#include "commands.hpp"
#include "spikernn/error.hpp"
#include "spikernn/grid_search.hpp"
#include "spikernn/json_fields.hpp"
#include "spikernn/output_files.hpp"
#include "spikernn/plots.hpp"
#include "spikernn/version.hpp"

namespace spikernn::cli {
namespace {

struct GridSearchFlags {
  std::string config, model, task, scaling_factors, json, plots;
  int64_t trials = 0, batch_size = 0;
  uint64_t seed = 0;
  bool no_write = false;
  EngineFlags engine;
};

void print_table(const GridSearchResult& r) {
  std::printf("%s (%s, %lld trials per factor, seed %llu)\n", r.model_path.c_str(), r.task.c_str(),
              static_cast<long long>(r.n_trials_per_factor),
              static_cast<unsigned long long>(r.seed));
  std::printf("%10s %10s", "lambda", "accuracy");
  for (const auto& [condition, acc] : r.condition_accuracy.front())
    std::printf(" %10s", condition.c_str());
  std::printf("\n");
  for (size_t k = 0; k < r.scaling_factors.size(); ++k) {
    std::printf("%10g %10.3f", r.scaling_factors[k], r.accuracy[k]);
    for (const auto& [condition, acc] : r.condition_accuracy[k]) std::printf(" %10.3f", acc);
    std::printf("%s\n", r.scaling_factors[k] == r.opt_scaling_factor ? "  <- optimum" : "");
  }
  std::printf("optimum: lambda = %g (accuracy %.3f); %.1f s; %s\n", r.opt_scaling_factor,
              r.best_accuracy, r.seconds,
              r.written ? "stored in the model file" : "model file left unchanged");
}

}  // namespace

void add_grid_search_command(CLI::App& app) {
  auto f = std::make_shared<GridSearchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "grid-search",
      "Find the scaling factor λ with the best task accuracy and store it in the model");
  auto* config = cmd->add_option("--config", f->config,
                                 "JSON file with the settings below as snake_case keys (paths "
                                 "relative to it); flags override it");
  auto* model = cmd->add_option("--model", f->model, "Rate model (.mat), or a folder of them");
  auto* task = cmd->add_option("--task", f->task, "go-nogo, xor or mante (or a registered task)");
  auto* trials = cmd->add_option("--trials", f->trials, "Trials per scaling factor (default 100)");
  auto* factors = cmd->add_option("--scaling-factors", f->scaling_factors,
                                  "START:STOP:STEP (inclusive) or A,B,C (default 20:75:5)");
  auto* seed = cmd->add_option("--seed", f->seed, "Random seed (default 0)");
  auto* batch = cmd->add_option("--batch-size", f->batch_size,
                                "Trials simulated together (default 25; results depend on it)");
  f->engine.add_to(*cmd);
  auto* no_write = cmd->add_flag("--no-write", f->no_write,
                                 "Leave the model file untouched (default: store "
                                 "opt_scaling_factor, all_perfs, scaling_factors)");
  auto* json = cmd->add_option("--json", f->json, "Write the results as JSON to this file");
  auto* plots = cmd->add_option("--plots", f->plots,
                                "Folder for a PNG of accuracy against λ (created if needed)");

  cmd->callback([=] {
    GridSearchOptions o;
    o.scaling_factors = parse_scaling_factors("20:75:5");
    o.n_trials_per_factor = 100;
    std::string json_out, plots_dir;
    if (config->count()) {
      std::vector<std::string> keys = {
          "model", "task",       "task_settings",  "trials", "scaling_factors",
          "seed",  "batch_size", "write_to_model", "json",   "plots"};
      keys.insert(keys.end(), EngineFlags::keys().begin(), EngineFlags::keys().end());
      const CommandConfig c = load_command_config(f->config, keys, {"model", "json", "plots"});
      c.read("model", o.model_path);
      c.read("task", o.task_type);
      c.read_object("task_settings", o.task_settings);
      c.read("trials", o.n_trials_per_factor);
      c.read_scaling_factors("scaling_factors", o.scaling_factors);
      c.read_seed("seed", o.seed);
      c.read_engine(o.config);
      c.read("batch_size", o.batch_size);
      c.read("write_to_model", o.write_to_model);
      c.read("json", json_out);
      c.read("plots", plots_dir);
    }
    if (model->count()) o.model_path = f->model;
    if (task->count()) o.task_type = f->task;
    if (trials->count()) o.n_trials_per_factor = f->trials;
    if (factors->count()) o.scaling_factors = parse_scaling_factors(f->scaling_factors);
    if (seed->count()) o.seed = f->seed;
    f->engine.apply(o.config);
    if (batch->count()) o.batch_size = f->batch_size;
    if (no_write->count()) o.write_to_model = false;
    if (json->count()) json_out = f->json;
    if (plots->count()) plots_dir = f->plots;
    if (o.model_path.empty()) throw InvalidArgument("--model: required (or 'model' in --config)");
    validate_spiking_config(o.config);
    if (!json_out.empty()) check_writable_destination(json_out);

    InterruptGuard interrupt;
    o.cancel = &interrupt.flag();
    std::vector<std::string> files = mat_files_in(o.model_path);
    nlohmann::json all = nlohmann::json::array();
    for (const std::string& file : files) {
      o.model_path = file;
      const GridSearchResult r = lambda_grid_search(o);
      print_table(r);
      nlohmann::json entry = r;
      if (!plots_dir.empty()) {
        std::filesystem::create_directories(plots_dir);
        const std::string stem = std::filesystem::path(file).stem().string();
        const std::string png =
            (std::filesystem::path(plots_dir) / (stem + "_grid_search.png")).string();
        plot_grid_search(png,
                         stem + ": accuracy against λ (" + r.task + ", " +
                             std::to_string(r.n_trials_per_factor) + " trials each)",
                         r.scaling_factors, r.accuracy, r.condition_accuracy);
        std::printf("plot: %s\n", png.c_str());
        entry["plots"] = {png};
      }
      all.push_back(entry);
    }
    if (!json_out.empty())
      write_text_file(json_out,
                      nlohmann::json{{"spikernn_version", version()}, {"results", all}}.dump(2));
  });
}

}  // namespace spikernn::cli
