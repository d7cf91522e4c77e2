// The `spikernn` executable, run as a user would: exit status, messages and files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "spikernn/core/rate_model.hpp"
#include "spikernn/io/mat_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using testing::CliRun;
using testing::kGoNoGoModel;
using testing::run_cli;
using testing::ScratchDir;
using testing::source_path;

const std::string kGo = source_path("configs/stimuli/go_nogo_go.json");

std::string simulate_args(const std::string& extra) {
  return "simulate --model " + kGoNoGoModel + " --stimulus " + kGo +
         " --scaling-factor 50 --seed 3 " + extra;
}

TEST(Cli, SimulateWritesThePortsVariables) {
  ScratchDir dir;
  const std::string out = dir.file("go.mat");
  const CliRun run = run_cli(simulate_args("--output " + out), dir);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("20000 steps"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("seed 3"), std::string::npos) << run.output;
  MatReader mat(out);
  EXPECT_EQ(mat.read_numeric("REC").sizes(), (std::vector<int64_t>{200, 20000}));
  EXPECT_EQ(mat.read_numeric("spk").sizes(), (std::vector<int64_t>{200, 20000}));
  EXPECT_EQ(mat.read_numeric("out").sizes(), (std::vector<int64_t>{1, 20000}));
  EXPECT_EQ(mat.read_numeric("all_fr").sizes(), (std::vector<int64_t>{1, 200}));
  EXPECT_EQ(mat.read_numeric("W").sizes(), (std::vector<int64_t>{200, 200}));
  EXPECT_EQ(mat.read_numeric("nt").item<double>(), 20000);
  EXPECT_DOUBLE_EQ(mat.read_numeric("dt").item<double>(), 0.00005);
  for (const char* name : {"IPSCs", "rs", "T", "td", "td0", "config", "spikernn_version"})
    EXPECT_TRUE(mat.has(name)) << name;
  // Only the output file is left in the folder: the temporary one was renamed.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 2);
}

TEST(Cli, RecordSelectsVariablesAndStimsFlagsParse) {
  ScratchDir dir;
  const std::string out = dir.file("sel.mat");
  const CliRun run = run_cli(simulate_args("--record out,spk --stims-mode exc --stims-dur 100,900 "
                                           "--stims-units 1,2,3 --downsample 2 --output " +
                                           out),
                             dir);
  ASSERT_EQ(run.status, 0) << run.output;
  MatReader mat(out);
  EXPECT_TRUE(mat.has("out") && mat.has("spk"));
  EXPECT_FALSE(mat.has("REC") || mat.has("rs") || mat.has("IPSCs") || mat.has("all_fr"));
  EXPECT_EQ(mat.read_numeric("spk").size(1), 10000);
}

TEST(Cli, ConfigFileWithRelativePathsAndFlagOverrides) {
  ScratchDir dir;
  const CliRun a = run_cli("simulate --config " + source_path("configs/simulate_go.json") +
                               " --record out --output " + dir.file("a.mat"),
                           dir);
  ASSERT_EQ(a.status, 0) << a.output;
  const CliRun b = run_cli("simulate --config " + source_path("configs/simulate_go.json") +
                               " --seed 99 --record out --output " + dir.file("b.mat"),
                           dir);
  ASSERT_EQ(b.status, 0) << b.output;
  EXPECT_NE(b.output.find("seed 99"), std::string::npos) << b.output;
  EXPECT_FALSE(torch::equal(MatReader(dir.file("a.mat")).read_numeric("out"),
                            MatReader(dir.file("b.mat")).read_numeric("out")));
}

struct BadRun {
  std::string name, arguments, message;
};

void PrintTo(const BadRun& run, std::ostream* os) { *os << run.name; }

class CliRefuses : public ::testing::TestWithParam<BadRun> {};

