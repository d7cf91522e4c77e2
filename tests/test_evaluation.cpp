#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "spikernn/core/error.hpp"
#include "spikernn/core/evaluation.hpp"
#include "spikernn/core/rate_network.hpp"
#include "spikernn/core/spike_analysis.hpp"
#include "spikernn/core/tasks.hpp"
#include "spikernn/io/mat_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

namespace fs = std::filesystem;
using testing::kGoNoGoModel;
using testing::ScratchDir;

bool is_png(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  return in && std::string(magic + 1, 3) == "PNG" && fs::file_size(path) > 1000;
}

TEST(Evaluation, ReportsAccuracyTimingRatesAndPlots) {
  // The full Go-NoGo task at the shipped model's λ = 20, where it scores 1.000 over 100 trials
  // (docs/model.md): a Go stimulus at 0.25 s of a 1 s trial.
  ScratchDir dir;
  EvaluationOptions o;
  o.model_path = kGoNoGoModel;
  o.scaling_factor = 20;
  o.n_trials = 16;
  o.batch_size = 8;
  o.seed = 3;
  o.plots_dir = dir.file("plots");
  const EvaluationResult r = evaluate_task(o);
  const int64_t go = r.performance.condition_trials.at("go");
  EXPECT_EQ(go + r.performance.condition_trials.at("nogo"), 16);
  EXPECT_GE(r.performance.overall_accuracy, 0.9);
  EXPECT_EQ(static_cast<double>(r.response_times.size()),
            static_cast<double>(go) * r.performance.condition_accuracy.at("go"))
      << "one response time per correct Go trial";
  ASSERT_FALSE(r.response_times.empty());
  for (double t : r.response_times) {
    EXPECT_GT(t, 0) << "after the stimulus onset";
    EXPECT_LT(t, 0.75) << "before the end of the trial";
  }
  EXPECT_GT(r.exc_rate_hz, 0);
  EXPECT_GT(r.inh_rate_hz, r.exc_rate_hz) << "inhibitory units fire faster in this model";
  EXPECT_GT(r.rate_correlation, 0.5) << "the LIF output follows the rate network's";
  ASSERT_EQ(r.plots.size(), 3u) << "outputs and one raster per condition";
  for (const auto& plot : r.plots) EXPECT_TRUE(is_png(plot)) << plot;

  const nlohmann::json j = r;
  for (const char* key : {"overall_accuracy", "go_accuracy", "nogo_accuracy", "response_times",
                          "exc_rate_hz", "inh_rate_hz", "rate_correlation", "plots", "warnings"})
    EXPECT_TRUE(j.contains(key)) << key;
}

TEST(Evaluation, ASilentReadoutHasKnownScores) {
  // w_out = 0: the output is 0 throughout, so every Go trial fails, every NoGo trial passes and
  // no trial has a response time.
  RateModel model = load_rate_model(kGoNoGoModel);
  model.w_out.zero_();
  EvaluationSettings s;
  s.scaling_factor = 20;
  s.n_trials = 10;
  s.seed = 4;
  s.task_settings = {{"columns", 81}, {"stim_on", 20}, {"stim_dur", 25}, {"score_from_step", 6000}};
  const EvaluationResult r = evaluate_task(model, s);
  const double nogo = static_cast<double>(r.performance.condition_trials.at("nogo"));
  ASSERT_GT(nogo, 0);
  ASSERT_LT(nogo, 10);
  EXPECT_EQ(r.performance.condition_accuracy.at("go"), 0.0);
  EXPECT_EQ(r.performance.condition_accuracy.at("nogo"), 1.0);
  EXPECT_DOUBLE_EQ(r.performance.overall_accuracy, nogo / 10);
  EXPECT_TRUE(r.response_times.empty());
  EXPECT_TRUE(std::isnan(r.response_time_mean));
}

