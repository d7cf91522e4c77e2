// Runs spread over processes give the one-process result: job-array shards merged
// (`--shard I/N`, `spikernn merge`, the docs' array script) and MPI ranks (`mpirun`).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "spikernn/io/mat_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::kGoNoGoModel;
using testing::run_cli;
using testing::run_shell;
using testing::ScratchDir;
using testing::source_path;

// A short Go-NoGo grid search: 2 factors × 10 trials in batches of 4 (3 batches, the last of 2).
const std::string kTrials =
    " --task-setting columns=61 --task-setting stim_on=20 --task-setting stim_dur=10"
    " --task-setting score_from_step=3500 --trials 10 --batch-size 4";
const std::string kSearch = kTrials + " --scaling-factors 20,45";

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A folder `name` in `dir` with two writable models, the second with a negated readout (so the two
// differ).
std::string model_folder(const ScratchDir& dir, const std::string& name) {
  const fs::path folder = dir.path() / name;
  fs::create_directories(folder);
  for (const char* file : {"a.mat", "b.mat"}) {
    fs::copy_file(kGoNoGoModel, folder / file);
    fs::permissions(folder / file, fs::perms::owner_write, fs::perm_options::add);
  }
  return folder.string();
}

// The JSON output without what may differ between equal runs: timings, its own path, and the
// folder of the models (`folder`, where paths and messages name it).
nlohmann::json comparable(const std::string& file, const std::string& folder = "") {
  nlohmann::json j = nlohmann::json::parse(std::ifstream(file));
  j["config"].erase("json");
  j["config"].erase("model");
  j.erase("seconds");
  if (j.contains("results"))
    for (auto& r : j["results"]) r.erase("seconds");
  std::string text = j.dump();
  for (size_t at; !folder.empty() && (at = text.find(folder)) != std::string::npos;)
    text.replace(at, folder.size(), "MODELS");
  return nlohmann::json::parse(text);
}

// The one-process grid search of a fresh folder, which later runs are compared with.
struct WholeSearch {
  ScratchDir dir;
  std::string folder = model_folder(dir, "models");
  CliRun run =
      run_cli("grid-search --model " + folder + kSearch + " --json " + dir.file("whole.json"), dir);
};

void expect_same_as_whole(const WholeSearch& whole, const std::string& json,
                          const std::string& folder) {
  ASSERT_EQ(whole.run.status, 0) << whole.run.output;
  EXPECT_EQ(comparable(json, folder), comparable(whole.dir.file("whole.json"), whole.folder));
  // The variables written (the bytes differ: a MAT header holds the time it was written).
  for (const char* file : {"a.mat", "b.mat"})
    for (const char* name : {"opt_scaling_factor", "all_perfs", "scaling_factors"}) {
      const torch::Tensor got = MatReader(folder + "/" + file).read_numeric(name);
      EXPECT_TRUE(torch::equal(got, MatReader(whole.folder + "/" + file).read_numeric(name)))
          << file << " " << name;
    }
}

TEST(Cluster, ShardsMergedGiveTheOneProcessResult) {
  const WholeSearch whole;
  ScratchDir dir;
  const std::string folder = model_folder(dir, "models");
  for (int i = 1; i <= 3; ++i) {
    const CliRun shard =
        run_cli("grid-search --model " + folder + kSearch + " --shard " + std::to_string(i) +
                    "/3 --json " + dir.file("part" + std::to_string(i) + ".json"),
                dir);
    ASSERT_EQ(shard.status, 0) << shard.output;
    EXPECT_NE(shard.output.find("shard " + std::to_string(i) + "/3: 4 of 12 units"),
              std::string::npos)
        << shard.output;
  }
  // The shards wrote nothing into the models.
  EXPECT_EQ(bytes_of(folder + "/a.mat"), bytes_of(kGoNoGoModel));
  const CliRun merged =
      run_cli("merge " + dir.file("part3.json") + " " + dir.file("part1.json") + " " +
                  dir.file("part2.json") + " --json " + dir.file("merged.json"),
              dir);
  ASSERT_EQ(merged.status, 0) << merged.output;
  EXPECT_NE(merged.output.find("stored in the model file"), std::string::npos) << merged.output;
  expect_same_as_whole(whole, dir.file("merged.json"), folder);
}

TEST(Cluster, MergeRefusesPartsOfAnotherRunMissingOrGivenTwice) {
  ScratchDir dir;
  const std::string folder = model_folder(dir, "models");
  const auto shard = [&](const std::string& part, const std::string& extra) {
    const CliRun r =
        run_cli("grid-search --model " + folder + kSearch + " --shard " + part + " --json " +
                    dir.file(extra + ".json") + (extra == "other" ? " --seed 3" : ""),
                dir);
    ASSERT_EQ(r.status, 0) << r.output;
  };
  shard("1/2", "one");
  shard("2/2", "two");
  shard("2/2", "other");
  const struct {
    std::string parts, message;
  } cases[] = {
      {"one.json other.json", "'" + dir.file("other.json") + "': belongs to another run than '" +
                                  dir.file("one.json") + "' (its 'config' differs)"},
      {"one.json", "shard 2/2 missing: merge needs all 2 parts of the run"},
      {"one.json two.json one.json", "shard 1/2 given twice"},
      {"models/a.mat", "a.mat"},
  };
  for (const auto& c : cases) {
    std::string parts;
    std::stringstream names(c.parts);
    for (std::string name; names >> name;) parts += " " + dir.file(name);
    const CliRun r = run_cli("merge" + parts + " --json " + dir.file("merged.json"), dir);
    EXPECT_EQ(r.status, 1) << c.parts;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir.file("merged.json")));
  }
  EXPECT_EQ(bytes_of(folder + "/a.mat"), bytes_of(kGoNoGoModel));
}

