// Every config under configs/ runs with the command its description names, from a copy of the
// project root (configs/, models/ and build/spikernn), and produces the outputs it names. Grid
// searches and evaluations run with --trials 40 --noise fast appended (flags override a config),
// and datasets with --trials-per-condition 10, so that the test command stays short: the full-size
// runs are the main job's (tools/main_job.sh). Their own executable, labelled `configs`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "spikernn/io/mat_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

namespace fs = std::filesystem;
using testing::run_shell;
using testing::ScratchDir;
using testing::source_path;

struct ConfigRun {
  std::string name;          // e.g. "eval_go_nogo.json"
  std::string prerequisite;  // a config that must run first ("" for none)
  std::string command;       // shell command line, run from the project root
  nlohmann::json config;
};

ConfigRun read_config(const fs::path& file) {
  std::ifstream in(file);
  ConfigRun run{file.filename().string(), "", "", nlohmann::json::parse(in)};
  const std::string description = run.config.value("description", "");
  static const std::regex how(R"(Run from the project root(?: after configs/(\S+\.json))?: (.+)$)");
  std::smatch match;
  if (std::regex_search(description, match, how)) {
    run.prerequisite = match[1];
    run.command = match[2];
  }
  return run;
}

std::map<std::string, ConfigRun> shipped_configs() {
  std::map<std::string, ConfigRun> runs;
  for (const auto& entry : fs::directory_iterator(source_path("configs")))
    if (entry.path().extension() == ".json")
      runs.emplace(entry.path().filename(), read_config(entry));
  return runs;
}

bool non_empty(const fs::path& path) {
  return fs::is_directory(path) ? !fs::is_empty(path)
                                : fs::is_regular_file(path) && fs::file_size(path) > 0;
}

// What a config's outputs must hold: the config and version that made them, and an accuracy
// that shows the shipped model does its task: 0.85 (chance is 0.5), as 40 trials measure the
// Mante model's 0.92 (100 trials, its optimum) with an SD of 0.04.
void check_outputs(const ConfigRun& run, const fs::path& configs_dir) {
  for (const char* key : {"output", "json", "plots"}) {
    if (!run.config.contains(key)) continue;
    const fs::path path = configs_dir / run.config[key].get<std::string>();
    EXPECT_TRUE(non_empty(path)) << key << ": " << path;
  }
  if (run.config.contains("output")) {
    MatReader mat((configs_dir / run.config["output"].get<std::string>()).string());
    // A simulation's traces, or a trial dataset (docs/experiments.md).
    EXPECT_TRUE(mat.has("config") &&
                ((mat.has("spikernn_version") && mat.has("spk")) || mat.has("spike_trial")));
  }
  if (run.config.contains("json")) {
    std::ifstream in(configs_dir / run.config["json"].get<std::string>());
    const nlohmann::json j = nlohmann::json::parse(in);
    EXPECT_TRUE(j.contains("config") && j.contains("spikernn_version")) << j.dump().substr(0, 200);
    if (j.contains("results")) {
      for (const auto& result : j["results"])
        EXPECT_GE(result["best_accuracy"].get<double>(), 0.85);
    } else if (j.contains("overall_accuracy")) {
      EXPECT_GE(j["overall_accuracy"].get<double>(), 0.85);
    } else {  // an analysis
      EXPECT_TRUE(j.contains("timescale_ms_median") && j.contains("fano_factor_mean"));
    }
  }
}

TEST(ShippedConfigs, EachRunsWithTheCommandItNames) {
  const std::map<std::string, ConfigRun> runs = shipped_configs();
  ASSERT_FALSE(runs.empty());
  ScratchDir root;
  fs::copy(source_path("configs"), root.path() / "configs", fs::copy_options::recursive);
  fs::copy(source_path("models"), root.path() / "models", fs::copy_options::recursive);
  fs::create_directory(root.path() / "build");
  fs::create_symlink(SPIKERNN_CLI, root.path() / "build" / "spikernn");

  std::set<std::string> done;
  std::function<void(const ConfigRun&)> run_once = [&](const ConfigRun& run) {
    if (done.count(run.name)) return;
    SCOPED_TRACE(run.name);
    ASSERT_FALSE(run.command.empty()) << "the description names no command";
    EXPECT_NE(run.command.find("build/spikernn "), std::string::npos) << run.command;
    EXPECT_NE(run.command.find("--config configs/" + run.name), std::string::npos) << run.command;
    if (!run.prerequisite.empty()) {
      ASSERT_TRUE(runs.count(run.prerequisite)) << "prerequisite " << run.prerequisite;
      run_once(runs.at(run.prerequisite));
    }
    const bool task_run = run.command.find("spikernn grid-search ") != std::string::npos ||
                          run.command.find("spikernn eval ") != std::string::npos;
    const bool dataset = run.command.find("spikernn dataset ") != std::string::npos;
    const std::string smaller = task_run  ? " --trials 40 --noise fast"
                                : dataset ? " --trials-per-condition 10"
                                          : "";
    const testing::CliRun result =
        run_shell("cd '" + root.path().string() + "' && " + run.command + smaller, root);
    ASSERT_EQ(result.status, 0) << run.command << "\n" << result.output;
    check_outputs(run, root.path() / "configs");
    done.insert(run.name);
  };
  for (const auto& [name, run] : runs) run_once(run);
  EXPECT_EQ(done.size(), runs.size());
}

}  // namespace
}  // namespace spikernn
