// A run as units: its parts, run apart and collected, give exactly what the whole run gives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spikernn/core/error.hpp"
#include "spikernn/core/evaluation.hpp"
#include "spikernn/core/grid_search.hpp"
#include "spikernn/core/task_run.hpp"
#include "spikernn/io/model_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using ::testing::HasSubstr;
using testing::kGoNoGoModel;
using testing::kShortGoNoGo;

// Go-NoGo trials shortened to 61 columns (6,000 steps) to keep the tests quick.
GridSearchSettings small_search() {
  GridSearchSettings s;
  s.task_settings = kShortGoNoGo;
  s.scaling_factors = {20, 60};
  s.n_trials_per_factor = 7;  // batches of 3, 3 and 1: a part may end mid-factor
  s.batch_size = 3;
  s.seed = 11;
  return s;
}

// A second model: the shipped one with its readout negated, so its scores differ.
RateModel other_model() {
  RateModel m = load_rate_model(kGoNoGoModel);
  m.w_out = -m.w_out;
  m.path = "negated";
  return m;
}

void expect_same(const GridSearchResult& a, const GridSearchResult& b) {
  EXPECT_EQ(a.model_path, b.model_path);
  EXPECT_EQ(a.accuracy, b.accuracy);
  EXPECT_EQ(a.condition_accuracy, b.condition_accuracy);
  EXPECT_EQ(a.opt_scaling_factor, b.opt_scaling_factor);
}

TEST(TaskRun, PartsRunApartAndCollectedGiveTheWholeResult) {
  const std::vector<RateModel> models = {load_rate_model(kGoNoGoModel), other_model()};
  const GridSearchSettings s = small_search();
  const TaskRun run = grid_search_run(models, s);
  EXPECT_EQ(run.unit_count(), 2 * 2 * 3);  // models × factors × batches
  const std::vector<GridSearchResult> whole = grid_search_results(run, run.collect(run.run()));

  std::vector<UnitScores> parts;
  EXPECT_EQ(run.trial_count({2, 3}), 4);  // units 2, 5, 8, 11: each the last batch, 1 trial
  for (int64_t i = 2; i >= 0; --i) {
    // Through JSON, as a shard's file or an MPI message carries them.
    for (const UnitScores& unit : run.run({i, 3}))
      parts.push_back(nlohmann::json(unit).get<UnitScores>());
  }
  const std::vector<GridSearchResult> merged = grid_search_results(run, run.collect(parts));
  ASSERT_EQ(merged.size(), 2u);
  expect_same(merged[0], whole[0]);
  expect_same(merged[1], whole[1]);
  EXPECT_NE(whole[0].accuracy, whole[1].accuracy);

  // Each model of a pooled run gets what a search of it alone gets.
  expect_same(whole[0], search_scaling_factor(models[0], s));
  expect_same(whole[1], search_scaling_factor(models[1], s));
}

// Without a parallel run (and on a GPU) a model's factors run together, in one simulate_factors
// call per batch; parts split those calls otherwise. The scores are the same.
TEST(TaskRun, FactorsRunTogetherGiveWhatUnitsRunApartGive) {
  GridSearchSettings s = small_search();
  s.scaling_factors = {20, 30, 60};
  const TaskRun apart = grid_search_run({load_rate_model(kGoNoGoModel)}, s);
  s.parallel = false;
  const TaskRun together = grid_search_run({load_rate_model(kGoNoGoModel)}, s);
  const std::vector<UnitScores> a = apart.collect(apart.run());
  const std::vector<UnitScores> b = together.collect(together.run());
  std::vector<UnitScores> parts = together.run({1, 2});
  for (UnitScores& unit : together.run({0, 2})) parts.push_back(std::move(unit));
  const std::vector<UnitScores> c = together.collect(parts);
  ASSERT_EQ(a.size(), 9u);
  for (size_t u = 0; u < a.size(); ++u) {
    EXPECT_EQ(nlohmann::json(a[u]), nlohmann::json(b[u])) << "unit " << u;
    EXPECT_EQ(nlohmann::json(a[u]), nlohmann::json(c[u])) << "unit " << u;
  }
}

TEST(TaskRun, CollectRefusesMissingDuplicateAndForeignUnits) {
  const TaskRun run = grid_search_run({load_rate_model(kGoNoGoModel)}, small_search());
  std::vector<UnitScores> first = run.run({0, 2});
  EXPECT_THAT(SPIKERNN_ERROR_MESSAGE(run.collect(first), InvalidArgument),
              HasSubstr("unit 1 of 6: missing"));
  std::vector<UnitScores> twice = first;
  twice.insert(twice.end(), first.begin(), first.end());
  EXPECT_THAT(SPIKERNN_ERROR_MESSAGE(run.collect(twice), InvalidArgument),
              HasSubstr("unit 0: given twice"));
  std::vector<UnitScores> foreign = first;
  foreign.front().unit = 9;
  EXPECT_THAT(SPIKERNN_ERROR_MESSAGE(run.collect(foreign), InvalidArgument),
              HasSubstr("this run has units 0 to 5"));
  EXPECT_THAT(SPIKERNN_ERROR_MESSAGE(run.run({2, 2}), InvalidArgument),
              HasSubstr("expected 0 <= index < count"));
}

TEST(TaskRun, EachModelIsReportedAsSoonAsItIsDone) {
  const std::vector<RateModel> models = {load_rate_model(kGoNoGoModel), other_model()};
  GridSearchSettings s = small_search();
  s.parallel = false;  // units in order: model 0's are all done before model 1's start
  const TaskRun run = grid_search_run(models, s);
  const std::vector<GridSearchResult> whole = grid_search_results(run, run.collect(run.run()));
  // Stopped once model 0 is done: model 0's result was handed over, and equals the whole run's.
  std::atomic<bool> cancel{false};
  std::vector<size_t> done;
  const auto on_model_done = [&](size_t m, const std::vector<UnitScores>& units) {
    done.push_back(m);
    EXPECT_EQ(units.size(), 6u);
    expect_same(grid_search_result(run, units, m), whole[m]);
    cancel = true;
  };
  EXPECT_THAT(SPIKERNN_ERROR_MESSAGE(run.run({}, {}, &cancel, on_model_done), Interrupted),
              HasSubstr("interrupted after 14 of 28 trials"));
  EXPECT_EQ(done, std::vector<size_t>{0});
}

TEST(TaskRun, EvaluationPartsGiveTheWholeEvaluation) {
  EvaluationSettings s;
  s.task_settings = kShortGoNoGo;
  s.scaling_factor = 25;
  s.n_trials = 8;
  s.batch_size = 3;
  s.seed = 4;
  const std::vector<RateModel> models = {load_rate_model(kGoNoGoModel), other_model()};
  const TaskRun run = evaluation_run(models, s);
  std::vector<UnitScores> parts = run.run({1, 2});
  for (const UnitScores& unit : run.run({0, 2}))
    parts.push_back(nlohmann::json(unit).get<UnitScores>());
  const std::vector<EvaluationResult> merged = evaluation_results(run, run.collect(parts));
  const std::vector<EvaluationResult> whole = evaluate_tasks(models, s);
  ASSERT_EQ(merged.size(), 2u);
  for (size_t m = 0; m < 2; ++m) {
    EXPECT_EQ(nlohmann::json(merged[m]).dump(), [&] {
      EvaluationResult w = whole[m];
      w.seconds = 0;
      return nlohmann::json(w).dump();
    }());
  }
  EXPECT_GT(whole[0].exc_rate_hz, 0);
  EXPECT_FALSE(whole[0].response_times.empty());
}

}  // namespace
}  // namespace spikernn