// A job script's `--shard "$I/$N"` runs in one folder and `spikernn merge` in another: the parts
// name the models so that the merge finds them; and an unset variable (`--shard ""`) is refused
// before any work, not taken for a whole run that would write into the models.
TEST(Cluster, PartsRunInOneFolderMergeInAnotherAndAnEmptyShardIsRefused) {
  ScratchDir dir;
  model_folder(dir, "models");
  const std::string in_dir = "cd '" + dir.path().string() + "' && " + SPIKERNN_CLI;
  for (const char* part : {"1/2", "2/2"}) {
    const CliRun r = run_shell(in_dir + " grid-search --model models" + kSearch + " --shard " +
                                   part + " --json part" + part[0] + ".json",
                               dir);
    ASSERT_EQ(r.status, 0) << r.output;
  }
  const CliRun merged = run_shell("cd / && " + std::string(SPIKERNN_CLI) + " merge " +
                                      dir.file("part1.json") + " " + dir.file("part2.json"),
                                  dir);
  ASSERT_EQ(merged.status, 0) << merged.output;
  EXPECT_NE(merged.output.find("stored in the model file"), std::string::npos) << merged.output;
  EXPECT_NE(bytes_of(dir.file("models/a.mat")), bytes_of(kGoNoGoModel));

  const std::string fresh = model_folder(dir, "fresh");
  for (const char* command : {"grid-search --scaling-factors 20,45", "eval --scaling-factor 20"}) {
    const CliRun empty = run_cli(std::string(command) + " --model " + fresh + kTrials +
                                     " --shard '' --json " + dir.file("empty.json"),
                                 dir);
    EXPECT_EQ(empty.status, 1) << empty.output;
    EXPECT_NE(empty.output.find("--shard: expected I/N with 1 <= I <= N (for example 2/8), "
                                "found ''"),
              std::string::npos)
        << empty.output;
    EXPECT_FALSE(fs::exists(dir.file("empty.json")));
  }
  EXPECT_EQ(bytes_of(fresh + "/a.mat"), bytes_of(kGoNoGoModel));
}

