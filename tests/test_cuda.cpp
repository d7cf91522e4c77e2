// The fused CUDA kernel, checked against the CPU engines. Every test skips without a GPU.
#include <gtest/gtest.h>

#include "spikernn/core/grid_search.hpp"
#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/task_run.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using testing::kGoNoGoModel;
using torch::indexing::Slice;

// 32 Go trials of 61 columns (6,000 steps).
torch::Tensor go_trials() {
  torch::Tensor u = torch::zeros({32, 1, 61}, torch::kFloat64);
  u.index_put_({Slice(), 0, Slice(20, 45)}, 1.0);
  return u;
}

SpikingConfig fast_config(const std::string& device, const std::string& dtype) {
  SpikingConfig c = testing::spiking_config(device, "auto", "fast", dtype);
  c.seed = 4;
  return c;
}

class CudaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device on this machine";
  }
  static const RateModel& model() { return testing::go_nogo_model(); }
};

TEST_F(CudaTest, FusedKernelIsReproducibleAndConsistent) {
  for (const std::string dtype : {"float64", "float32"}) {
    LIFNetwork net(fast_config("cuda", dtype), model());
    const SimulationResult a = net->simulate_batch(go_trials());
    const SimulationResult b = net->simulate_batch(go_trials());
    ASSERT_TRUE(a.spk.is_cuda()) << dtype;
    EXPECT_TRUE(torch::equal(a.spk, b.spk)) << dtype;
    EXPECT_TRUE(torch::equal(a.out, b.out)) << dtype;
    EXPECT_GT(a.spk.sum().item<double>(), 0) << dtype;
    // The recorded voltage is vspike (up to rounding) where a unit fired, below threshold
    // elsewhere.
    const torch::Tensor spiked = a.REC.masked_select(a.spk.gt(0));
    EXPECT_TRUE(torch::allclose(spiked, torch::full_like(spiked, 30), 0, 1e-3)) << dtype;
    EXPECT_TRUE(a.REC.masked_select(a.spk.eq(0)).lt(-40).all().item<bool>()) << dtype;
    // The readout is w_out/λ · r, and the rates count the spikes after the first 10 steps.
    const torch::Tensor w_out = net->named_buffers()["w_out"].reshape({1, -1, 1});
    const double tolerance = dtype == "float64" ? 1e-10 : 1e-4;
    EXPECT_TRUE(torch::allclose(a.out, (a.rs * w_out).sum(1), tolerance, tolerance)) << dtype;
    EXPECT_TRUE(torch::allclose(a.all_fr, a.spk.index({Slice(), Slice(), Slice(10)}).sum(2) / a.T,
                                tolerance, tolerance))
        << dtype;
  }
}

TEST_F(CudaTest, FusedKernelAgreesWithTheCpuEngineStatistically) {
  const Record record = Record::parse("out,all_fr");
  const SimulationResult gpu = LIFNetwork(fast_config("cuda", "float64"), model())
                                   ->simulate_batch(go_trials(), Stims::none(), record);
  const SimulationResult cpu = LIFNetwork(fast_config("cpu", "float64"), model())
                                   ->simulate_batch(go_trials(), Stims::none(), record);
  const torch::Tensor inh = model().inh.to(torch::kBool);
  for (const bool population : {false, true}) {
    const torch::Tensor units = population ? inh : inh.logical_not();
    const double g = gpu.all_fr.cpu().index({Slice(), units}).mean().item<double>();
    const double c = cpu.all_fr.index({Slice(), units}).mean().item<double>();
    EXPECT_NEAR(g, c, 0.1 * c) << (population ? "inhibitory" : "excitatory");
  }
  // The mean Go response over 32 trials, compared where it has risen (the last 2,000 steps).
  const double g = gpu.out.cpu().index({Slice(), Slice(4000)}).mean().item<double>();
  const double c = cpu.out.index({Slice(), Slice(4000)}).mean().item<double>();
  EXPECT_NEAR(g, c, 0.1 * std::abs(c));
}

TEST_F(CudaTest, FusedKernelAppliesTheStimulation) {
  std::vector<int64_t> units;
  for (int64_t n = 0; n < 200; ++n)
    if (model().inh[n].item<double>() == 0) units.push_back(n);
  const Record record = Record::parse("all_fr");
  LIFNetwork net(fast_config("cuda", "float64"), model());
  const torch::Tensor quiet = net->simulate_batch(go_trials(), Stims::none(), record).all_fr.cpu();
  const torch::Tensor excited =
      net->simulate_batch(go_trials(), Stims::excite(0, 6000, units), record).all_fr.cpu();
  EXPECT_GT(excited.mean().item<double>(), 1.2 * quiet.mean().item<double>());
}

TEST_F(CudaTest, GridSearchOnCudaFindsAGoodFactor) {
  GridSearchOptions o;
  o.model_path = kGoNoGoModel;
  o.scaling_factors = {20, 25, 60};
  o.n_trials_per_factor = 50;
  o.seed = 1;
  o.write_to_model = false;
  o.config.device = "cuda";
  o.config.noise = Noise::Fast;
  const GridSearchResult r = lambda_grid_search(o);
  EXPECT_GE(r.accuracy[0], 0.9);
  EXPECT_GT(r.accuracy[0], r.accuracy[2]);
}

// On a GPU a model's factors run in one launch; parts that split them run other launches, and
// the collected scores are the same.
TEST_F(CudaTest, GridSearchPartsOnCudaGiveTheWholeResult) {
  GridSearchSettings s;
  s.task_settings = testing::kShortGoNoGo;
  s.scaling_factors = {20, 25, 40, 60};
  s.n_trials_per_factor = 20;
  s.seed = 5;
  s.config.device = "cuda";
  const TaskRun run = grid_search_run({model()}, s);
  const std::vector<UnitScores> whole = run.collect(run.run());
  std::vector<UnitScores> parts = run.run({0, 3});
  for (const int64_t i : {1, 2})
    for (UnitScores& unit : run.run({i, 3})) parts.push_back(std::move(unit));
  const std::vector<UnitScores> merged = run.collect(parts);
  ASSERT_EQ(whole.size(), merged.size());
  for (size_t u = 0; u < whole.size(); ++u)
    EXPECT_EQ(nlohmann::json(whole[u]), nlohmann::json(merged[u])) << "unit " << u;
}

}  // namespace
}  // namespace spikernn
