// The dataset analyses (spikernn/core/dataset_analysis.hpp) on synthetic data with known answers.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "spikernn/core/dataset_analysis.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/io/dataset_file.hpp"
#include "spikernn/plots/analysis_figures.hpp"
#include "spikernn/plots/figures.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using torch::indexing::Slice;

// A dataset from a dense raster `spikes` (bool, trials × steps × units), whose nonzero entries
// come out sorted by trial, then step, then unit, as the dataset keeps them. Units below
// `n_exc` are excitatory.
TrialDataset dataset_from_raster(const torch::Tensor& spikes, double dt,
                                 const std::vector<int64_t>& condition,
                                 std::vector<std::string> conditions, int64_t n_exc) {
  TrialDataset d;
  d.n_trials = spikes.size(0);
  d.n_steps = spikes.size(1);
  d.N = spikes.size(2);
  d.dt = dt;
  const torch::Tensor at = spikes.nonzero();
  d.spike_trial = at.select(1, 0).contiguous();
  d.spike_step = at.select(1, 1).contiguous();
  d.spike_unit = at.select(1, 2).contiguous();
  d.condition = torch::tensor(condition, torch::kLong);
  d.conditions = std::move(conditions);
  d.labels = torch::zeros({d.n_trials, 1}, torch::kFloat64);
  d.correct = torch::ones({d.n_trials}, torch::kBool);
  d.out = torch::zeros({d.n_trials, 1}, torch::kFloat64);
  d.exc = torch::arange(d.N).lt(n_exc);
  d.inh = d.exc.logical_not();
  d.config = nlohmann::json::object();
  return d;
}

// Trials alternate between two conditions.
std::vector<int64_t> alternating(int64_t n_trials) {
  std::vector<int64_t> c;
  for (int64_t t = 0; t < n_trials; ++t) c.push_back(t % 2);
  return c;
}

// Bernoulli spikes with probability rate·dt per step; `rate_hz` broadcasts to trials × steps ×
// units.
torch::Tensor bernoulli_raster(const torch::Tensor& rate_hz, double dt, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::rand(rate_hz.sizes(), gen, torch::kFloat64).lt(rate_hz * dt);
}

TEST(AnalysisFit, RecoversAnExactExponentialAndRefusesARisingCurve) {
  std::vector<double> x, y, rising;
  for (int lag = 1; lag <= 10; ++lag) {
    x.push_back(lag);
    y.push_back(0.5 * (std::exp(-lag / 3.0) + 0.1));
    rising.push_back(0.05 * lag);
  }
  const ExponentialFit f = fit_exponential_decay(x, y, 100);
  ASSERT_TRUE(f.ok);
  EXPECT_NEAR(f.tau, 3.0, 1e-6);
  EXPECT_NEAR(f.amplitude, 0.5, 1e-6);
  EXPECT_NEAR(f.offset, 0.1, 1e-5);
  EXPECT_FALSE(fit_exponential_decay(x, rising, 100).ok);
  EXPECT_FALSE(fit_exponential_decay({1, 2}, {0.3, 0.2}, 100).ok);  // 3 parameters, 2 points
}

TEST(AnalysisFano, PoissonTrainsHaveFanoFactorOne) {
  // 10 Hz Bernoulli trains (p = 0.01 per 1 ms step): counts are binomial, Fano factor 1 − p.
  // Each window's ratio has an SD of about sqrt(2 / 99) ≈ 0.14 over 100 trials; the mean over
  // 20 units, 2 conditions and ~10 independent windows has an SD near 0.01, so 0.05 is 5 SD.
  const double dt = 1e-3, p = 0.01;
  const torch::Tensor raster =
      bernoulli_raster(torch::full({200, 1000, 20}, p / dt, torch::kFloat64), dt, 1);
  const TrialDataset d = dataset_from_raster(raster, dt, alternating(200), {"a", "b"}, 16);
  AnalysisSettings s;
  const FanoFactorResult r = fano_factor_over_time(d, s);
  EXPECT_NEAR(r.mean, 1 - p, 0.05);
  ASSERT_EQ(r.fano.sizes(), (std::vector<int64_t>{2, 19}));  // 100 ms windows every 50 ms in 1 s
  EXPECT_LT((r.fano - (1 - p)).abs().max().item<double>(), 0.2);  // each point: 5 SD of 0.03
  EXPECT_NEAR(r.time_s.front(), 0.05, 1e-12);
  EXPECT_NEAR(r.time_s.back(), 0.95, 1e-12);
  s.fano_window = 0.075;  // windows are whole runs of steps
  EXPECT_THROW(fano_factor_over_time(d, s), InvalidArgument);
}

