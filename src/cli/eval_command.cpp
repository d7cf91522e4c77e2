#include <cmath>
#include <cstdio>
#include <filesystem>

#include "cli_support.hpp"
#include "commands.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/evaluation.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/model_file.hpp"
#include "spikernn/plots/evaluate_task.hpp"
#include "spikernn/plots/figures.hpp"
#include "task_command.hpp"

namespace spikernn::cli {
namespace fs = std::filesystem;
namespace {

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

// λ from --scaling-factor or the config's scaling_factor: positive and finite when given.
void check_scaling_factor(const std::optional<double>& lambda) {
  if (lambda && (!(*lambda > 0) || !std::isfinite(*lambda)))
    throw InvalidArgument(
        "--scaling-factor (or 'scaling_factor'): expected a positive, finite λ, found " +
        std::to_string(*lambda));
}

class EvalCommand : public TaskCommand {
 public:
  EvalCommand(TaskRunSettings s, std::optional<double> lambda, std::vector<std::string> files)
      : lambda_(lambda) {
    check_scaling_factor(lambda_);
    settings_ = std::move(s);
    models_ = std::move(files);
    EvaluationSettings o;
    o.task = settings_.task;
    o.task_settings = settings_.task_settings;
    o.scaling_factor = lambda_;
    o.n_trials = settings_.trials;
    o.seed = settings_.seed;
    o.batch_size = settings_.batch_size;
    o.config = process_config();
    o.keep_traces = !settings_.plots.empty();
    std::vector<RateModel> models;
    for (const std::string& file : models_) models.push_back(load_rate_model(file));
    run_ = std::make_unique<TaskRun>(evaluation_run(std::move(models), o));
  }

  std::string name() const override { return "eval"; }

  // One model: the λ it ran at; a folder: the one given, if any (else each model's own).
  nlohmann::json config() const override {
    nlohmann::json config = settings_;
    if (!settings_.folder) config["scaling_factor"] = run().factors(0).front();
    if (settings_.folder && lambda_) config["scaling_factor"] = *lambda_;
    return config;
  }

  void prepare() override {
    if (settings_.plots.empty()) return;
    require_plots();
    std::error_code ec;
    if (fs::exists(settings_.plots, ec) && !fs::is_directory(settings_.plots, ec))
      throw FileError("plots folder '" + settings_.plots + "': exists and is not a folder");
  }

  void finish(const std::vector<UnitScores>& all, double seconds) override {
    nlohmann::json results = nlohmann::json::array();
    for (EvaluationResult& r : evaluation_results(run(), all)) {
      r.seconds = seconds;
      if (!settings_.plots.empty())
        r.plots =
            write_evaluation_figures(r, settings_.plots, fs::path(r.model_path).stem().string());
      print_warnings(r.warnings);
      print_metrics(r);
      results.push_back(r);
    }
    if (settings_.json.empty()) return;
    // One model: its result with the config; a folder: one entry per model, as grid-search
    // writes them.
    nlohmann::json j = !settings_.folder ? results.front() : nlohmann::json{{"results", results}};
    j["spikernn_version"] = version();
    j["config"] = config();
    write_text_file(settings_.json, j.dump(2));
  }

 private:
  std::optional<double> lambda_;
};

}  // namespace

std::unique_ptr<TaskCommand> eval_command_from(const CommandConfig& config,
                                               std::vector<std::string> models,
                                               const std::string& json) {
  TaskRunSettings s = TaskRunFlags::read_config(config, EvaluationSettings{}.n_trials);
  s.json = json;
  s.folder = fs::is_directory(s.model);
  std::optional<double> lambda;
  config.read("scaling_factor", lambda);
  // A single model's config records the λ it ran at; a folder's only the one given.
  return std::make_unique<EvalCommand>(s, lambda, std::move(models));
}

void add_eval_command(CLI::App& app) {
  struct Flags {
    TaskRunFlags run;
    double scaling_factor = 0;
    std::string shard;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate the spiking network on a task");
  f->run.add_to(*cmd, "Rate model (.mat), or a folder of them", "Number of trials",
                EvaluationSettings{}.n_trials, "Folder for PNG plots (created if needed)");
  auto* lambda = cmd->add_option("--scaling-factor", f->scaling_factor,
                                 "λ (default: the model's opt_scaling_factor)");
  auto* shard =
      cmd->add_option("--shard", f->shard,
                      "I/N: run the I-th of N parts of the units and write its scores to --json; "
                      "`spikernn merge` combines the parts");

  // Inside the maker, as grid-search does: under mpirun every rank's errors reach rank 0.
  cmd->callback([=] {
    InterruptGuard interrupt;
    execute(
        [&] {
          std::optional<double> scaling_factor;
          const TaskRunSettings s = f->run.resolve({"scaling_factor"}, [&](const CommandConfig& c) {
            c.read("scaling_factor", scaling_factor);
          });
          if (lambda->count()) scaling_factor = f->scaling_factor;
          return std::make_unique<EvalCommand>(s, scaling_factor, s.models);
        },
        shard->count() ? std::optional<std::string>(f->shard) : std::nullopt, &interrupt.flag());
  });
}

}  // namespace spikernn::cli
