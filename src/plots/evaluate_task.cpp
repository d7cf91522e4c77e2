#include "spikernn/plots/evaluate_task.hpp"

#include <filesystem>

#include "spikernn/core/error.hpp"
#include "spikernn/io/grid_search_file.hpp"
#include "spikernn/io/model_file.hpp"
#include "spikernn/plots/figures.hpp"

namespace spikernn {
namespace fs = std::filesystem;

std::vector<std::string> write_evaluation_figures(const EvaluationResult& r,
                                                  const std::string& folder,
                                                  const std::string& stem) {
  if (!r.outputs.defined())
    throw InvalidArgument("evaluation figures: the result holds no traces (run with keep_traces)");
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder))
    throw FileError("plots folder '" + folder + "': cannot create it" +
                    (ec ? " (" + ec.message() + ")" : std::string(": exists and is not a folder")));
  const std::string tag = r.task + ", λ = " + c10::str(r.scaling_factor);
  std::map<std::string, std::vector<int64_t>> rows;
  for (size_t i = 0; i < r.trial_conditions.size(); ++i)
    rows[r.trial_conditions[i]].push_back(static_cast<int64_t>(i));
  std::map<std::string, torch::Tensor> by_condition;
  for (const auto& [condition, index] : rows)
    by_condition[condition] = r.outputs.index_select(0, torch::tensor(index));

  std::vector<std::string> written;
  const std::string outputs = (fs::path(folder) / (stem + "_outputs.png")).string();
  plot_condition_outputs(outputs, stem + ": output, mean ± SD (" + tag + ")", by_condition, r.dt);
  written.push_back(outputs);
  for (const auto& [condition, spikes] : r.example_spikes) {
    const std::string raster =
        (fs::path(folder) / (stem + "_raster_" + condition + ".png")).string();
    plot_spike_raster(raster, stem + ": spikes, " + condition + " trial (" + tag + ")", spikes,
                      r.exc, r.dt);
    written.push_back(raster);
  }
  return written;
}

EvaluationResult evaluate_task(const EvaluationOptions& options) {
  if (!options.plots_dir.empty()) {
    require_plots();
    std::error_code ec;
    if (fs::exists(options.plots_dir, ec) && !fs::is_directory(options.plots_dir, ec))
      throw FileError("plots folder '" + options.plots_dir + "': exists and is not a folder");
  }
  EvaluationSettings settings = options;
  settings.keep_traces = !options.plots_dir.empty();
  EvaluationResult r = evaluate_task(load_rate_model(options.model_path), settings);
  if (!options.plots_dir.empty())
    r.plots = write_evaluation_figures(r, options.plots_dir,
                                       fs::path(options.model_path).stem().string());
  return r;
}

EvaluationOptions port_evaluation_options(const std::string& task_name,
                                          const std::string& model_dir,
                                          std::optional<double> optimal_scaling_factor,
                                          const nlohmann::json& task_settings, bool save_plots) {
  EvaluationOptions o;
  o.task = task_name;
  o.model_path = mat_files_in(model_dir).front();
  o.scaling_factor = optimal_scaling_factor;
  o.task_settings = task_settings;
  if (save_plots) o.plots_dir = (fs::path(o.model_path).parent_path() / "plots").string();
  return o;
}

EvaluationResult evaluate_task(const std::string& task_name, const std::string& model_dir,
                               std::optional<double> optimal_scaling_factor,
                               const nlohmann::json& task_settings, bool save_plots) {
  return evaluate_task(port_evaluation_options(task_name, model_dir, optimal_scaling_factor,
                                               task_settings, save_plots));
}

EvaluationOptions eval_go_nogo_options(const std::string& model_path, double scaling_factor,
                                       int64_t n_trials, bool plot_results) {
  EvaluationOptions o;
  o.model_path = model_path;
  o.scaling_factor = scaling_factor;
  o.n_trials = n_trials;
  if (plot_results)
    o.plots_dir =
        (fs::path(model_path).parent_path() / (fs::path(model_path).stem().string() + "_plots"))
            .string();
  return o;
}

EvaluationResult eval_go_nogo(const std::string& model_path, double scaling_factor,
                              int64_t n_trials, bool plot_results) {
  return evaluate_task(eval_go_nogo_options(model_path, scaling_factor, n_trials, plot_results));
}

}  // namespace spikernn
