// LIFNetworkImpl::simulate_factors: several scaling factors in one call (one kernel launch on a
// GPU) give, factor by factor, what simulate_batch gives at that factor.
#include <gtest/gtest.h>

#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using testing::go_nogo_model;
using testing::spiking_config;
using torch::indexing::Slice;

// Three trials of 41 columns (4,000 steps): two Go trials with different onsets and a NoGo trial.
torch::Tensor trials() {
  torch::Tensor u = torch::zeros({3, 1, 41}, torch::kFloat64);
  u.index_put_({0, 0, Slice(10, 30)}, 1.0);
  u.index_put_({1, 0, Slice(15, 35)}, 1.0);
  return u;
}

void expect_same(const torch::Tensor& a, const torch::Tensor& b, const std::string& what) {
  ASSERT_EQ(a.defined(), b.defined()) << what;
  if (a.defined()) {
    EXPECT_TRUE(torch::equal(a, b)) << what;
  }
}

// Every recorded output of simulate_factors equals that of simulate_batch at each factor.
void expect_factor_by_factor(const SpikingConfig& c, const std::vector<double>& factors) {
  const Stims stims = Stims::excite(500, 2500, {1, 5, 9, 120});
  Record record = Record::all();
  record.spike_list = true;
  LIFNetwork net(c, go_nogo_model());
  const std::vector<SimulationResult> together =
      net->simulate_factors(trials(), factors, stims, record, 9);
  ASSERT_EQ(together.size(), factors.size());
  for (size_t k = 0; k < factors.size(); ++k) {
    const std::string at = "at λ = " + std::to_string(factors[k]);
    net->set_scaling_factor(factors[k]);
    const SimulationResult alone = net->simulate_batch(trials(), stims, record, 9);
    const SimulationResult& r = together[k];
    EXPECT_EQ(r.scaling_factor, factors[k]) << at;
    EXPECT_EQ(r.nt, alone.nt) << at;
    EXPECT_EQ(r.seed, alone.seed) << at;
    expect_same(r.W, alone.W, "W " + at);
    expect_same(r.REC, alone.REC, "REC " + at);
    expect_same(r.spk, alone.spk, "spk " + at);
    expect_same(r.rs, alone.rs, "rs " + at);
    expect_same(r.IPSCs, alone.IPSCs, "IPSCs " + at);
    expect_same(r.out, alone.out, "out " + at);
    expect_same(r.all_fr, alone.all_fr, "all_fr " + at);
    expect_same(r.spike_list, alone.spike_list, "spike_list " + at);
    EXPECT_GT(r.spk.sum().item<double>(), 0) << at;
  }
  // The factors differ, so their spikes do.
  EXPECT_FALSE(torch::equal(together.front().spk, together.back().spk));
}

TEST(SimulateFactors, EqualsOneFactorAtATimeOnEachCpuEngine) {
  const std::vector<double> factors = {20, 35, 60};
  expect_factor_by_factor(spiking_config("cpu", "auto", "fast", "float64"), factors);
  expect_factor_by_factor(spiking_config("cpu", "auto", "fast", "float32"), factors);
  expect_factor_by_factor(spiking_config("cpu", "fused", "torch", "float64"), factors);
  expect_factor_by_factor(spiking_config("cpu", "reference", "torch", "float64"), {20, 60});
}

TEST(SimulateFactors, EqualsOneFactorAtATimeOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device on this machine";
  const std::vector<double> factors = {20, 25, 35, 60};
  expect_factor_by_factor(spiking_config("cuda", "auto", "fast", "float64"), factors);
  expect_factor_by_factor(spiking_config("cuda", "auto", "fast", "float32"), factors);
  expect_factor_by_factor(spiking_config("cuda", "auto", "torch", "float64"), {20, 60});
}

TEST(SimulateFactors, WithoutASeedEveryFactorSeesTheSameNoise) {
  const Record out = Record::parse("out,spk");
  for (const std::string noise : {"fast", "torch"}) {
    LIFNetwork net(spiking_config("cpu", "auto", noise, "float64"), go_nogo_model());
    net->set_scaling_factor(30);
    torch::manual_seed(3);
    const std::vector<SimulationResult> r =
        net->simulate_factors(trials(), {30, 30}, Stims::none(), out);
    const SimulationResult after = net->simulate_batch(trials(), Stims::none(), out);
    EXPECT_TRUE(torch::equal(r[0].spk, r[1].spk)) << noise;
    // As simulate_batch from the same generator state, which ends as after one call.
    torch::manual_seed(3);
    const SimulationResult first = net->simulate_batch(trials(), Stims::none(), out);
    const SimulationResult second = net->simulate_batch(trials(), Stims::none(), out);
    EXPECT_TRUE(torch::equal(r[0].spk, first.spk)) << noise;
    EXPECT_TRUE(torch::equal(after.spk, second.spk)) << noise;
  }
}

// After .to(kFloat32) the buffers were rounded from float64: the network's own λ runs on them.
TEST(SimulateFactors, TheNetworksOwnFactorRunsOnItsBuffers) {
  RateModel m = go_nogo_model();
  // Weights that are not float32 numbers (the shipped model's are), so that the rounding shows.
  m.w = m.w.to(torch::kFloat64) * 1.1;
  m.w_out = m.w_out.to(torch::kFloat64) * 1.1;
  SpikingConfig c = spiking_config("cpu", "auto", "fast", "float64");
  c.scaling_factor = 30;
  LIFNetwork net(c, m);
  net->to(torch::kFloat32);
  const Record out = Record::parse("out");
  const std::vector<SimulationResult> r =
      net->simulate_factors(trials(), {30, 40}, Stims::none(), out, 2);
  EXPECT_TRUE(torch::equal(r[0].out, net->simulate_batch(trials(), Stims::none(), out, 2).out));
  net->set_scaling_factor(40);
  EXPECT_TRUE(torch::equal(r[1].out, net->simulate_batch(trials(), Stims::none(), out, 2).out));
}

TEST(SimulateFactors, RefusesNoFactorAndABadFactor) {
  LIFNetwork net(spiking_config("cpu", "auto", "fast", "float64"), go_nogo_model());
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(net->simulate_factors(trials(), {}), InvalidArgument)
                .find("scaling factors: expected at least one"),
            std::string::npos);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(net->simulate_factors(trials(), {20, -1}), ConfigError)
                .find("scaling_factor"),
            std::string::npos);
}

}  // namespace
}  // namespace spikernn
