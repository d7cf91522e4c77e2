#include <cstdio>
#include <filesystem>

#include "cli_support.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "spikernn/core/trial_runner.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/grid_search_file.hpp"
#include "spikernn/io/model_file.hpp"
#include "spikernn/plots/figures.hpp"

namespace spikernn::cli {
namespace fs = std::filesystem;
namespace {

struct GridSearchFlags {
  TaskRunFlags run;
  std::string scaling_factors;
  bool no_write = false;
};

// The library's default grid as START:STOP:STEP.
std::string default_grid() {
  const GridSearchSettings d;
  return c10::str(d.scaling_range.first, ":", d.scaling_range.second, ":", d.scaling_step);
}

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

std::string plot_result(const GridSearchResult& r, const std::string& folder) {
  fs::create_directories(folder);
  const std::string stem = fs::path(r.model_path).stem().string();
  const std::string png = (fs::path(folder) / (stem + "_grid_search.png")).string();
  plot_grid_search(png,
                   stem + ": accuracy against λ (" + r.task + ", " +
                       std::to_string(r.n_trials_per_factor) + " trials each)",
                   r.scaling_factors, r.accuracy, r.condition_accuracy);
  std::printf("plot: %s\n", png.c_str());
  return png;
}

}  // namespace

void add_grid_search_command(CLI::App& app) {
  auto f = std::make_shared<GridSearchFlags>();
  CLI::App* cmd = app.add_subcommand(
      "grid-search",
      "Find the scaling factor λ with the best task accuracy and store it in the model");
  f->run.add_to(*cmd, "Rate model (.mat), or a folder of them", "Trials per scaling factor",
                GridSearchSettings{}.n_trials_per_factor,
                "Folder for a PNG of accuracy against λ (created if needed)");
  auto* factors =
      cmd->add_option("--scaling-factors", f->scaling_factors,
                      "START:STOP:STEP (inclusive) or A,B,C (default " + default_grid() + ")");
  auto* no_write = cmd->add_flag("--no-write", f->no_write,
                                 "Leave the model file untouched (default: store "
                                 "opt_scaling_factor, all_perfs, scaling_factors)");
  auto* force_flag =
      cmd->add_flag("--force",
                    "With a folder: search again the models that already hold opt_scaling_factor "
                    "(default: skip them, as the MATLAB original does, so that an interrupted "
                    "search resumes)");

  cmd->callback([=] {
    GridSearchOptions o;
    o.scaling_factors = o.factors();
    bool force = false;
    const TaskRunSettings s =
        f->run.resolve({"scaling_factors", "write_to_model", "force"}, [&](const CommandConfig& c) {
          c.read_scaling_factors("scaling_factors", o.scaling_factors);
          c.read("write_to_model", o.write_to_model);
          c.read("force", force);
        });
    if (force_flag->count()) force = true;
    if (factors->count()) o.scaling_factors = parse_scaling_factors(f->scaling_factors);
    if (no_write->count()) o.write_to_model = false;
    o.task_type = s.task;
    o.task_settings = s.task_settings;
    o.n_trials_per_factor = s.trials;
    o.seed = s.seed;
    o.batch_size = s.batch_size;
    o.config = s.config;

    if (!s.plots.empty()) require_plots();
    InterruptGuard interrupt;
    o.cancel = &interrupt.flag();
    nlohmann::json all = nlohmann::json::array();
    std::vector<std::string> files;
    for (const std::string& file : s.models) {
      const RateModel model = load_rate_model(file);
      if (s.folder && o.write_to_model && !force && model.opt_scaling_factor) {
        std::printf("%s: skipped, it holds opt_scaling_factor = %g (--force searches it again)\n",
                    file.c_str(), *model.opt_scaling_factor);
        continue;
      }
      // Every file of a folder is checked against the task first, so that a misfit does not
      // stop the run after the searches before it.
      if (s.folder) prepare_task_run(model, s.task, s.task_settings, s.config, 1.0);
      files.push_back(file);
    }
    for (const std::string& file : files) {
      o.model_path = file;
      ProgressBar progress("grid search " + fs::path(file).filename().string(),
                           s.trials * static_cast<int64_t>(o.factors().size()));
      o.on_progress = [&](int64_t done, int64_t) { progress.update(done); };
      const GridSearchResult r = lambda_grid_search(o);
      progress.finish();
      print_warnings(r.warnings);
      print_table(r);
      nlohmann::json entry = r;
      if (!s.plots.empty()) entry["plots"] = {plot_result(r, s.plots)};
      all.push_back(entry);
    }
    if (!s.json.empty()) {
      nlohmann::json config = s;
      config["scaling_factors"] = o.scaling_factors;
      config["write_to_model"] = o.write_to_model;
      config["force"] = force;
      write_text_file(
          s.json,
          nlohmann::json{{"spikernn_version", version()}, {"config", config}, {"results", all}}
              .dump(2));
    }
  });
}

}  // namespace spikernn::cli
