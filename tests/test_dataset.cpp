// Trial datasets: simulate_dataset, the spike list, the MAT v7.3 file and `spikernn dataset`.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "spikernn/spikernn.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using testing::kGoNoGoModel;
using testing::kShortGoNoGo;
using testing::ScratchDir;

TaskSetup short_go_nogo_setup() {
  return prepare_task_run(load_rate_model(kGoNoGoModel), "go-nogo", kShortGoNoGo, task_run_config(),
                          20.0, 0);
}

TrialDataset small_dataset(bool parallel, int64_t batch_size = 3) {
  DatasetOptions o;
  o.trials_per_condition = 4;
  o.run.seed = 7;
  o.run.batch_size = batch_size;
  o.run.parallel = parallel;
  return simulate_dataset(short_go_nogo_setup(), o, {{"run", "test"}});
}

void expect_same(const TrialDataset& a, const TrialDataset& b) {
  EXPECT_EQ(a.n_trials, b.n_trials);
  EXPECT_EQ(a.N, b.N);
  EXPECT_EQ(a.n_steps, b.n_steps);
  EXPECT_EQ(a.dt, b.dt);
  EXPECT_TRUE(torch::equal(a.spike_trial, b.spike_trial));
  EXPECT_TRUE(torch::equal(a.spike_unit, b.spike_unit));
  EXPECT_TRUE(torch::equal(a.spike_step, b.spike_step));
  EXPECT_TRUE(torch::equal(a.condition, b.condition));
  EXPECT_EQ(a.conditions, b.conditions);
  EXPECT_TRUE(torch::equal(a.labels, b.labels));
  EXPECT_TRUE(torch::equal(a.correct, b.correct));
  EXPECT_TRUE(torch::equal(a.out, b.out));
  EXPECT_TRUE(torch::equal(a.exc, b.exc));
  EXPECT_TRUE(torch::equal(a.inh, b.inh));
  EXPECT_EQ(a.config, b.config);
}

TEST(Dataset, HoldsEveryConditionInOrderAndTheSameWhateverTheThreads) {
  const TrialDataset d = small_dataset(true);
  validate_dataset(d, "test");
  EXPECT_EQ(d.n_trials, 8);
  EXPECT_EQ(d.conditions, (std::vector<std::string>{"go", "nogo"}));
  EXPECT_TRUE(torch::equal(d.condition, torch::tensor({0, 0, 0, 0, 1, 1, 1, 1}, torch::kLong)));
  // Go trials carry their stimulus on input 0; NoGo trials none.
  EXPECT_TRUE(torch::equal(d.labels.select(1, 0),
                           torch::tensor({1., 1., 1., 1., 0., 0., 0., 0.}, torch::kDouble)));
  // One output per stimulus column: the mean over the steps the column drives.
  EXPECT_EQ(d.out.sizes(), (std::vector<int64_t>{8, kShortGoNoGo["columns"].get<int64_t>()}));
  EXPECT_GT(d.spike_trial.numel(), 0);
  EXPECT_EQ(d.exc.sum().item<int64_t>() + d.inh.sum().item<int64_t>(), d.N);
  expect_same(d, small_dataset(false));
}

TEST(Dataset, SpikeListIsTheSpikeTraceOfTheSameTrials) {
  const TaskSetup setup = short_go_nogo_setup();
  std::mt19937_64 rng(3);
  const torch::Tensor u = stack_inputs(setup.task->sample_trials(3, rng), 0, 3);
  const SimulationResult listed =
      setup.network->simulate_batch(u, Stims::none(), Record::parse("spike_list,spk"), 11);
  const torch::Tensor at = listed.spk.nonzero();  // (trial, unit, step), sorted that way
  ASSERT_EQ(listed.spike_list.size(0), at.size(0));
  ASSERT_GT(at.size(0), 0);
  // The same spikes, listed by trial, step and unit.
  const torch::Tensor list = listed.spike_list;
  const auto key = [&](const torch::Tensor& trial, const torch::Tensor& step,
                       const torch::Tensor& unit) {
    return ((trial * listed.spk.size(2) + step) * listed.spk.size(1) + unit);
  };
  const torch::Tensor from_list = key(list.select(1, 0), list.select(1, 1), list.select(1, 2));
  EXPECT_TRUE((from_list.slice(0, 1) > from_list.slice(0, 0, -1)).all().item<bool>());
  EXPECT_TRUE(torch::equal(
      from_list, std::get<0>(key(at.select(1, 0), at.select(1, 2), at.select(1, 1)).sort())));
  // The reference engine lists the same spikes from its trace (torch noise: same numbers).
  SpikingConfig reference = setup.network->config();
  reference.engine = Engine::Reference;
  reference.noise = Noise::Torch;
  SpikingConfig fused = reference;
  fused.engine = Engine::Fused;
  const LIFNetwork a(reference, setup.model), b(fused, setup.model);
  EXPECT_TRUE(
      torch::equal(a->simulate_batch(u, Stims::none(), Record::parse("spike_list"), 5).spike_list,
                   b->simulate_batch(u, Stims::none(), Record::parse("spike_list"), 5).spike_list));
}

