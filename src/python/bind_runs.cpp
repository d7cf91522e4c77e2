#include "python/bindings.hpp"
#include "python/json_text.hpp"
#include "python/run_interruptible.hpp"
#include "spikernn/core/rate_training.hpp"
#include "spikernn/core/task.hpp"
#include "spikernn/io/grid_search_file.hpp"
#include "spikernn/io/model_file.hpp"
#include "spikernn/plots/evaluate_task.hpp"

namespace spikernn::python {
namespace {

// `j[key]` into `field` when `j` has the key.
template <typename T>
void read_key(const nlohmann::json& j, const char* key, T& field) {
  if (j.contains(key)) field = j.at(key).get<T>();
}

// The run's settings (the Python keywords that were given) onto the library's defaults; the
// `config` keys go onto the run's config, so that those not given keep their values (fast noise).
void settings_from(GridSearchSettings& s, const nlohmann::json& j) {
  read_key(j, "scaling_range", s.scaling_range);
  read_key(j, "scaling_step", s.scaling_step);
  read_key(j, "scaling_factors", s.scaling_factors);
  read_key(j, "n_trials_per_factor", s.n_trials_per_factor);
  read_key(j, "task_type", s.task_type);
  read_key(j, "task_settings", s.task_settings);
  read_key(j, "parallel", s.parallel);
  read_key(j, "seed", s.seed);
  read_key(j, "batch_size", s.batch_size);
  if (j.contains("config")) from_json(j.at("config"), s.config);
}

void settings_from(EvaluationSettings& s, const nlohmann::json& j) {
  read_key(j, "task", s.task);
  read_key(j, "task_settings", s.task_settings);
  if (j.contains("scaling_factor")) s.scaling_factor = j.at("scaling_factor").get<double>();
  read_key(j, "n_trials", s.n_trials);
  read_key(j, "seed", s.seed);
  read_key(j, "batch_size", s.batch_size);
  read_key(j, "parallel", s.parallel);
  if (j.contains("config")) from_json(j.at("config"), s.config);
}

// Settings from JSON text onto `s`; a value of the wrong type is an InvalidArgument naming it.
template <typename Settings>
void apply(Settings& s, const std::string& text, const std::string& what) {
  try {
    settings_from(s, parse_json(text, what));
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument(what + ": " + e.what());
  }
}

// A grid search or an evaluation with `settings` applied to `o`, run by `run` with progress and
// Ctrl-C, its result as JSON text.
template <typename Options, typename Run>
std::string run_with(Options o, const std::string& settings, const std::string& what, Run run,
                     const py::object& progress) {
  apply(o, settings, what);
  using Result = decltype(run(o));
  const Result r = run_interruptible<Result>(
      [&](Progress on_progress, const std::atomic<bool>* cancel) {
        Options with = o;
        with.on_progress = std::move(on_progress);
        with.cancel = cancel;
        return run(with);
      },
      progress);
  return dump_json(r);
}

std::string evaluate_with(const EvaluationOptions& o, const std::string& settings,
                          const py::object& progress) {
  return run_with(
      o, settings, "evaluation settings",
      [](const EvaluationOptions& with) { return evaluate_task(with); }, progress);
}

}  // namespace

void bind_runs(py::module_& m) {
  m.def(
      "grid_search",
      [](const std::string& model_path, const std::string& settings, bool write_to_model,
         const py::object& progress) {
        GridSearchOptions o;
        o.model_path = model_path;
        o.write_to_model = write_to_model;
        return run_with(
            o, settings, "grid search settings",
            [](const GridSearchOptions& with) { return lambda_grid_search(with); }, progress);
      },
      py::arg("model_path"), py::arg("settings"), py::arg("write_to_model"), py::arg("progress"));
  m.def(
      "evaluate",
      [](const std::string& model_path, const std::string& plots_dir, const std::string& settings,
         const py::object& progress) {
        EvaluationOptions o;
        o.model_path = model_path;
        o.plots_dir = plots_dir;
        return evaluate_with(o, settings, progress);
      },
      py::arg("model_path"), py::arg("plots_dir"), py::arg("settings"), py::arg("progress"));
  m.def(
      "evaluate_port_form",
      [](const std::string& task_name, const std::string& model_dir,
         std::optional<double> optimal_scaling_factor, const std::string& task_settings,
         bool save_plots, const std::string& settings, const py::object& progress) {
        return evaluate_with(
            port_evaluation_options(task_name, model_dir, optimal_scaling_factor,
                                    parse_json(task_settings, "task_settings"), save_plots),
            settings, progress);
      },
      py::arg("task_name"), py::arg("model_dir"), py::arg("optimal_scaling_factor"),
      py::arg("task_settings"), py::arg("save_plots"), py::arg("settings"), py::arg("progress"));
  m.def(
      "eval_go_nogo",
      [](const std::string& model_path, double scaling_factor, int64_t n_trials, bool plot_results,
         const std::string& settings, const py::object& progress) {
        return evaluate_with(
            eval_go_nogo_options(model_path, scaling_factor, n_trials, plot_results), settings,
            progress);
      },
      py::arg("model_path"), py::arg("scaling_factor"), py::arg("n_trials"),
      py::arg("plot_results"), py::arg("settings"), py::arg("progress"));
  m.def(
      "train_rate_rnn",
      [](const std::string& output, const std::string& settings, const py::object& progress) {
        TrainingOptions o;
        training_options_table().read(parse_json(settings, "training settings"), o);
        const TrainingResult r = run_interruptible<TrainingResult>(
            [&](Progress on_progress, const std::atomic<bool>* cancel) {
              TrainingOptions run = o;
              run.on_evaluation = [&](int64_t trial, double, double) {
                on_progress(trial, run.n_trials);
              };
              run.cancel = cancel;
              return train_rate_rnn(run);
            },
            progress);
        save_trained_model(r, output);
        nlohmann::json j = {{"model", output},
                            {"task", r.task},
                            {"success", r.success},
                            {"trials", r.trials},
                            {"eval_accuracy", r.eval_accuracy},
                            {"eval_loss", r.eval_loss},
                            {"losses", r.losses},
                            {"seconds", r.seconds},
                            {"settings", training_options_table().write(r.options)}};
        return dump_json(j);
      },
      py::arg("output"), py::arg("settings"), py::arg("progress"));
  m.def("model_files", &mat_files_in, py::arg("path"));
}

}  // namespace spikernn::python
