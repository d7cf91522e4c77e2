// `spikernn dataset`: K trials of every condition of a task on one converted model, written as a
// MAT v7.3 trial dataset (spikernn/io/dataset_file.hpp) for `spikernn analyze`, MATLAB or h5py.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "cli_support.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/trial_dataset.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/dataset_file.hpp"
#include "spikernn/io/model_file.hpp"

namespace spikernn::cli {
namespace {

struct DatasetRun {
  std::string model, task = "go-nogo", output;
  nlohmann::json task_settings = nlohmann::json::object();
  int64_t trials_per_condition = 100, batch_size = kDefaultBatchSize;
  uint64_t seed = 0;
  std::optional<double> scaling_factor;
  SpikingConfig config = task_run_config();
};

void run_dataset(const DatasetRun& r, const std::atomic<bool>& cancel) {
  if (r.model.empty()) throw InvalidArgument("--model: required (or 'model' in --config)");
  if (r.output.empty()) throw InvalidArgument("--output: required (or 'output' in --config)");
  if (r.scaling_factor && !(*r.scaling_factor > 0 && std::isfinite(*r.scaling_factor)))
    throw InvalidArgument("--scaling-factor: expected a positive, finite λ, found " +
                          std::to_string(*r.scaling_factor));
  check_writable_destination(r.output);
  const auto start = std::chrono::steady_clock::now();
  const TaskSetup setup = prepare_task_run(load_rate_model(r.model), r.task, r.task_settings,
                                           r.config, r.scaling_factor, r.seed);
  print_warnings(setup.network->warnings());
  const int64_t total =
      r.trials_per_condition * static_cast<int64_t>(setup.task->conditions().size());
  ProgressBar progress("dataset", total);
  DatasetOptions o;
  o.trials_per_condition = r.trials_per_condition;
  o.run.seed = r.seed;
  o.run.batch_size = r.batch_size;
  o.run.on_progress = [&](int64_t done) { progress.update(done); };
  o.run.cancel = &cancel;
  const TrialDataset d = simulate_dataset(setup, o, {{"model", absolute_path(r.model)}});
  progress.finish();
  write_dataset_file(r.output, d);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%s: %lld trials (%zu conditions × %lld), %lld units, %lld steps, %lld spikes, "
      "accuracy %.3f, %.1f s\n",
      r.output.c_str(), static_cast<long long>(d.n_trials), d.conditions.size(),
      static_cast<long long>(r.trials_per_condition), static_cast<long long>(d.N),
      static_cast<long long>(d.n_steps), static_cast<long long>(d.spike_trial.numel()),
      d.correct.to(torch::kDouble).mean().item<double>(), seconds);
}

}  // namespace

void add_dataset_command(CLI::App& app) {
  struct Flags {
    std::string config, model, task, output;
    std::vector<std::string> task_setting;
    int64_t trials = 0, batch_size = 0;
    uint64_t seed = 0;
    double scaling_factor = 0;
    NetworkFlags network;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "dataset",
      "Simulate K trials of every condition of a task and write them as a MAT v7.3 "
      "trial dataset");
  cmd->add_option("--config", f->config,
                  "JSON file with the settings below as snake_case keys (paths relative to it); "
                  "flags override it");
  auto* model = cmd->add_option("--model", f->model, "Rate model (.mat)");
  auto* task = cmd->add_option("--task", f->task, "go-nogo (default), xor, dms, mante, ...");
  cmd->add_option("--task-setting", f->task_setting,
                  "KEY=VALUE for the task's settings (repeatable; over the config's "
                  "task_settings), for example delay=100");
  auto* trials = cmd->add_option("--trials-per-condition", f->trials,
                                 "Trials of each condition (default 100)");
  auto* lambda = cmd->add_option("--scaling-factor", f->scaling_factor,
                                 "λ (default: the model's opt_scaling_factor)");
  auto* seed = add_seed_option(*cmd, f->seed, "Random seed (default 0)");
  auto* batch = cmd->add_option("--batch-size", f->batch_size,
                                "Trials simulated together (default " +
                                    std::to_string(kDefaultBatchSize) + "; results depend on it)");
  f->network.add_to(*cmd, task_run_config());
  auto* output = cmd->add_option("--output", f->output, "The dataset file to write (.mat)");

  cmd->callback([=] {
    InterruptGuard interrupt;
    DatasetRun r;
    if (!f->config.empty()) {
      std::vector<std::string> keys = {
          "model",          "task", "task_settings", "trials_per_condition",
          "scaling_factor", "seed", "batch_size",    "output"};
      keys.insert(keys.end(), NetworkFlags::keys().begin(), NetworkFlags::keys().end());
      const CommandConfig c = load_command_config(f->config, keys, {"model", "output"});
      c.read("model", r.model);
      c.read("task", r.task);
      c.read_object("task_settings", r.task_settings);
      c.read("trials_per_condition", r.trials_per_condition);
      c.read("scaling_factor", r.scaling_factor);
      c.read_seed("seed", r.seed);
      c.read("batch_size", r.batch_size);
      c.read("output", r.output);
      c.read_network(r.config);
    }
    if (model->count()) r.model = f->model;
    if (task->count()) r.task = f->task;
    for (const std::string& s : f->task_setting) add_task_setting(s, r.task_settings);
    if (trials->count()) r.trials_per_condition = f->trials;
    if (lambda->count()) r.scaling_factor = f->scaling_factor;
    if (seed->count()) r.seed = f->seed;
    if (batch->count()) r.batch_size = f->batch_size;
    if (output->count()) r.output = f->output;
    f->network.apply(r.config);
    validate_spiking_config(r.config);
    run_dataset(r, interrupt.flag());
  });
}

}  // namespace spikernn::cli
