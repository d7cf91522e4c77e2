// The runs a user of the PyTorch port or of the MATLAB original makes (docs/comparing.md): recorded
// configs rerun, downsampling, the port's names, folders of models, the original's Mante models.
#include <gtest/gtest.h>
#include <sys/file.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "spikernn/core/tasks.hpp"
#include "spikernn/core/trial_runner.hpp"
#include "spikernn/io/mat_file.hpp"
#include "spikernn/io/model_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CliRun;
using testing::kGoNoGoModel;
using testing::run_cli;
using testing::ScratchDir;
using testing::source_path;

const std::string kOriginalMante = source_path("tests/data/original_mante_model.mat");
// Go-NoGo trials of 61 columns (0.3 s), so that each run takes a moment.
const std::string kShortGoNoGoFlags =
    " --task-setting columns=61 --task-setting stim_on=20 --task-setting stim_dur=10"
    " --task-setting score_from_step=3500";

json read_json(const std::string& path) { return json::parse(std::ifstream(path)); }

// The `config` a run recorded, written to `path` for --config.
std::string write_config(const json& config, const std::string& path) {
  std::ofstream(path) << config.dump(2);
  return path;
}

std::string copy_model(const std::string& from, const std::string& to) {
  fs::create_directories(fs::path(to).parent_path());
  fs::copy_file(from, to);
  fs::permissions(to, fs::perms::owner_write, fs::perm_options::add);
  return to;
}

TEST(Reruns, SimulatesRecordedConfigRerunsToTheSameSpikes) {
  ScratchDir dir;
  const CliRun first = run_cli("simulate --model " + kGoNoGoModel + " --stimulus " +
                                   source_path("configs/stimuli/go_nogo_go.json") +
                                   " --scaling-factor 30 --downsample 2 --tref 0.003 --record "
                                   "spk,out --output " +
                                   dir.file("a.mat"),
                               dir);
  ASSERT_EQ(first.status, 0) << first.output;
  const MatReader a(dir.file("a.mat"));
  const json config = json::parse(a.read_string("config"));
  EXPECT_EQ(config.at("downsample"), 2);
  const torch::Tensor spikes = a.read_numeric("spk");
  const CliRun again =
      run_cli("simulate --config " + write_config(config, dir.file("c.json")), dir);
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_TRUE(torch::equal(MatReader(dir.file("a.mat")).read_numeric("spk"), spikes));
}

// Runs `command` (which writes the JSON file `output`), then the command again with the `config`
// that file recorded; returns both outputs without their timings.
std::pair<json, json> run_and_rerun(const std::string& command, const std::string& output,
                                    const ScratchDir& dir) {
  const CliRun first = run_cli(command, dir);
  EXPECT_EQ(first.status, 0) << first.output;
  json before = read_json(output);
  const std::string verb = command.substr(0, command.find(' '));
  const CliRun again =
      run_cli(verb + " --config " + write_config(before.at("config"), dir.file("c.json")), dir);
  EXPECT_EQ(again.status, 0) << again.output;
  json after = read_json(output);
  for (json* j : {&before, &after}) {
    j->erase("seconds");
    if (j->contains("results"))
      for (json& result : j->at("results")) result.erase("seconds");
  }
  return {before, after};
}

TEST(Reruns, EvalsRecordedConfigRerunsToTheSameResult) {
  ScratchDir dir;
  // The command (with short trials), then its recorded config given back.
  const auto [before, after] = run_and_rerun(
      "eval --model " + kGoNoGoModel +
          " --task go-nogo --scaling-factor 20 --trials 10 --downsample 2 --use-initial-weights"
          " --json " +
          dir.file("e.json") + kShortGoNoGoFlags,
      dir.file("e.json"), dir);
  EXPECT_EQ(before.at("config").at("downsample"), 2);
  EXPECT_EQ(before.at("config").at("use_initial_weights"), true);
  EXPECT_EQ(before.at("config").at("task_settings").at("columns"), 61);
  EXPECT_EQ(after, before);
}

TEST(Reruns, GridSearchsRecordedConfigRerunsToTheSameResult) {
  ScratchDir dir;
  const auto [before, after] = run_and_rerun(
      "grid-search --model " + kGoNoGoModel +
          " --task go_nogo --trials 4 --scaling-factors 20,40 --no-write --downsample 3 --json " +
          dir.file("g.json") + kShortGoNoGoFlags,
      dir.file("g.json"), dir);
  EXPECT_EQ(before.at("config").at("write_to_model"), false);
  EXPECT_EQ(after, before);
  EXPECT_EQ(after.at("results").at(0).at("task"), "go-nogo");
}

TEST(Reruns, TrainsRecordedConfigRerunsToTheSameModel) {
  ScratchDir dir;
  const CliRun first =
      run_cli("train --task xor --N 12 --n-trials 3 --seed 5 --output-dir " + dir.file("a"), dir);
  ASSERT_EQ(first.status, 0) << first.output;
  const std::string name = "Task_xor_N_12_Taus_4_20_Act_sigmoid_seed_5.mat";
  const MatReader a(dir.file("a/" + name));
  const CliRun again = run_cli(
      "train --config " + write_config(json::parse(a.read_string("config")), dir.file("c.json")) +
          " --output-dir " + dir.file("b"),
      dir);
  ASSERT_EQ(again.status, 0) << again.output;
  const MatReader b(dir.file("b/" + name));
  for (const char* variable : {"w", "w_in", "w_out", "taus_gaus", "losses"})
    EXPECT_TRUE(torch::equal(a.read_numeric(variable), b.read_numeric(variable))) << variable;
}

