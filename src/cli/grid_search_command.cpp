#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "cli_support.hpp"
#include "commands.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/grid_search_file.hpp"
#include "spikernn/io/mat_file.hpp"
#include "spikernn/io/model_file.hpp"
#include "spikernn/plots/figures.hpp"
#include "task_command.hpp"

namespace spikernn::cli {
namespace fs = std::filesystem;
namespace {

// grid-search's own settings, beside those every task command has.
struct GridSearchSetup {
  std::vector<double> scaling_factors = GridSearchSettings{}.factors();
  bool write_to_model = true;
  bool force = false;

  static std::vector<std::string> keys() { return {"scaling_factors", "write_to_model", "force"}; }
  void read(const CommandConfig& c) {
    c.read_scaling_factors("scaling_factors", scaling_factors);
    c.read("write_to_model", write_to_model);
    c.read("force", force);
  }
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

class GridSearchCommand : public TaskCommand {
 public:
  GridSearchCommand(TaskRunSettings s, GridSearchSetup setup, std::vector<std::string> files,
                    std::vector<RateModel> models)
      : setup_(std::move(setup)) {
    settings_ = std::move(s);
    models_ = std::move(files);
    GridSearchSettings o;
    o.scaling_factors = setup_.scaling_factors;
    o.task_type = settings_.task;
    o.task_settings = settings_.task_settings;
    o.n_trials_per_factor = settings_.trials;
    o.seed = settings_.seed;
    o.batch_size = settings_.batch_size;
    o.config = process_config();
    run_ = std::make_unique<TaskRun>(grid_search_run(std::move(models), o));
  }

  std::string name() const override { return "grid-search"; }

  nlohmann::json config() const override {
    nlohmann::json config = settings_;
    config["scaling_factors"] = setup_.scaling_factors;
    config["write_to_model"] = setup_.write_to_model;
    config["force"] = setup_.force;
    return config;
  }

  void prepare() override {
    if (!settings_.plots.empty()) require_plots();
    if (!setup_.write_to_model) return;
    for (const std::string& file : models_) {
      check_updatable(file);
      locks_.push_back(std::make_unique<ModelLock>(file));
    }
  }

  // A model's result goes into its file as soon as its units are done: an interrupted search of
  // a folder keeps what it finished, and resumes from there (folders skip searched models).
  void model_done(size_t m, const std::vector<UnitScores>& units) override {
    if (!setup_.write_to_model) return;
    store_grid_search_result(models_[m], grid_search_result(run(), units, m));
    stored_.push_back(models_[m]);
  }

  std::string written_when_interrupted() const override {
    if (stored_.empty()) return "nothing was written";
    return std::to_string(stored_.size()) + " of " + std::to_string(models_.size()) +
           " models hold their result, the others were left untouched";
  }

  void finish(const std::vector<UnitScores>& all, double seconds) override {
    std::vector<GridSearchResult> results = grid_search_results(run(), all);
    nlohmann::json entries = nlohmann::json::array();
    for (GridSearchResult& r : results) {
      r.seconds = seconds;
      if (setup_.write_to_model) {
        if (std::find(stored_.begin(), stored_.end(), r.model_path) == stored_.end())
          store_grid_search_result(r.model_path, r);
        r.written = true;
      }
      print_warnings(r.warnings);
      print_table(r);
      nlohmann::json entry = r;
      if (!settings_.plots.empty()) entry["plots"] = {plot_result(r, settings_.plots)};
      entries.push_back(entry);
    }
    if (!settings_.json.empty())
      write_text_file(settings_.json, nlohmann::json{{"spikernn_version", version()},
                                                     {"config", config()},
                                                     {"results", entries}}
                                          .dump(2));
  }

 private:
  GridSearchSetup setup_;
  std::vector<std::unique_ptr<ModelLock>> locks_;
  std::vector<std::string> stored_;  // the models whose result is in their file
};

}  // namespace

std::unique_ptr<TaskCommand> grid_search_command_from(const CommandConfig& config,
                                                      std::vector<std::string> models,
                                                      const std::string& json) {
  TaskRunSettings s = TaskRunFlags::read_config(config, GridSearchSettings{}.n_trials_per_factor);
  s.json = json;
  GridSearchSetup setup;
  setup.read(config);
  std::vector<RateModel> loaded;
  for (const std::string& file : models) loaded.push_back(load_rate_model(file));
  return std::make_unique<GridSearchCommand>(s, setup, std::move(models), std::move(loaded));
}

void add_grid_search_command(CLI::App& app) {
  struct Flags {
    TaskRunFlags run;
    std::string scaling_factors, shard;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "grid-search",
      "Find the scaling factor λ with the best task accuracy and store it in the model");
  f->run.add_to(*cmd, "Rate model (.mat), or a folder of them", "Trials per scaling factor",
                GridSearchSettings{}.n_trials_per_factor,
                "Folder for a PNG of accuracy against λ (created if needed)");
  auto* factors =
      cmd->add_option("--scaling-factors", f->scaling_factors,
                      "START:STOP:STEP (inclusive) or A,B,C (default " + default_grid() + ")");
  auto* no_write = cmd->add_flag("--no-write",
                                 "Leave the model file untouched (default: store "
                                 "opt_scaling_factor, all_perfs, scaling_factors)");
  auto* force_flag =
      cmd->add_flag("--force",
                    "With a folder: search again the models that already hold opt_scaling_factor "
                    "(default: skip them, as the MATLAB original does, so that an interrupted "
                    "search resumes)");
  auto* shard =
      cmd->add_option("--shard", f->shard,
                      "I/N: run the I-th of N parts of the units and write its scores to --json "
                      "(nothing into the models); `spikernn merge` combines the parts");

  // Settings are read and models loaded inside the maker: under mpirun each rank does it, and a
  // rank that fails there reports to rank 0 like one that fails later.
  cmd->callback([=] {
    InterruptGuard interrupt;
    execute(
        [&]() -> std::unique_ptr<TaskCommand> {
          GridSearchSetup setup;
          const TaskRunSettings s = f->run.resolve(GridSearchSetup::keys(),
                                                   [&](const CommandConfig& c) { setup.read(c); });
          if (force_flag->count()) setup.force = true;
          if (factors->count()) setup.scaling_factors = parse_scaling_factors(f->scaling_factors);
          if (no_write->count()) setup.write_to_model = false;
          if (!s.plots.empty()) require_plots();
          std::vector<std::string> files;
          std::vector<RateModel> models;
          for (const std::string& file : s.models) {
            RateModel model = load_rate_model(file);
            if (s.folder && setup.write_to_model && !setup.force && model.opt_scaling_factor) {
              std::printf(
                  "%s: skipped, it holds opt_scaling_factor = %g (--force searches it again)\n",
                  file.c_str(), *model.opt_scaling_factor);
              continue;
            }
            files.push_back(file);
            models.push_back(std::move(model));
          }
          if (models.empty()) {
            std::printf("every model of '%s' holds opt_scaling_factor already: nothing to search\n",
                        s.model.c_str());
            return nullptr;
          }
          return std::make_unique<GridSearchCommand>(s, setup, std::move(files), std::move(models));
        },
        shard->count() ? std::optional<std::string>(f->shard) : std::nullopt, &interrupt.flag());
  });
}

}  // namespace spikernn::cli