TEST(Cluster, EvalShardsMergedGiveTheOneProcessResult) {
  ScratchDir dir;
  const std::string eval = "eval --model " + kGoNoGoModel +
                           " --scaling-factor 25 --trials 9 --batch-size 2 --task-setting "
                           "columns=61 --task-setting stim_on=20 --task-setting stim_dur=10 "
                           "--task-setting score_from_step=3500";
  ASSERT_EQ(run_cli(eval + " --json " + dir.file("whole.json"), dir).status, 0);
  for (const char* i : {"1", "2"})
    ASSERT_EQ(
        run_cli(eval + " --shard " + i + "/2 --json " + dir.file(std::string(i) + ".json"), dir)
            .status,
        0);
  const CliRun merged = run_cli("merge " + dir.file("1.json") + " " + dir.file("2.json") +
                                    " --json " + dir.file("merged.json"),
                                dir);
  ASSERT_EQ(merged.status, 0) << merged.output;
  EXPECT_EQ(comparable(dir.file("merged.json")), comparable(dir.file("whole.json")));
  const CliRun plots = run_cli(
      eval + " --shard 1/2 --plots " + dir.file("p") + " --json " + dir.file("p.json"), dir);
  EXPECT_EQ(plots.status, 1);
  EXPECT_NE(plots.output.find("the figures need every trial's outputs in one process"),
            std::string::npos)
      << plots.output;
}

TEST(Cluster, TheDocsJobArrayScriptWithALoopForSlurm) {
  const WholeSearch whole;
  ScratchDir dir;
  const std::string folder = model_folder(dir, "models");
  const CliRun array =
      run_shell("for i in 1 2 3 4; do SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=4 SPIKERNN=" +
                    std::string(SPIKERNN_CLI) + " bash " +
                    source_path("examples/cluster/grid_search_array.sh") + " " + folder + " " +
                    dir.file("parts") + kSearch + " || exit 1; done && " + SPIKERNN_CLI +
                    " merge " + dir.file("parts") + "/part_*.json --json " + dir.file("grid.json"),
                dir);
  ASSERT_EQ(array.status, 0) << array.output;
  expect_same_as_whole(whole, dir.file("grid.json"), folder);
}

// mpirun as the test command runs it here: 3 ranks on 2 cores.
std::string mpirun(int ranks) {
  return std::string(SPIKERNN_MPIEXEC) + " --allow-run-as-root --oversubscribe -np " +
         std::to_string(ranks) + " ";
}

#define SKIP_WITHOUT_MPI()                                                         \
  if (!SPIKERNN_CLI_MPI || std::string(SPIKERNN_MPIEXEC).empty())                  \
  GTEST_SKIP() << "spikernn was built without MPI, or mpirun is missing (Debian: " \
                  "libopenmpi-dev, openmpi-bin)"

TEST(Cluster, MpiRanksGiveTheOneProcessResult) {
  SKIP_WITHOUT_MPI();
  const WholeSearch whole;
  ScratchDir dir;
  const std::string folder = model_folder(dir, "models");
  const CliRun run = run_shell(mpirun(3) + SPIKERNN_CLI + " grid-search --model " + folder +
                                   kSearch + " --json " + dir.file("mpi.json"),
                               dir);
  ASSERT_EQ(run.status, 0) << run.output;
  expect_same_as_whole(whole, dir.file("mpi.json"), folder);
}

TEST(Cluster, AFailingOrKilledRankEndsTheJobWithNoWriteBack) {
  SKIP_WITHOUT_MPI();
  ScratchDir dir;
  const std::string folder = model_folder(dir, "models");
  const std::string search = " grid-search" + kSearch + " --json " + dir.file("mpi.json");
  // Ranks 1 and 2 are given a model that does not exist.
  const CliRun bad =
      run_shell(mpirun(1) + SPIKERNN_CLI + search + " --model " + folder + " : " + "-np 2 " +
                    SPIKERNN_CLI + search + " --model " + dir.file("missing.mat"),
                dir);
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("rank 1 of 3: "), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("missing.mat"), std::string::npos) << bad.output;
  // Rank 1 is killed before it starts.
  const CliRun killed = run_shell(
      mpirun(3) + "sh -c 'if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then kill -9 $$; fi; exec \"$0\" " +
          "\"$@\"' " + SPIKERNN_CLI + search + " --model " + folder,
      dir);
  EXPECT_NE(killed.status, 0) << killed.output;
  for (const char* file : {"a.mat", "b.mat"})
    EXPECT_EQ(bytes_of(folder + "/" + file), bytes_of(kGoNoGoModel)) << file;
  EXPECT_FALSE(fs::exists(dir.file("mpi.json")));
}

}  // namespace
}  // namespace spikernn