TEST_P(CliRefuses, WithOneLineAndNoOutput) {
  ScratchDir dir;
  // Bad inputs of every kind, 9 files in all; the run must add none but its log.
  std::ofstream(dir.file("unknown.json")) << R"({"model": "m.mat", "sead": 3})";
  std::ofstream(dir.file("wrongtype.json")) << R"({"downsample": "two"})";
  std::ofstream(dir.file("malformed.json")) << R"({"model": )";
  std::ofstream(dir.file("notmat.mat")) << "not a MAT file\n";
  std::ofstream(dir.file("one_column.json")) << "[[1.0]]";
  std::ofstream(dir.file("two_rows.json")) << "[[0, 0, 0], [0, 0, 0]]";
  {
    std::ifstream model(kGoNoGoModel, std::ios::binary);
    std::string head(3000, '\0');
    model.read(head.data(), 3000);
    std::ofstream(dir.file("truncated.mat"), std::ios::binary) << head;
  }
  torch::Tensor nan_u = torch::zeros({1, 201}, torch::kFloat64);
  nan_u[0][60] = std::nan("");
  write_mat_file(dir.file("nan_stimulus.mat"), {{"u", nan_u}});
  // 1,000,000 columns: 10^8 steps, whose traces would need about 640 GB.
  {
    std::ofstream huge(dir.file("huge.json"));
    huge << "[0";
    for (int i = 1; i < 1000000; ++i) huge << ",0";
    huge << "]";
  }
  std::string arguments = GetParam().arguments;
  for (auto pos = arguments.find("DIR/"); pos != std::string::npos; pos = arguments.find("DIR/"))
    arguments.replace(pos, 4, dir.path().string() + "/");
  if (arguments.find("--output") == std::string::npos)
    arguments += " --output " + dir.file("out.mat");
  const CliRun run = run_cli(arguments, dir);
  EXPECT_NE(run.status, 0) << run.output;
  EXPECT_NE(run.output.find(GetParam().message), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.mat")));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 10)
      << "only the 9 input files and the log: no temporary file left";
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, CliRefuses,
    ::testing::Values(
        BadRun{"MissingModel",
               "simulate --model DIR/none.mat --stimulus " + kGo + " --scaling-factor 50",
               "none.mat': no such file"},
        BadRun{"NoScalingFactor", "simulate --model " + kGoNoGoModel + " --stimulus " + kGo,
               "holds no opt_scaling_factor"},
        BadRun{"NegativeLambda",
               "simulate --model " + kGoNoGoModel + " --stimulus " + kGo + " --scaling-factor -2",
               "--scaling-factor (or 'scaling_factor'): expected a positive"},
        BadRun{"UnknownConfigKey", "simulate --config DIR/unknown.json", "unknown key 'sead'"},
        BadRun{"WrongConfigType", "simulate --config DIR/wrongtype.json",
               "key 'downsample': expected an integer, found string"},
        BadRun{"BadStimsMode", simulate_args("--stims-mode zap"), "--stims-mode: expected none"},
        BadRun{"UnitOutOfRange",
               simulate_args("--stims-mode exc --stims-dur 1,5 --stims-units 250"), "found 250"},
        BadRun{"UnknownTrace", simulate_args("--record spikes"), "unknown trace 'spikes'"},
        BadRun{"MissingFolder", simulate_args("--output DIR/no/such/dir/x.mat"), "does not exist"},
        BadRun{"OutputIsAFolder", simulate_args("--output DIR/"), "it is a directory"},
        // A folder that takes no new files even from root.
        BadRun{"UnwritableFolder", simulate_args("--output /proc/spikernn-test.mat"),
               "cannot write '/proc/spikernn-test.mat': folder '/proc' is not writable"},
        BadRun{"ModelIsAFolder", "simulate --model DIR/ --stimulus " + kGo + " --scaling-factor 50",
               "expected a MAT file, found a directory"},
        BadRun{"NotAMatFile",
               "simulate --model DIR/notmat.mat --stimulus " + kGo + " --scaling-factor 50",
               "notmat.mat': not a readable MAT file"},
        BadRun{"TruncatedMatFile",
               "simulate --model DIR/truncated.mat --stimulus " + kGo + " --scaling-factor 50",
               "truncated.mat': damaged or truncated MAT file"},
        BadRun{"ZeroLambda",
               "simulate --model " + kGoNoGoModel + " --stimulus " + kGo + " --scaling-factor 0",
               "expected a positive, finite λ, found 0"},
        BadRun{"NanLambda",
               "simulate --model " + kGoNoGoModel + " --stimulus " + kGo + " --scaling-factor nan",
               "expected a positive, finite λ, found nan"},
        BadRun{"TextLambda",
               "simulate --model " + kGoNoGoModel + " --stimulus " + kGo + " --scaling-factor abc",
               "Could not convert: --scaling-factor = abc"},
        BadRun{"ZeroDownsample", simulate_args("--downsample 0"),
               "key 'downsample': expected an integer >= 1, found 0"},
        BadRun{"DownsampleBeyondStimulus", simulate_args("--downsample 500"),
               "expected at least 2 columns after downsampling by 500"},
        BadRun{"NegativeUnit", simulate_args("--stims-mode exc --stims-dur 1,5 --stims-units -3"),
               "in [0, 200), found -3"},
        BadRun{"ReversedDur", simulate_args("--stims-mode exc --stims-dur 9,5 --stims-units 3"),
               "expected 0 <= onset <= offset (in steps), found 9,5"},
        BadRun{"UnknownDevice", simulate_args("--device tpu"),
               R"(key 'device': expected "cpu", "cuda" or "cuda:I", found "tpu")"},
        BadRun{"UnknownDtype", simulate_args("--dtype half"),
               R"(--dtype: expected "float64" or "float32", found "half")"},
        BadRun{"UnknownEngine", simulate_args("--engine gpu"),
               R"(--engine: expected "auto", "reference" or "fused", found "gpu")"},
        BadRun{"MalformedConfig", "simulate --config DIR/malformed.json",
               "malformed.json': malformed JSON"},
        BadRun{"StimulusTooShort",
               "simulate --model " + kGoNoGoModel +
                   " --stimulus DIR/one_column.json --scaling-factor 50",
               "expected at least 2 columns"},
        BadRun{"StimulusRowsAreNotTheInputs",
               "simulate --model " + kGoNoGoModel +
                   " --stimulus DIR/two_rows.json --scaling-factor 50",
               "expected 1 rows (the model's inputs)"},
        BadRun{"NanInStimulus",
               "simulate --model " + kGoNoGoModel +
                   " --stimulus DIR/nan_stimulus.mat --scaling-factor 50",
               "expected finite values"},
        BadRun{"TracesBeyondMemory",
               "simulate --model " + kGoNoGoModel + " --stimulus DIR/huge.json --scaling-factor 50",
               "record fewer (e.g. --record out,all_fr"}),
    [](const auto& info) { return info.param.name; });

TEST(Cli, CudaWhereNoneIsAClearError) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a CUDA device is present";
  ScratchDir dir;
  const CliRun run = run_cli(simulate_args("--device cuda"), dir);
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.output.find("CUDA is not available"), std::string::npos) << run.output;
}