TEST(PortNames, UnderscoreTaskNamesTaskSettingsAndModelFolders) {
  ScratchDir dir;
  copy_model(kGoNoGoModel, dir.file("models/a.mat"));
  copy_model(kGoNoGoModel, dir.file("models/b.mat"));
  const CliRun run = run_cli("eval --model " + dir.file("models") +
                                 " --task go_nogo --scaling-factor 20 --trials 4 --json " +
                                 dir.file("e.json") + kShortGoNoGoFlags,
                             dir);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("a.mat (go-nogo, lambda = 20"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("b.mat (go-nogo, lambda = 20"), std::string::npos) << run.output;
  const json j = read_json(dir.file("e.json"));
  ASSERT_EQ(j.at("results").size(), 2u);
  EXPECT_EQ(j.at("results").at(1).at("model"), dir.file("models/b.mat"));
  EXPECT_EQ(j.at("config").at("task_settings").at("stim_on"), 20);

  const CliRun bad = run_cli(
      "eval --model " + kGoNoGoModel + " --scaling-factor 20 --task-setting stim_on --trials 1",
      dir);
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--task-setting: expected KEY=VALUE"), std::string::npos) << bad.output;
  const CliRun unknown = run_cli(
      "eval --model " + kGoNoGoModel + " --scaling-factor 20 --task-setting stim_off=3 --trials 1",
      dir);
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.output.find("unknown key 'stim_off'"), std::string::npos) << unknown.output;
}

TEST(FolderSearch, SkipsSearchedModelsResumesAndForceSearchesAgain) {
  ScratchDir dir;
  const std::string a = copy_model(kGoNoGoModel, dir.file("models/a.mat"));
  const std::string b = copy_model(kGoNoGoModel, dir.file("models/b.mat"));
  const std::string search = "grid-search --model " + dir.file("models") +
                             " --trials 2 --scaling-factors 20,30" + kShortGoNoGoFlags;
  {
    // Another search holds b: the run is refused before it starts, both models untouched.
    const int fd = ::open(b.c_str(), O_RDONLY);
    ASSERT_EQ(::flock(fd, LOCK_EX), 0);
    const CliRun refused = run_cli(search, dir);
    ::close(fd);
    EXPECT_NE(refused.status, 0);
    EXPECT_NE(refused.output.find("another grid search is writing to this model"),
              std::string::npos)
        << refused.output;
  }
  EXPECT_FALSE(load_rate_model(a).opt_scaling_factor.has_value());
  // As an interrupted search of the folder leaves it (TaskRun.EachModelIsReportedAsSoonAsItIsDone):
  // a searched, b not.
  ASSERT_EQ(run_cli("grid-search --model " + a + " --trials 2 --scaling-factors 20,30" +
                        kShortGoNoGoFlags,
                    dir)
                .status,
            0);
  ASSERT_TRUE(load_rate_model(a).opt_scaling_factor.has_value());
  ASSERT_FALSE(load_rate_model(b).opt_scaling_factor.has_value());

  const CliRun resumed = run_cli(search, dir);
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("a.mat: skipped, it holds opt_scaling_factor"), std::string::npos)
      << resumed.output;
  EXPECT_EQ(resumed.output.find("b.mat: skipped"), std::string::npos) << resumed.output;
  EXPECT_TRUE(load_rate_model(b).opt_scaling_factor.has_value());

  const CliRun forced = run_cli(search + " --force", dir);
  ASSERT_EQ(forced.status, 0) << forced.output;
  EXPECT_EQ(forced.output.find("skipped"), std::string::npos) << forced.output;
}

TEST(OriginalMante, ItsModelsAreRecognisedAndRunWithItsStimulus) {
  const RateModel original = load_rate_model(kOriginalMante);
  EXPECT_EQ(original.n_inputs(), 4);
  EXPECT_EQ(task_for_model("mante", original), "mante-original");
  const RateModel port = load_rate_model(source_path("models/mante_N200_taus4-20_sigmoid.mat"));
  EXPECT_EQ(task_for_model("mante", port), "mante");
  EXPECT_EQ(task_for_model("mante-original", port), "mante-original");

  ScratchDir dir;
  const CliRun run =
      run_cli("eval --model " + kOriginalMante +
                  " --task mante --scaling-factor 20 --trials 4 --json " + dir.file("e.json") +
                  " --task-setting columns=101 --task-setting stim_on=10"
                  " --task-setting stim_dur=40 --task-setting score_from_step=6000",
              dir);
  ASSERT_EQ(run.status, 0) << run.output;
  const json j = read_json(dir.file("e.json"));
  EXPECT_EQ(j.at("task"), "mante-original");
  EXPECT_TRUE(j.at("condition_trials").contains("motion") ||
              j.at("condition_trials").contains("color"));
}

}  // namespace
}  // namespace spikernn
