#include <gtest/gtest.h>

#include "spikernn/core/error.hpp"
#include "spikernn/core/tasks.hpp"
#include "spikernn/core/time_grid.hpp"
#include "spikernn/io/mat_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using testing::source_path;

// Stimuli made by the PyTorch rate package's task classes (tools/make_task_fixtures.py).
const MatReader& rate_tasks() {
  static const MatReader reader(source_path("tests/data/rate_tasks.mat"));
  return reader;
}

Trial trial_of(const AbstractSpikingTask& task, const std::string& condition, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  return task.generate_stimulus(condition, rng);
}

TEST(Tasks, GoNoGoMatchesTheRatePackage) {
  const GoNoGoTask task;
  EXPECT_TRUE(torch::equal(trial_of(task, "go").u, rate_tasks().read_numeric("go")));
  EXPECT_TRUE(torch::equal(trial_of(task, "nogo").u, rate_tasks().read_numeric("nogo")));
  EXPECT_EQ(trial_of(task, "go").label, 1.0);
  EXPECT_EQ(trial_of(task, "nogo").label, 0.0);
}

TEST(Tasks, XorMatchesTheRatePackage) {
  const XorTask task;
  for (auto [pattern, name] : {std::pair{"++", "pp"}, {"+-", "pm"}, {"-+", "mp"}, {"--", "mm"}}) {
    const Trial t = trial_of(task, pattern);
    EXPECT_TRUE(torch::equal(t.u, rate_tasks().read_numeric(std::string("xor_") + name)))
        << pattern;
    EXPECT_EQ(t.label,
              rate_tasks().read_numeric(std::string("xor_") + name + "_label").item<double>())
        << pattern;
  }
}

TEST(Tasks, ManteHasTheRatePackagesLayout) {
  const ManteTask task;
  for (const std::string context : {"color", "motion"}) {
    const torch::Tensor theirs = rate_tasks().read_numeric("mante_" + context);
    const Trial ours = trial_of(task, context);
    ASSERT_EQ(ours.u.sizes(), theirs.sizes());
    EXPECT_TRUE(torch::equal(ours.u[0], theirs[0])) << "context cue on input 0";
    EXPECT_TRUE(torch::equal(ours.u.ne(0), theirs.ne(0))) << "evidence on inputs 1-2, 50:250";
    EXPECT_EQ(ours.u[3].abs().sum().item<double>(), 0.0);
    const double relevant = ours.inputs.at(context);
    EXPECT_EQ(ours.label, relevant > 0 ? 1.0 : -1.0);
    EXPECT_LE(std::abs(ours.inputs.at("color")), 1.25);
    EXPECT_DOUBLE_EQ(ours.u[1][100].item<double>(), ours.inputs.at("color"));
    EXPECT_DOUBLE_EQ(ours.u[2][100].item<double>(), ours.inputs.at("motion"));
  }
}

TEST(Tasks, TheOriginalsManteHasItsLayout) {
  const ManteOriginalTask task;
  EXPECT_EQ(make_task("mante_original")->name(), "mante-original");
  for (const std::string context : {"motion", "color"}) {
    const Trial t = trial_of(task, context, context == "color" ? 3 : 4);
    ASSERT_EQ(t.u.sizes(), (std::vector<int64_t>{4, 501}));
    // The context: one-hot on inputs 2-3, held for the whole trial.
    EXPECT_TRUE(t.u[context == "motion" ? 2 : 3].eq(1).all().item<bool>());
    EXPECT_TRUE(t.u[context == "motion" ? 3 : 2].eq(0).all().item<bool>());
    EXPECT_TRUE(has_original_mante_layout(t.u));
    for (int64_t input : {0, 1}) {
      // Evidence only over [50, 250), N(±0.5, 1) per column.
      const torch::Tensor evidence = t.u[input].slice(0, 50, 250);
      EXPECT_TRUE(evidence.ne(0).all().item<bool>());
      EXPECT_EQ(t.u[input].slice(0, 0, 50).abs().sum().item<double>(), 0.0);
      EXPECT_EQ(t.u[input].slice(0, 250).abs().sum().item<double>(), 0.0);
      const double offset = t.inputs.at(input == 0 ? "motion" : "color");
      EXPECT_EQ(std::abs(offset), 0.5);
      EXPECT_NEAR(evidence.mean().item<double>(), offset, 0.3);  // 200 draws: SD of mean 0.07
      EXPECT_NEAR(evidence.std().item<double>(), 1.0, 0.2);
    }
    EXPECT_EQ(t.label, t.inputs.at(context) > 0 ? 1.0 : -1.0);
  }
  EXPECT_FALSE(has_original_mante_layout(trial_of(ManteTask(), "color").u));
}