TEST(AnalysisTimescales, RecoverTheTauOfOrnsteinUhlenbeckRates) {
  // Rates 60·(1 + 0.4·x(t)) Hz with x an Ornstein–Uhlenbeck process of τ = 150 ms (unit
  // variance, independent per trial and unit): the correlation of 50 ms counts k bins apart is
  // proportional to exp(−k·50/150), so the fit recovers τ itself.
  const double dt = 1e-3, tau = 0.15;
  const int64_t trials = 500, steps = 1000, units = 24;
  auto gen = at::detail::createCPUGenerator(7);
  const double a = std::exp(-dt / tau), b = std::sqrt(1 - a * a);
  torch::Tensor x = torch::randn({trials, units}, gen, torch::kFloat64);
  std::vector<torch::Tensor> path;
  for (int64_t t = 0; t < steps; ++t) {
    path.push_back(x);
    x = a * x + b * torch::randn({trials, units}, gen, torch::kFloat64);
  }
  const torch::Tensor rate = (60 * (1 + 0.4 * torch::stack(path, 1))).clamp_min(0);
  const TrialDataset d =
      dataset_from_raster(bernoulli_raster(rate, dt, 8), dt, alternating(trials), {"a", "b"}, 18);
  AnalysisSettings s;
  s.timescale_window = {0, 1};
  const TimescaleResult r = neuronal_timescales(d, s);
  ASSERT_EQ(r.lag_s.size(), 19u);
  EXPECT_GE(r.fitted, units * 3 / 4);
  EXPECT_NEAR(r.median_ms, 150, 30);  // within 20%
  EXPECT_NEAR(r.population_tau_ms, 150, 30);
  EXPECT_FALSE(std::isnan(r.median_ms_exc));
  EXPECT_FALSE(std::isnan(r.median_ms_inh));
}

TEST(AnalysisTimescales, CountEachExcludedUnitByItsReason) {
  // 12 trials of Poisson noise: unit 0 silent, unit 1 with 2 spikes, unit 2 at 150 Hz; with 5
  // trials every unit is excluded for too few trials.
  const double dt = 1e-3;
  torch::Tensor rate = torch::full({12, 500, 6}, 20.0, torch::kFloat64);
  rate.index_put_({Slice(), Slice(), 0}, 0.0);
  rate.index_put_({Slice(), Slice(), 1}, 0.0);
  rate.index_put_({Slice(), Slice(), 2}, 150.0);
  torch::Tensor raster = bernoulli_raster(rate, dt, 3);
  raster.index_put_({0, 10, 1}, true);
  raster.index_put_({3, 200, 1}, true);
  AnalysisSettings s;
  s.timescale_window = {0, 0.5};
  const TrialDataset d = dataset_from_raster(raster, dt, alternating(12), {"a", "b"}, 3);
  const TimescaleResult r = neuronal_timescales(d, s);
  EXPECT_EQ(r.status[0], TimescaleStatus::too_few_spikes);
  EXPECT_EQ(r.status[1], TimescaleStatus::too_few_spikes);
  EXPECT_EQ(r.status[2], TimescaleStatus::rate_above_max);
  EXPECT_EQ(r.excluded.at("too_few_spikes"), 2);
  EXPECT_EQ(r.excluded.at("rate_above_max"), 1);
  int64_t total = r.fitted;
  for (const auto& [reason, count] : r.excluded) total += count;
  EXPECT_EQ(total, 6);
  EXPECT_TRUE(std::isnan(r.tau_ms[0]));

  const TrialDataset few =
      dataset_from_raster(raster.slice(0, 0, 5), dt, alternating(5), {"a", "b"}, 3);
  EXPECT_EQ(neuronal_timescales(few, s).excluded.at("too_few_trials"), 6);
}

TEST(AnalysisTimescales, DefaultWindowIsThePreStimulusPeriodOfTheTask) {
  TrialDataset d = dataset_from_raster(torch::zeros({2, 8000, 2}, torch::kBool), 5e-5,
                                       alternating(2), {"go", "nogo"}, 1);
  EXPECT_THROW(timescale_window(d, AnalysisSettings{}), InvalidArgument);  // no task
  d.config = {{"task", "go-nogo"}, {"task_settings", nlohmann::json::object()}};
  auto [start, stop] = timescale_window(d, AnalysisSettings{});
  EXPECT_EQ(start, 0);
  // Column 50 drives the steps from 50 · 100 − 50 on (stimulus_column's rounding), of 50 µs.
  EXPECT_NEAR(stop, 0.2475, 1e-12);
  d.config["task_settings"] = {
      {"stim_on", 20}, {"columns", 61}, {"score_from_step", 3500}, {"stim_dur", 10}};
  EXPECT_NEAR(timescale_window(d, AnalysisSettings{}).second, 0.0975, 1e-12);
  // Downsampled by 2: steps of 100 µs, the same onset in seconds.
  d.dt = 1e-4;
  d.config["downsample"] = 2;
  EXPECT_NEAR(timescale_window(d, AnalysisSettings{}).second, 0.0975, 1e-12);
  AnalysisSettings s;
  s.timescale_window = {0.1, 0.3};
  EXPECT_EQ(timescale_window(d, s), (std::pair<double, double>{0.1, 0.3}));
}