// A config for grid-search and eval with short Go-NoGo trials, in the scratch folder.
std::string short_task_config(const ScratchDir& dir, const std::string& extra) {
  const std::string model = dir.file("model.mat");
  std::filesystem::copy_file(kGoNoGoModel, model);
  std::filesystem::permissions(model, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  const std::string path = dir.file("run.json");
  std::ofstream(path) << R"({"description": "test", "model": "model.mat", "task": "go-nogo",
    "task_settings": {"columns": 61, "stim_on": 20, "stim_dur": 10, "score_from_step": 3500},
    "trials": 6, "batch_size": 3, "seed": 4, "json": "out.json")"
                      << extra << "}";
  return path;
}

TEST(Cli, GridSearchPrintsTheTableAndWritesJsonAndThePlot) {
  ScratchDir dir;
  const std::string config =
      short_task_config(dir, R"(, "scaling_factors": "20:40:20", "plots": "plots")");
  const CliRun run = run_cli("grid-search --config " + config, dir);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("optimum: lambda = "), std::string::npos) << run.output;
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(dir.file("out.json")));
  EXPECT_EQ(j.at("results").at(0).at("scaling_factors"), nlohmann::json({20.0, 40.0}));
  EXPECT_EQ(j.at("config").at("trials"), 6);
  EXPECT_TRUE(std::filesystem::exists(dir.file("plots/model_grid_search.png")));
  EXPECT_TRUE(MatReader(dir.file("model.mat")).has("opt_scaling_factor"));
}

