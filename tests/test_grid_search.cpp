#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "spikernn/core/error.hpp"
#include "spikernn/core/grid_search.hpp"
#include "spikernn/core/tasks.hpp"
#include "spikernn/core/trial_runner.hpp"
#include "spikernn/io/mat_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

namespace fs = std::filesystem;
using testing::kGoNoGoModel;
using testing::kShortGoNoGo;
using testing::ScratchDir;

// Go-NoGo trials shortened to 61 columns (6,000 steps) to keep the tests quick.
std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A writable copy of the shipped model (copies keep the source's mode, which may be read-only).
void copy_model(const std::string& to) {
  fs::copy_file(kGoNoGoModel, to);
  fs::permissions(to, fs::perms::owner_write, fs::perm_options::add);
}

GridSearchOptions small_search(const std::string& model) {
  GridSearchOptions o;
  o.model_path = model;
  o.task_settings = kShortGoNoGo;
  o.scaling_factors = {20, 60};
  o.n_trials_per_factor = 8;
  o.batch_size = 4;
  o.seed = 5;
  return o;
}

TEST(GridSearch, FactorsFromRangesAndLists) {
  EXPECT_EQ(parse_scaling_factors("20:75:5").size(), 12u);
  EXPECT_EQ(parse_scaling_factors("20:75:5").back(), 75);
  EXPECT_EQ(parse_scaling_factors("30,50.5"), (std::vector<double>{30, 50.5}));
  EXPECT_EQ(GridSearchOptions{}.factors(), parse_scaling_factors("20:75:5")) << "the port's grid";
  EXPECT_THROW(parse_scaling_factors("20:75"), InvalidArgument);
  EXPECT_THROW(parse_scaling_factors("20,abc"), InvalidArgument);
  EXPECT_THROW(parse_scaling_factors("0,10"), InvalidArgument);
  EXPECT_THROW(parse_scaling_factors("75:20:5"), InvalidArgument);
}

TEST(GridSearch, FindsTheKnownOptimumOfTheShippedModel) {
  // docs/model.md: on the full Go-NoGo task the shipped model scores 1.000 at λ = 20 and misses
  // every Go trial at λ = 65, where its output no longer reaches 0.7.
  GridSearchSettings s;
  s.scaling_factors = {65, 20};
  s.n_trials_per_factor = 20;
  s.seed = 2;
  const GridSearchResult r = search_scaling_factor(load_rate_model(kGoNoGoModel), s);
  EXPECT_EQ(r.opt_scaling_factor, 20);
  EXPECT_GE(r.accuracy[1], 0.9);
  EXPECT_EQ(r.best_accuracy, r.accuracy[1]);
  EXPECT_EQ(r.condition_accuracy[0].at("go"), 0.0);
  EXPECT_LT(r.accuracy[0], 0.75);
}

TEST(GridSearch, WritesTheResultAndKeepsEveryOtherVariable) {
  ScratchDir dir;
  const std::string model = dir.file("model.mat");
  copy_model(model);
  const MatReader before_reader(kGoNoGoModel);
  const std::vector<std::string> before = before_reader.names();

  const GridSearchResult r = lambda_grid_search(small_search(model));
  EXPECT_TRUE(r.written);
  EXPECT_EQ(r.accuracy.size(), 2u);
  EXPECT_EQ(r.condition_accuracy.size(), 2u);

  const MatReader after(model);
  for (const std::string& name : before) {
    ASSERT_TRUE(after.has(name)) << name;
    if (name == "activation")
      EXPECT_EQ(after.read_string(name), before_reader.read_string(name));
    else
      EXPECT_TRUE(torch::equal(after.read_numeric(name), before_reader.read_numeric(name))) << name;
  }
  EXPECT_EQ(after.read_numeric("opt_scaling_factor").item<double>(), r.opt_scaling_factor);
  EXPECT_EQ(after.read_numeric("all_perfs").sizes(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(after.read_numeric("scaling_factors").reshape({-1})[1].item<double>(), 60);
  EXPECT_EQ(load_rate_model(model).opt_scaling_factor, r.opt_scaling_factor);
  // A second search replaces the three variables rather than adding copies.
  lambda_grid_search(small_search(model));
  EXPECT_EQ(MatReader(model).names().size(), before.size() + 3);
}

TEST(GridSearch, NoWriteAndReadOnlyFilesStayByteForByte) {
  ScratchDir dir;
  const std::string model = dir.file("model.mat");
  copy_model(model);
  const std::string original = bytes_of(model);
  GridSearchOptions o = small_search(model);
  o.write_to_model = false;
  EXPECT_FALSE(lambda_grid_search(o).written);
  EXPECT_EQ(bytes_of(model), original);

  fs::permissions(model, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const std::string message =
      SPIKERNN_ERROR_MESSAGE(lambda_grid_search(small_search(model)), FileError);
  EXPECT_NE(message.find("read-only"), std::string::npos) << message;
  EXPECT_EQ(bytes_of(model), original);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), {}), 1) << "no temporary left";
}

TEST(GridSearch, TwoSearchesCannotWriteTheSameModelAtOnce) {
  ScratchDir dir;
  const std::string model = dir.file("model.mat");
  copy_model(model);
  const std::string original = bytes_of(model);
  // Another search holds the model's lock (an flock on the file, as a running search does).
  const int other = ::open(model.c_str(), O_RDONLY);
  ASSERT_EQ(::flock(other, LOCK_EX | LOCK_NB), 0);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(lambda_grid_search(small_search(model)), FileError)
                .find("another grid search is writing to this model"),
            std::string::npos);
  EXPECT_EQ(bytes_of(model), original);
  GridSearchOptions read_only = small_search(model);
  read_only.write_to_model = false;
  EXPECT_NO_THROW(lambda_grid_search(read_only)) << "--no-write searches need no lock";
  ::close(other);
  EXPECT_TRUE(lambda_grid_search(small_search(model)).written);
}