TEST(Dataset, BinnedCountsCountEverySpikeOfTheWindow) {
  const TrialDataset d = small_dataset(true);
  const torch::Tensor counts = binned_spike_counts(d, 0, d.n_steps, 100);
  EXPECT_EQ(counts.sizes(), (std::vector<int64_t>{d.n_trials, d.N, d.n_steps / 100}));
  const int64_t kept = (d.spike_step < (d.n_steps / 100) * 100).sum().item<int64_t>();
  EXPECT_EQ(counts.sum().item<double>(), static_cast<double>(kept));
  // Unit 0 of trial 0 in bin 2 by hand.
  const auto hand =
      ((d.spike_trial == 0) & (d.spike_unit == 0) & (d.spike_step >= 200) & (d.spike_step < 300))
          .sum()
          .item<int64_t>();
  EXPECT_EQ(counts[0][0][2].item<double>(), static_cast<double>(hand));
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(binned_spike_counts(d, 0, d.n_steps + 1, 100), InvalidArgument)
                .find("last step"),
            std::string::npos);
}

TEST(Dataset, FileRoundTripsInBothFormatsAndNamesWhatIsWrong) {
  const ScratchDir dir;
  const TrialDataset d = small_dataset(true);
  write_dataset_file(dir.file("d.mat"), d);
  expect_same(d, read_dataset_file(dir.file("d.mat")));
  write_dataset_file(dir.file("d5.mat"), d, MatFormat::V5);
  expect_same(d, read_dataset_file(dir.file("d5.mat")));

  // A spike of a unit the network does not have: named, and nothing written.
  TrialDataset bad = d;
  bad.spike_unit = d.spike_unit.clone();
  bad.spike_unit[0] = d.N;
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(write_dataset_file(dir.file("bad.mat"), bad), InvalidArgument)
                .find("'spike_unit'"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.mat")));
  // A file without one of the variables: the file and the variable named.
  write_mat_file(dir.file("partial.mat"), {{"n_trials", torch::tensor(int64_t{1})}},
                 MatFormat::V73);
  const std::string missing =
      SPIKERNN_ERROR_MESSAGE(read_dataset_file(dir.file("partial.mat")), ModelFormatError);
  EXPECT_NE(missing.find("partial.mat"), std::string::npos) << missing;
  EXPECT_NE(missing.find("'N'"), std::string::npos) << missing;
  // A truncated v7.3 file: HDF5's multi-line error stack comes as one line.
  {
    std::ifstream whole(dir.file("d.mat"), std::ios::binary);
    std::string head(20000, '\0');
    whole.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(dir.file("cut.mat"), std::ios::binary) << head;
  }
  const std::string cut = SPIKERNN_ERROR_MESSAGE(read_dataset_file(dir.file("cut.mat")), Error);
  EXPECT_NE(cut.find("cut.mat'"), std::string::npos) << cut;
  EXPECT_EQ(cut.find('\n'), std::string::npos) << cut;
}

// A spike index or flag that a conversion would truncate or wrap is refused, as n_trials = 12.5
// is, naming the file, the variable and the value.
TEST(Dataset, NonIntegerIndicesAndFlagsAreRefusedNotTruncated) {
  const ScratchDir dir;
  const TrialDataset d = small_dataset(false);
  const auto refused = [&](const char* name, const torch::Tensor& value) {
    const std::string file = dir.file(std::string(name) + ".mat");
    write_dataset_file(file, d, MatFormat::V5);
    update_mat_file(file, {{name, value}});
    return SPIKERNN_ERROR_MESSAGE(read_dataset_file(file), ModelFormatError);
  };
  torch::Tensor units = d.spike_unit.to(torch::kDouble).reshape({1, -1});
  units[0][3] = 3.7;
  const std::string fraction = refused("spike_unit", units);
  EXPECT_NE(fraction.find("variable 'spike_unit': expected integers, found 3.7 at element 4"),
            std::string::npos)
      << fraction;
  torch::Tensor steps = d.spike_step.to(torch::kDouble).reshape({1, -1});
  steps[0][0] = -0.5;
  EXPECT_NE(refused("spike_step", steps).find("'spike_step': expected integers"),
            std::string::npos);
  torch::Tensor correct = d.correct.to(torch::kDouble).reshape({1, -1});
  correct[0][1] = 2;
  EXPECT_NE(refused("correct", correct).find("'correct': expected 0 or 1, found 2"),
            std::string::npos);
}

// What other tools write: conditions as a cell array of strings (MATLAB's {'go', 'nogo'}, scipy's
// object arrays) and v7.3 classes null-padded (h5py's fixed-length strings), both made by
// tools/make_dataset_fixtures.py from one dataset.
TEST(Dataset, ReadsCellConditionsAndNullPaddedClassesAsOtherToolsWriteThem) {
  const TrialDataset cells =
      read_dataset_file(testing::source_path("tests/data/dataset_cell_conditions_v5.mat"));
  const TrialDataset padded =
      read_dataset_file(testing::source_path("tests/data/dataset_null_padded_v73.mat"));
  EXPECT_EQ(cells.conditions, (std::vector<std::string>{"go", "nogo"}));
  EXPECT_EQ(cells.n_trials, 4);
  EXPECT_GT(cells.spike_unit.numel(), 100);
  expect_same(cells, padded);
}

TEST(Dataset, CommandWritesTheDatasetAndRefusesBadInputWithoutOutput) {
  const ScratchDir dir;
  const std::string common = "dataset --model '" + kGoNoGoModel +
                             "' --task-setting columns=61 --task-setting stim_on=20 "
                             "--task-setting stim_dur=10 --task-setting score_from_step=3500 "
                             "--scaling-factor 20 --seed 2 ";
  const auto run =
      testing::run_cli(common + "--trials-per-condition 3 --scale-synapses ii=1.3 --output '" +
                           dir.file("d.mat") + "'",
                       dir);
  ASSERT_EQ(run.status, 0) << run.output;
  const TrialDataset d = read_dataset_file(dir.file("d.mat"));
  EXPECT_EQ(d.n_trials, 6);
  EXPECT_EQ(d.config["task"], "go-nogo");
  EXPECT_EQ(d.config["scaling_factor"], 20.0);
  EXPECT_EQ(d.config["trials_per_condition"], 3);
  EXPECT_EQ(d.config["perturbations"]["scale_synapses"]["ii"], 1.3);
  EXPECT_EQ(d.config["task_settings"]["columns"], 61);
  // The recorded config is a config of the command: it makes the same dataset again.
  nlohmann::json again = d.config;
  again["output"] = dir.file("again.mat");
  std::ofstream(dir.file("again.json")) << again.dump();
  const auto rerun = testing::run_cli("dataset --config '" + dir.file("again.json") + "'", dir);
  ASSERT_EQ(rerun.status, 0) << rerun.output;
  expect_same(d, read_dataset_file(dir.file("again.mat")));

  const auto bad = testing::run_cli(
      common + "--trials-per-condition 0 --output '" + dir.file("bad.mat") + "'", dir);
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("trials per condition"), std::string::npos) << bad.output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.mat")));
}

