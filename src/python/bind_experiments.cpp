#include "python/bindings.hpp"
#include "python/json_text.hpp"
#include "python/run_interruptible.hpp"
#include "spikernn/core/dataset_analysis.hpp"
#include "spikernn/core/trial_dataset.hpp"
#include "spikernn/io/dataset_file.hpp"
#include "spikernn/io/model_file.hpp"
#include "spikernn/plots/analysis_figures.hpp"

namespace spikernn::python {
namespace {

// The dataset's variables under their file names (docs/experiments.md), tensors as they are.
py::dict dataset_dict(const TrialDataset& d) {
  py::dict r;
  r["spike_trial"] = d.spike_trial;
  r["spike_unit"] = d.spike_unit;
  r["spike_step"] = d.spike_step;
  r["n_trials"] = d.n_trials;
  r["N"] = d.N;
  r["n_steps"] = d.n_steps;
  r["dt"] = d.dt;
  r["condition"] = d.condition;
  r["conditions"] = d.conditions;
  r["labels"] = d.labels;
  r["correct"] = d.correct;
  r["out"] = d.out;
  r["exc"] = d.exc;
  r["inh"] = d.inh;
  r["config"] = dump_json(d.config);
  return r;
}

}  // namespace

void bind_experiments(py::module_& m) {
  m.def(
      "simulate_dataset",
      [](const std::string& model_path, const std::string& task, const std::string& task_settings,
         int64_t trials_per_condition, std::optional<double> scaling_factor, uint64_t seed,
         int64_t batch_size, const std::string& config_text, const std::string& output,
         const py::object& progress) {
        SpikingConfig config = task_run_config();
        from_json(parse_json(config_text, "config"), config);
        const TaskSetup setup = prepare_task_run(load_rate_model(model_path), task,
                                                 parse_json(task_settings, "task_settings"), config,
                                                 scaling_factor, seed);
        const int64_t total =
            trials_per_condition * static_cast<int64_t>(setup.task->conditions().size());
        const TrialDataset d = run_interruptible<TrialDataset>(
            [&](Progress on_progress, const std::atomic<bool>* cancel) {
              DatasetOptions o;
              o.trials_per_condition = trials_per_condition;
              o.run.seed = seed;
              o.run.batch_size = batch_size;
              o.run.on_progress = [&](int64_t done) { on_progress(done, total); };
              o.run.cancel = cancel;
              return simulate_dataset(setup, o, {{"model", model_path}});
            },
            progress);
        if (!output.empty()) write_dataset_file(output, d);
        return dataset_dict(d);
      },
      py::arg("model_path"), py::arg("task"), py::arg("task_settings"),
      py::arg("trials_per_condition"), py::arg("scaling_factor"), py::arg("seed"),
      py::arg("batch_size"), py::arg("config"), py::arg("output"), py::arg("progress"));
  m.def(
      "read_dataset", [](const std::string& path) { return dataset_dict(read_dataset_file(path)); },
      py::arg("path"));
  m.def(
      "analyze_dataset",
      [](const std::string& path, const std::string& settings_text, const std::string& plots_dir,
         const py::object& progress) {
        AnalysisSettings settings;
        analysis_settings_table().read(parse_json(settings_text, "analysis settings"), settings);
        const TrialDataset d = read_dataset_file(path);
        DatasetAnalysis a = run_interruptible<DatasetAnalysis>(
            [&](Progress on_progress, const std::atomic<bool>* cancel) {
              AnalysisSettings s = settings;
              s.on_progress = on_progress;
              s.cancel = cancel;
              return analyze_dataset(d, s);
            },
            progress);
        nlohmann::json j = a;
        if (!plots_dir.empty()) j["plots"] = write_analysis_figures(a, plots_dir, "analysis");
        return dump_json(j);
      },
      py::arg("path"), py::arg("settings"), py::arg("plots_dir"), py::arg("progress"));
}

}  // namespace spikernn::python
