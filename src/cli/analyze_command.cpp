// `spikernn analyze`: the timescales, Fano factor, cross-temporal decoding and PSTHs of a trial
// dataset (docs/analysis.md), as JSON and figures.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "cli_support.hpp"
#include "commands.hpp"
#include "spikernn/core/dataset_analysis.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/dataset_file.hpp"
#include "spikernn/plots/analysis_figures.hpp"
#include "spikernn/plots/figures.hpp"

namespace spikernn::cli {
namespace fs = std::filesystem;
namespace {

// "A:B" (or "A,B") seconds as [A, B]; the range itself is checked with the other settings.
std::vector<double> parse_window(const std::string& text) {
  const size_t colon = text.find_first_of(":,");
  std::vector<double> window;
  try {
    size_t used_a = 0, used_b = 0;
    if (colon != std::string::npos) {
      window.push_back(std::stod(text.substr(0, colon), &used_a));
      window.push_back(std::stod(text.substr(colon + 1), &used_b));
    }
    if (window.size() == 2 && used_a == colon && used_b == text.size() - colon - 1) return window;
  } catch (const std::exception&) {
  }
  throw InvalidArgument("--timescale-window: expected START:STOP in seconds, found '" + text + "'");
}

void print_analysis(const std::string& path, const TrialDataset& d, const DatasetAnalysis& a) {
  std::printf("%s: %lld trials, N = %lld, %zu conditions, %.3f s per trial\n", path.c_str(),
              static_cast<long long>(d.n_trials), static_cast<long long>(d.N), d.conditions.size(),
              d.n_steps * d.dt);
  const TimescaleResult& t = a.timescales;
  std::ostringstream excluded;
  for (const auto& [reason, units] : t.excluded)
    if (units > 0) excluded << (excluded.tellp() > 0 ? ", " : "") << reason << " " << units;
  std::printf(
      "  timescales    %.3f-%.3f s in %.0f ms bins: %lld of %zu units fitted, median %.1f ms "
      "(E %.1f, I %.1f, population %.1f)%s%s\n",
      t.window_start, t.window_stop, t.bin * 1000, static_cast<long long>(t.fitted),
      t.status.size(), t.median_ms, t.median_ms_exc, t.median_ms_inh, t.population_tau_ms,
      excluded.tellp() > 0 ? "; excluded: " : "", excluded.str().c_str());
  std::printf("  Fano factor   mean %.3f (%.0f ms windows every %.0f ms)\n", a.fano.mean,
              a.fano.window * 1000, a.fano.step * 1000);
  if (a.decoding.accuracy.defined() && a.decoding.accuracy.numel() > 0)
    std::printf("  decoding      diagonal mean %.3f, all %.3f (%lld-fold, chance %.3f)\n",
                a.decoding.accuracy.diagonal().mean().item<double>(),
                a.decoding.accuracy.mean().item<double>(), static_cast<long long>(a.decoding.folds),
                a.decoding.chance);
  std::printf("  %.1f s\n", a.seconds);
}

}  // namespace

void add_analyze_command(CLI::App& app) {
  std::vector<std::string> flag_keys = analysis_settings_table().keys();
  flag_keys.erase(std::find(flag_keys.begin(), flag_keys.end(), "timescale_window"));
  struct Flags {
    std::string config, dataset, json, plots, window;
    SettingsFlags<AnalysisSettings> settings;
  };
  auto f =
      std::make_shared<Flags>(Flags{{}, {}, {}, {}, {}, {analysis_settings_table(), flag_keys}});
  CLI::App* cmd = app.add_subcommand(
      "analyze",
      "Neuronal timescales, Fano factor, cross-temporal decoding and PSTHs of a trial dataset");
  cmd->add_option("--config", f->config,
                  "JSON file with any of the settings below as snake_case keys (dataset, json and "
                  "plots relative to it); flags override it");
  auto* dataset = cmd->add_option("--dataset", f->dataset, "Trial dataset (.mat, MAT v7.3)");
  auto* window = cmd->add_option(
      "--timescale-window", f->window,
      "START:STOP (s) of the activity whose autocorrelation gives the timescales (default: the "
      "pre-stimulus period of the dataset's task)");
  f->settings.add_to(*cmd);
  auto* json = cmd->add_option("--json", f->json, "Write the results here (JSON)");
  auto* plots = cmd->add_option("--plots", f->plots, "Folder for PNG plots (created if needed)");

  cmd->callback([=] {
    AnalysisSettings s;
    std::string dataset_path, json_path, plots_dir;
    if (!f->config.empty()) {
      std::vector<std::string> keys = analysis_settings_table().keys();
      keys.insert(keys.end(), {"dataset", "json", "plots"});
      const CommandConfig c = load_command_config(f->config, keys, {"dataset", "json", "plots"});
      c.read_table(analysis_settings_table(), s);
      c.read("dataset", dataset_path);
      c.read("json", json_path);
      c.read("plots", plots_dir);
    }
    f->settings.apply(s);
    if (window->count()) s.timescale_window = parse_window(f->window);
    if (dataset->count()) dataset_path = f->dataset;
    if (json->count()) json_path = f->json;
    if (plots->count()) plots_dir = f->plots;
    if (dataset_path.empty())
      throw InvalidArgument("--dataset: required (or 'dataset' in --config)");
    validate_analysis_settings(s);
    // Refused before the work rather than after it.
    if (!json_path.empty()) check_writable_destination(json_path);
    if (!plots_dir.empty()) {
      require_plots();
      std::error_code ec;
      if (fs::exists(plots_dir, ec) && !fs::is_directory(plots_dir, ec))
        throw FileError("plots folder '" + plots_dir + "': exists and is not a folder");
    }
    const TrialDataset d = read_dataset_file(dataset_path);
    InterruptGuard interrupt;
    s.cancel = &interrupt.flag();
    const DatasetAnalysis a = analyze_dataset(d, s);
    print_warnings(a.warnings);
    print_analysis(dataset_path, d, a);
    std::vector<std::string> figures;
    if (!plots_dir.empty())
      figures = write_analysis_figures(a, plots_dir, fs::path(dataset_path).stem().string());
    for (const std::string& figure : figures) std::printf("  plot: %s\n", figure.c_str());
    if (json_path.empty()) return;
    nlohmann::json j = a;
    j["plots"] = figures;
    j["spikernn_version"] = version();
    // The settings as config keys, so that the run can be repeated.
    j["config"] = analysis_settings_table().write(s);
    j["config"]["dataset"] = absolute_path(dataset_path);
    j["config"]["json"] = absolute_path(json_path);
    j["config"]["plots"] = absolute_path(plots_dir);
    write_text_file(json_path, j.dump(2));
  });
}

}  // namespace spikernn::cli