TEST(GridSearch, InterruptedSearchLeavesTheModelUntouched) {
  ScratchDir dir;
  const std::string model = dir.file("model.mat");
  copy_model(model);
  const std::string original = bytes_of(model);
  std::atomic<bool> cancel{true};
  GridSearchOptions o = small_search(model);
  o.cancel = &cancel;
  const std::string message = SPIKERNN_ERROR_MESSAGE(lambda_grid_search(o), Interrupted);
  EXPECT_NE(message.find("interrupted after 0 of " + std::to_string(2 * o.n_trials_per_factor) +
                         " trials; the model file was left untouched"),
            std::string::npos)
      << message;
  EXPECT_EQ(bytes_of(model), original);
}

TEST(GridSearch, ResultsDoNotDependOnTheNumberOfThreads) {
  const RateModel model = load_rate_model(kGoNoGoModel);
  SpikingConfig config;
  config.scaling_factor = 25;
  LIFNetwork network(config, model);
  const GoNoGoTask task(kShortGoNoGo);
  std::mt19937_64 rng(9);
  const std::vector<Trial> trials = task.sample_trials(12, rng);
  TrialRunOptions o;
  o.seed = 9;
  o.batch_size = 4;
  o.parallel = true;
  const TrialRunResult parallel = run_trials(*network, trials, o);
  o.parallel = false;
  const TrialRunResult serial = run_trials(*network, trials, o);
  EXPECT_TRUE(torch::equal(parallel.outs, serial.outs));
  EXPECT_TRUE(torch::equal(parallel.all_fr, serial.all_fr));
  EXPECT_EQ(parallel.outs.sizes(), (std::vector<int64_t>{12, 6000}));
}

TEST(GridSearch, PortFormSearchesEveryFileOfAFolder) {
  ScratchDir dir;
  copy_model(dir.file("a.mat"));
  copy_model(dir.file("b.mat"));
  std::ofstream(dir.file("notes.txt")) << "not a model";
  const std::vector<GridSearchResult> results =
      lambda_grid_search(dir.path().string(), "go-nogo", 1, {20});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(fs::path(results[1].model_path).filename(), "b.mat");
  EXPECT_TRUE(MatReader(dir.file("a.mat")).has("opt_scaling_factor"));
  fs::create_directory(dir.file("empty"));
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(mat_files_in(dir.file("empty")), FileError).find("no .mat"),
            std::string::npos);
  EXPECT_THROW(lambda_grid_search(dir.file("none.mat"), "go-nogo", 1, {20}), FileError);

  const nlohmann::json j = results[0];
  for (const char* key : {"scaling_factors", "accuracy", "condition_accuracy", "opt_scaling_factor",
                          "best_accuracy", "seed"})
    EXPECT_TRUE(j.contains(key)) << key;
}

TEST(GridSearch, TaskAndModelMustAgree) {
  GridSearchOptions o = small_search(kGoNoGoModel);
  o.task_type = "xor";
  o.task_settings = nlohmann::json::object();
  o.write_to_model = false;
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(lambda_grid_search(o), InvalidArgument).find("2 inputs"),
            std::string::npos);
}

}  // namespace
}  // namespace spikernn