TEST(Cli, GridSearchOfAFolderChecksEveryModelBeforeTheFirstSearch) {
  ScratchDir dir;
  std::filesystem::create_directory(dir.file("models"));
  std::filesystem::copy_file(kGoNoGoModel, dir.file("models/a_go_nogo.mat"));
  std::filesystem::copy_file(source_path("models/xor_N200_taus4-20_sigmoid.mat"),
                             dir.file("models/b_xor.mat"));
  const CliRun run =
      run_cli("grid-search --model " + dir.file("models") +
                  " --task go-nogo --trials 2 --scaling-factors 20 --json " + dir.file("out.json"),
              dir);
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.output.find("b_xor.mat' has w_in with 2 columns"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("optimum"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.json")));
  EXPECT_FALSE(MatReader(dir.file("models/a_go_nogo.mat")).has("opt_scaling_factor"));
}

TEST(Cli, EvalWritesMetricsAsJson) {
  ScratchDir dir;
  const CliRun run =
      run_cli("eval --config " + short_task_config(dir, "") + " --scaling-factor 20", dir);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("overall accuracy"), std::string::npos) << run.output;
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(dir.file("out.json")));
  for (const char* key : {"overall_accuracy", "go_accuracy", "nogo_accuracy", "spikernn_version"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j.at("config").at("scaling_factor"), 20.0) << "the output records how to rerun it";
  EXPECT_EQ(j.at("config").at("seed"), 4);
}

TEST(Cli, GridSearchAndEvalRefuseBadInput) {
  ScratchDir dir;
  const std::string config = short_task_config(dir, "");
  const CliRun factors = run_cli("grid-search --config " + config + " --scaling-factors 20:x", dir);
  EXPECT_NE(factors.status, 0);
  EXPECT_NE(factors.output.find("--scaling-factors: expected START:STOP:STEP"), std::string::npos)
      << factors.output;
  const CliRun task = run_cli("eval --config " + config + " --task poker --scaling-factor 20", dir);
  EXPECT_NE(task.status, 0);
  EXPECT_NE(task.output.find("task 'poker': unknown"), std::string::npos) << task.output;
  const CliRun no_lambda = run_cli("eval --config " + config, dir);
  EXPECT_NE(no_lambda.status, 0);
  EXPECT_NE(no_lambda.output.find("holds no opt_scaling_factor"), std::string::npos);
  // CLI11 would read -1 into the unsigned seed as 2^64 - 1; a config's "seed": -1 is refused too.
  for (const std::string& command :
       {"eval --config " + config + " --scaling-factor 20", "grid-search --config " + config,
        "dataset --model " + kGoNoGoModel + " --scaling-factor 20 --output " + dir.file("out.mat"),
        "simulate --model " + kGoNoGoModel + " --stimulus " + kGo +
            " --scaling-factor 20 --output " + dir.file("out.mat")}) {
    const CliRun seed = run_cli(command + " --seed=-1", dir);
    EXPECT_NE(seed.status, 0) << command;
    EXPECT_NE(seed.output.find("--seed: expected an integer from 0 to 2^64 - 1, found '-1'"),
              std::string::npos)
        << seed.output;
  }
  // One table reads the xor and dms tasks' settings: the error names the task the user gave.
  const CliRun dms = run_cli("dataset --model " + kGoNoGoModel +
                                 " --task dms --task-setting delayy=10 --scaling-factor 20 "
                                 "--output " +
                                 dir.file("out.mat"),
                             dir);
  EXPECT_NE(dms.status, 0);
  EXPECT_NE(dms.output.find("dms task settings: unknown key 'delayy'"), std::string::npos)
      << dms.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.json")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.mat")));
}

TEST(Cli, TrainWritesTheModelIntoANewFolder) {
  ScratchDir dir;
  const CliRun run = run_cli(
      "train --task go-nogo --N 20 --n-trials 3 --seed 2 --output-dir " + dir.file("new/models"),
      dir);
  EXPECT_EQ(run.status, 0) << run.output;
  const std::string model =
      dir.file("new/models/Task_go-nogo_N_20_Taus_4_20_Act_sigmoid_seed_2.mat");
  EXPECT_EQ(load_rate_model(model).N, 20);
  EXPECT_TRUE(std::filesystem::exists(
      dir.file("new/models/Task_go-nogo_N_20_Taus_4_20_Act_sigmoid_seed_2.pt")));
  EXPECT_NE(run_cli("train --act tanh --output-dir " + dir.path().string(), dir)
                .output.find("activation: expected sigmoid, clipped_relu or softplus"),
            std::string::npos);
}

TEST(Cli, TrainTakesEveryTableSettingFromConfigAndFlags) {
  ScratchDir dir;
  std::ofstream(dir.file("train.json"))
      << R"({"N": 12, "n_trials": 2, "activation": "softplus", "decay_taus": [5],)"
      << R"( "eval_freq": 1, "output_dir": "out", "seed": 4})";
  const CliRun run = run_cli(
      "train --config " + dir.file("train.json") + " --act clipped_relu --decay-taus 3 9", dir);
  EXPECT_EQ(run.status, 0) << run.output;
  // eval_freq 1: an evaluation after every trial (0-based); the flags override the config.
  EXPECT_NE(run.output.find("trial      1  accuracy"), std::string::npos) << run.output;
  EXPECT_TRUE(std::filesystem::exists(
      dir.file("out/Task_go-nogo_N_12_Taus_3_9_Act_clipped_relu_seed_4.mat")))
      << run.output;
  EXPECT_NE(run_cli("train --config " + dir.file("train.json") + " --n-trials many", dir)
                .output.find(R"(--n-trials: expected an integer, found string "many")"),
            std::string::npos);
}

TEST(Cli, VersionAndHelp) {
  ScratchDir dir;
  const CliRun version = run_cli("--version", dir);
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.output.find("LibTorch"), std::string::npos) << version.output;
  EXPECT_NE(version.output.find(SPIKERNN_CLI_MPI ? "MPI built in" : "MPI not built in"),
            std::string::npos)
      << version.output;
  const CliRun help = run_cli("simulate --help", dir);
  EXPECT_EQ(help.status, 0);
  for (const char* flag :
       {"--model", "--scaling-factor", "--stimulus", "--stims-mode", "--stims-dur", "--stims-units",
        "--downsample", "--use-initial-weights", "--seed", "--device", "--record", "--output",
        "--config", "--clamp-negative-weights"})
    EXPECT_NE(help.output.find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace spikernn