// Two conditions coded by 80 vs 20 Hz in `coding` units (per bin: groups × 5 units), 20 Hz
// elsewhere; 200 trials of 10 bins of 50 ms.
DecodingResult decode(bool transient) {
  const double dt = 1e-3;
  const int64_t trials = 200, bins = 10, units = 50;
  torch::Tensor rate = torch::full({trials, bins * 50, units}, 20.0, torch::kFloat64);
  const torch::Tensor sign = torch::tensor(alternating(trials), torch::kFloat64) * 2 - 1;
  for (int64_t b = 0; b < bins; ++b) {
    const int64_t group = transient ? b : 0;
    rate.index_put_({Slice(), Slice(b * 50, (b + 1) * 50), Slice(group * 5, group * 5 + 5)},
                    (50 + 30 * sign).view({-1, 1, 1}).expand({trials, 50, 5}));
  }
  const TrialDataset d = dataset_from_raster(bernoulli_raster(rate, dt, transient ? 11 : 12), dt,
                                             alternating(trials), {"a", "b"}, 40);
  return cross_temporal_decoding(d, AnalysisSettings{});
}

TEST(AnalysisDecoding, TransientCodeGivesADiagonalMatrix) {
  // Each bin's code is in other units, so a decoder generalises to no other bin. Each entry is
  // an accuracy over 200 trials (SD 0.035 at chance): off-diagonal entries stay within 5 SD.
  const DecodingResult r = decode(true);
  ASSERT_EQ(r.accuracy.sizes(), (std::vector<int64_t>{10, 10}));
  EXPECT_EQ(r.folds, 5);
  EXPECT_EQ(r.chance, 0.5);
  const torch::Tensor diagonal = r.accuracy.diagonal();
  const torch::Tensor off = r.accuracy.masked_select(torch::eye(10).logical_not());
  EXPECT_GT(diagonal.min().item<double>(), 0.9);
  EXPECT_NEAR(off.mean().item<double>(), 0.5, 0.03);
  EXPECT_LT((off - 0.5).abs().max().item<double>(), 0.175);
}

TEST(AnalysisDecoding, PersistentCodeGivesASquareMatrix) {
  const DecodingResult r = decode(false);
  EXPECT_GT(r.accuracy.min().item<double>(), 0.9);
  EXPECT_NEAR(r.time_s[3], 0.175, 1e-12);
}