TEST(Tasks, DownsampledOutputsAreScoredOverTheSameWindowInSeconds) {
  // A Go trial scored from base step 10,000 (0.5 s): an output pulse at 0.6 s is a response, one
  // at 0.3 s is not, whatever the downsampling. Downsampled by k, the network's step is k·dt and
  // its output holds every k-th base step.
  const GoNoGoTask task;
  std::mt19937_64 rng(1);
  const std::vector<Trial> go = {task.generate_stimulus("go", rng)};
  for (int64_t k : {1, 2, 3}) {
    const int64_t nt = kStepsPerColumn * ((201 + k - 1) / k - 1);  // the LIF network's steps
    for (const auto& [first, correct] : {std::pair{12000, true}, {6000, false}}) {
      const torch::Tensor out = torch::zeros({1, nt}, torch::kFloat64);
      for (int64_t s = 0; s < nt; ++s)
        if (s * k >= first && s * k < first + 300) out[0][s] = 1.0;
      const TaskPerformance p = task.evaluate_performance(outputs_at_base_step(out, k), go);
      EXPECT_EQ(p.overall_accuracy, correct ? 1.0 : 0.0) << "downsample " << k << ", " << first;
    }
  }
  EXPECT_EQ(outputs_at_base_step(torch::tensor({{1.0, 2.0}}), 3).sizes(),
            (std::vector<int64_t>{1, 6}));
  EXPECT_THROW(outputs_at_base_step(torch::tensor({{1.0}}), 0), InvalidArgument);
}

TEST(Tasks, RandomTrialsAreReproducibleAndMixed) {
  const XorTask task;
  std::mt19937_64 a(3), b(3);
  const auto first = task.sample_trials(40, a), second = task.sample_trials(40, b);
  std::set<std::string> seen;
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_TRUE(torch::equal(first[i].u, second[i].u));
    seen.insert(first[i].condition);
  }
  EXPECT_EQ(seen.size(), 4u);
}

torch::Tensor output(int64_t nt, int64_t from, double value) {
  torch::Tensor out = torch::zeros({nt}, torch::kFloat64);
  out.slice(0, from).fill_(value);
  return out;
}

TEST(Tasks, ScoringFollowsTheOriginalGridSearch) {
  const GoNoGoTask go_nogo;
  const Trial go = trial_of(go_nogo, "go"), nogo = trial_of(go_nogo, "nogo");
  EXPECT_TRUE(go_nogo.evaluate_trial(output(20000, 10000, 0.71), go));
  EXPECT_FALSE(go_nogo.evaluate_trial(output(20000, 10000, 0.69), go));
  EXPECT_FALSE(go_nogo.evaluate_trial(
      output(20000, 0, 0.9).slice(0, 0, 20000) * torch::arange(20000).lt(10000), go))
      << "a response before step 10000 does not count";
  EXPECT_TRUE(go_nogo.evaluate_trial(output(20000, 10000, 0.29), nogo));
  EXPECT_FALSE(go_nogo.evaluate_trial(output(20000, 10000, 0.31), nogo));

  const XorTask xor_task;
  EXPECT_TRUE(xor_task.evaluate_trial(output(30000, 20000, 0.8), trial_of(xor_task, "++")));
  EXPECT_FALSE(xor_task.evaluate_trial(output(30000, 20000, 0.8), trial_of(xor_task, "+-")));
  EXPECT_TRUE(xor_task.evaluate_trial(output(30000, 20000, -0.8), trial_of(xor_task, "-+")));
  const ManteTask mante;
  Trial positive = trial_of(mante, "color");
  positive.label = 1;
  EXPECT_TRUE(mante.evaluate_trial(output(50000, 26000, 0.75), positive));
  EXPECT_FALSE(mante.evaluate_trial(output(50000, 26000, -0.75), positive));

  const GoNoGoTask strict(nlohmann::json{{"go_threshold", 0.9}});
  EXPECT_FALSE(strict.evaluate_trial(output(20000, 10000, 0.8), go)) << "thresholds are settings";
}