TEST(Evaluation, ManteGivesPsychometricCurvesPerContext) {
  // The Mante task needs a four-input model: the Go-NoGo model's input weights, repeated.
  RateModel model = load_rate_model(kGoNoGoModel);
  model.w_in = model.w_in.repeat({1, 4});
  ScratchDir dir;
  const std::string path = dir.file("four_inputs.mat");
  write_mat_file(path, testing::variables_of(model));
  EvaluationOptions o;
  o.model_path = path;
  o.task = "mante";
  o.task_settings = {{"columns", 41}, {"stim_on", 5}, {"stim_dur", 20}, {"score_from_step", 2600}};
  o.scaling_factor = 30;
  o.n_trials = 16;
  o.batch_size = 8;
  const EvaluationResult r = evaluate_task(o);
  ASSERT_EQ(r.psychometric.size(), 4u) << "2 contexts × (color, motion)";
  for (const auto& curve : r.psychometric) {
    EXPECT_EQ(curve.input_level.size(), curve.fraction_positive.size());
    int64_t trials = 0;
    for (int64_t n : curve.trials) trials += n;
    EXPECT_EQ(trials, r.performance.condition_trials.at(curve.condition))
        << "every trial of the context in one bin";
    EXPECT_TRUE(std::is_sorted(curve.input_level.begin(), curve.input_level.end()));
  }

  // With w_out = 0 the output is 0: no +1 choice anywhere.
  model.w_out.zero_();
  const EvaluationResult silent = evaluate_task(model, o);
  for (const auto& curve : silent.psychometric)
    for (double p : curve.fraction_positive) EXPECT_EQ(p, 0.0) << curve.condition << curve.input;
}

TEST(Evaluation, NeedsAScalingFactor) {
  EvaluationOptions o;
  o.model_path = kGoNoGoModel;
  EXPECT_NE(
      SPIKERNN_ERROR_MESSAGE(evaluate_task(o), InvalidArgument).find("holds no opt_scaling_factor"),
      std::string::npos);
}

TEST(RateNetwork, TheTrainedRateModelDoesItsTask) {
  const RateModel model = load_rate_model(kGoNoGoModel);
  std::mt19937_64 rng(1);
  const GoNoGoTask task;
  const torch::Tensor go = rate_network_output(model, task.generate_stimulus("go", rng).u);
  const torch::Tensor nogo = rate_network_output(model, task.generate_stimulus("nogo", rng).u);
  EXPECT_EQ(go.numel(), 200);
  EXPECT_GT(go.slice(0, 100).max().item<double>(), 0.7);
  EXPECT_LT(nogo.slice(0, 100).max().item<double>(), 0.3);
}

TEST(SpikeAnalysis, FormatSpikeData) {
  torch::Tensor spk = torch::zeros({3, 10}, torch::kFloat64);
  spk[0][2] = 1;
  spk[0][7] = 1;
  spk[2][4] = 1;
  const SpikeData d = format_spike_data(spk, 0.001);
  EXPECT_EQ(d.total_spikes, 3);
  EXPECT_TRUE(
      torch::allclose(d.spike_times, torch::tensor({0.002, 0.007, 0.004}, torch::kFloat64)));
  EXPECT_TRUE(torch::equal(d.spike_neurons, torch::tensor({0, 0, 2}, torch::kLong)));
  EXPECT_TRUE(torch::allclose(d.firing_rates, torch::tensor({200.0, 0.0, 100.0}, torch::kFloat64)));
  EXPECT_TRUE(torch::equal(d.active_neurons, torch::tensor({0, 2}, torch::kLong)));
  EXPECT_THROW(format_spike_data(torch::zeros({3}), 0.001), InvalidArgument);
  EXPECT_THROW(format_spike_data(spk, 0), InvalidArgument);
}

TEST(SpikeAnalysis, ValidateStimulusAndGpu) {
  EXPECT_TRUE(validate_stimulus(torch::zeros({1, 201}), "go-nogo"));
  EXPECT_TRUE(validate_stimulus(torch::zeros({4, 501}), "mante"));
  EXPECT_NE(
      SPIKERNN_ERROR_MESSAGE(validate_stimulus(torch::zeros({1, 301}), "xor"), InvalidArgument)
          .find("expects 2 input row(s), found 1"),
      std::string::npos);
  EXPECT_THROW(validate_stimulus(torch::full({1, 5}, NAN), "go-nogo"), InvalidArgument);
  EXPECT_THROW(validate_stimulus(torch::zeros({1, 5}), "chess"), InvalidArgument);
  const auto [available, name] = check_gpu_availability();
  EXPECT_EQ(available, torch::cuda::is_available());
  EXPECT_FALSE(name.empty());
}

}  // namespace
}  // namespace spikernn