TEST(AnalysisPsth, GivesTheRatesOfRegularTrains) {
  // Condition a: E units fire every 10 steps (100 Hz), I units every 25 (40 Hz); condition b:
  // E units every 25 steps (40 Hz) and only in the second half, I units never. Identical trials
  // have no count variance: a Fano factor of 0.
  const double dt = 1e-3;
  const int64_t steps = 200, trials = 4;
  torch::Tensor raster = torch::zeros({trials, steps, 4}, torch::kBool);
  for (int64_t t = 0; t < trials; ++t)
    for (int64_t i = 0; i < steps; ++i) {
      if (t % 2 == 0) {
        for (int64_t u = 0; u < 2; ++u) raster.index_put_({t, i, u}, i % 10 == 0);
        for (int64_t u = 2; u < 4; ++u) raster.index_put_({t, i, u}, i % 25 == 0);
      } else {
        for (int64_t u = 0; u < 2; ++u) raster.index_put_({t, i, u}, i >= 100 && i % 25 == 0);
      }
    }
  const TrialDataset d = dataset_from_raster(raster, dt, alternating(trials), {"a", "b"}, 2);
  AnalysisSettings s;
  const PsthResult r = condition_psths(d, s);
  ASSERT_EQ(r.exc_hz.sizes(), (std::vector<int64_t>{2, 4}));
  EXPECT_TRUE(torch::allclose(r.exc_hz[0], torch::full({4}, 100.0, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(r.inh_hz[0], torch::full({4}, 40.0, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(r.exc_hz[1], torch::tensor({0.0, 0.0, 40.0, 40.0}, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(r.inh_hz[1], torch::zeros({4}, torch::kFloat64)));
  EXPECT_EQ(r.unit_hz.sizes(), (std::vector<int64_t>{2, 4, 4}));
  const FanoFactorResult f = fano_factor_over_time(d, s);
  EXPECT_EQ(f.mean, 0);
}

TEST(AnalysisSettingsTable, ReadsWritesAndChecksEveryKey) {
  AnalysisSettings s;
  analysis_settings_table().read(
      {{"bin", 0.02}, {"timescale_window", {0, 0.5}}, {"decoding_folds", 3}}, s);
  EXPECT_EQ(s.bin, 0.02);
  EXPECT_EQ(s.decoding_folds, 3);
  EXPECT_EQ(analysis_settings_table().write(s)["timescale_window"], nlohmann::json({0, 0.5}));
  EXPECT_THROW(analysis_settings_table().read({{"bins", 1}}, s), ConfigError);
  s.bin = 0;
  EXPECT_THROW(validate_analysis_settings(s), InvalidArgument);
  s = AnalysisSettings{};
  s.timescale_window = {0.5, 0.1};
  EXPECT_THROW(validate_analysis_settings(s), InvalidArgument);
}

TEST(AnalysisDataset, AnalyzesAllAndWritesTheJsonKeysAndFigures) {
  const double dt = 1e-3;
  const torch::Tensor raster =
      bernoulli_raster(torch::full({40, 600, 10}, 30.0, torch::kFloat64), dt, 5);
  TrialDataset d = dataset_from_raster(raster, dt, alternating(40), {"a", "b"}, 8);
  d.config = {{"task", "go-nogo"},
              {"task_settings",
               {{"stim_on", 3}, {"columns", 6}, {"stim_dur", 1}, {"score_from_step", 400}}},
              {"downsample", 1}};  // onset: step 3 · 100 − 50 of 1 ms, 5 bins of 50 ms
  AnalysisSettings s;
  int64_t calls = 0;
  s.on_progress = [&](int64_t, int64_t total) {
    EXPECT_EQ(total, 4);
    ++calls;
  };
  const DatasetAnalysis a = analyze_dataset(d, s);
  EXPECT_EQ(calls, 5);
  EXPECT_NEAR(a.timescales.window_stop, 0.25, 1e-12);
  const nlohmann::json j = a;
  for (const char* key :
       {"timescale_ms_median", "fano_factor_mean", "decoding_accuracy", "timescales", "fano_factor",
        "decoding", "psth", "settings", "conditions", "warnings"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["decoding_accuracy"].size(), 12u);
  EXPECT_EQ(j["timescales"]["tau_ms"].size(), 10u);
  EXPECT_NEAR(j["fano_factor_mean"].get<double>(), 1, 0.15);
  nlohmann::json parsed;
  EXPECT_NO_THROW(parsed = nlohmann::json::parse(j.dump()));
  EXPECT_EQ(parsed.size(), j.size());

  std::atomic<bool> cancel{true};
  s.cancel = &cancel;
  EXPECT_THROW(analyze_dataset(d, s), Interrupted);

  if (!plots_available()) return;
  testing::ScratchDir dir;
  const std::vector<std::string> files = write_analysis_figures(a, dir.file("plots"));
  EXPECT_EQ(files.size(), 5u);
  for (const std::string& file : files) EXPECT_TRUE(std::filesystem::exists(file)) << file;
}

TEST(AnalysisCli, AnalyzesADatasetFileIntoJsonAndRefusesABadWindow) {
  testing::ScratchDir dir;
  const double dt = 1e-3;
  TrialDataset d =
      dataset_from_raster(bernoulli_raster(torch::full({24, 500, 6}, 30.0, torch::kFloat64), dt, 9),
                          dt, alternating(24), {"a", "b"}, 4);
  write_dataset_file(dir.file("d.mat"), d);
  const auto ok = testing::run_cli("analyze --dataset " + dir.file("d.mat") +
                                       " --timescale-window 0:0.4 --decoding-folds 3 --json " +
                                       dir.file("a.json"),
                                   dir);
  ASSERT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("Fano factor"), std::string::npos) << ok.output;
  std::ifstream in(dir.file("a.json"));
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["timescales"]["window_s"], nlohmann::json({0.0, 0.4}));
  EXPECT_EQ(j["decoding"]["folds"], 3);
  EXPECT_EQ(j["config"]["decoding_folds"], 3);
  EXPECT_TRUE(j.contains("timescale_ms_median"));

  // No task in the config: the pre-stimulus period is unknown, and the error says what to give.
  const auto no_window = testing::run_cli("analyze --dataset " + dir.file("d.mat"), dir);
  EXPECT_EQ(no_window.status, 1);
  EXPECT_NE(no_window.output.find("--timescale-window"), std::string::npos) << no_window.output;
  const auto bad = testing::run_cli(
      "analyze --dataset " + dir.file("d.mat") + " --timescale-window 0.3:0.1", dir);
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("timescale_window"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace spikernn