TEST(Tasks, PerformanceIsReportedPerCondition) {
  const GoNoGoTask task;
  const std::vector<Trial> trials = {trial_of(task, "go"), trial_of(task, "go"),
                                     trial_of(task, "nogo")};
  const torch::Tensor outs =
      torch::stack({output(20000, 10000, 1.0), output(20000, 10000, 0.0), output(20000, 0, 0.0)});
  const TaskPerformance p = task.evaluate_performance(outs, trials);
  EXPECT_DOUBLE_EQ(p.overall_accuracy, 2.0 / 3);
  EXPECT_DOUBLE_EQ(p.condition_accuracy.at("go"), 0.5);
  EXPECT_DOUBLE_EQ(p.condition_accuracy.at("nogo"), 1.0);
  EXPECT_EQ(p.condition_trials.at("go"), 2);
}

TEST(Tasks, SettingsComeFromJsonStrictly) {
  const auto task = make_task("xor", {{"threshold", 0.5}, {"delay", 20}});
  EXPECT_EQ(task->settings().at("threshold"), 0.5);
  EXPECT_EQ(task->settings().at("columns"), 301);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(make_task("mante", {{"stim_off", 3}}), ConfigError)
                .find("unknown key 'stim_off'"),
            std::string::npos);
  EXPECT_NE(
      SPIKERNN_ERROR_MESSAGE(make_task("go-nogo", {{"stim_on", 190}}), ConfigError).find("stim_on"),
      std::string::npos);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(make_task("sudoku"), InvalidArgument).find("known tasks"),
            std::string::npos);
  EXPECT_THROW(trial_of(GoNoGoTask(), "maybe"), InvalidArgument);
}

// wmRNN's DMS trial (cross_temporal_disc.m): u(1, 31:80) = cue, u(2, 231:280) = probe, 411 columns.
TEST(Tasks, DelayedMatchToSampleHasThePapersTimingAndXorsRule) {
  const auto task = make_task("dms");
  EXPECT_EQ(task->name(), "dms");
  EXPECT_EQ(task->columns(), 411);
  std::mt19937_64 rng(0);
  const Trial match = task->generate_stimulus("--", rng),
              other = task->generate_stimulus("+-", rng);
  EXPECT_EQ(match.label, 1);
  EXPECT_EQ(other.label, -1);
  torch::Tensor expected = torch::zeros({2, 411}, torch::kDouble);
  expected[0].slice(0, 30, 80).fill_(1);
  expected[1].slice(0, 230, 280).fill_(-1);
  EXPECT_TRUE(torch::equal(other.u, expected));
  EXPECT_EQ(task->response_onset_step(), 29000);
  EXPECT_EQ(task->target_window(), (std::pair<int64_t, int64_t>{290, 390}));
  // Settings are read over the DMS defaults, not XOR's.
  const auto short_delay = make_task("dms", {{"delay", 10}});
  EXPECT_EQ(short_delay->settings().at("columns"), 411);
  EXPECT_EQ(short_delay->settings().at("stim_on"), 30);
  EXPECT_EQ(make_task("xor")->settings().at("columns"), 301);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(make_task("dms", {{"delay", -1}}), ConfigError).find("dms task"),
            std::string::npos);
}

TEST(Tasks, ThePortsUnderscoreSpellingNamesTheSameTask) {
  const auto task = make_task("go_nogo", {{"stim_on", 40}});
  EXPECT_EQ(task->name(), "go-nogo");
  EXPECT_EQ(task->settings().at("stim_on"), 40);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(make_task("go__nogo"), InvalidArgument).find("'go__nogo'"),
            std::string::npos);
}

// A user's task, registered next to the built-in ones.
class AlwaysOnTask : public GoNoGoTask {
 public:
  using GoNoGoTask::GoNoGoTask;
  std::string name() const override { return "always-on"; }
};

TEST(Tasks, UserTasksCanBeRegistered) {
  register_task("always-on",
                [](const nlohmann::json& j) { return std::make_unique<AlwaysOnTask>(j); });
  const auto names = registered_tasks();
  EXPECT_NE(std::find(names.begin(), names.end(), "always-on"), names.end());
  EXPECT_EQ(make_task("always-on")->name(), "always-on");
}

}  // namespace
}  // namespace spikernn