// The layout as docs/experiments.md reads it with h5py (MATLAB's arrays transposed).
TEST(Dataset, H5pyReadsTheLayoutAsTheDocsSay) {
  const ScratchDir dir;
  if (testing::run_shell("/usr/bin/python3 -c 'import h5py'", dir).status != 0)
    GTEST_SKIP() << "h5py is not installed for /usr/bin/python3 (Debian: python3-h5py)";
  TrialDataset d = small_dataset(true);
  d.conditions = {"go", "no-go"};
  write_dataset_file(dir.file("d.mat"), d);
  const std::string script = dir.file("read.py");
  std::ofstream(script) << R"(import json, sys
import h5py

f = h5py.File(sys.argv[1], "r")
trial, unit, step = (f[k][()].ravel() for k in ("spike_trial", "spike_unit", "spike_step"))
names = ["".join(map(chr, row)).rstrip() for row in f["conditions"][()].T]
out = f["out"][()].T
config = json.loads("".join(map(chr, f["config"][()].ravel())))
print(len(trial), unit.max(), step.max(), names, out.shape, config["run"])
)";
  const auto run = testing::run_shell("/usr/bin/python3 " + script + " " + dir.file("d.mat"), dir);
  ASSERT_EQ(run.status, 0) << run.output;
  std::ostringstream expected;
  expected << d.spike_trial.numel() << " " << d.spike_unit.max().item<int64_t>() << " "
           << d.spike_step.max().item<int64_t>() << " ['go', 'no-go'] (" << d.n_trials << ", "
           << d.out.size(1) << ") test";
  EXPECT_EQ(run.output.substr(0, run.output.find('\n')), expected.str());
}

}  // namespace
}  // namespace spikernn
