#include <gtest/gtest.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include <limits>

#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/lif_network_fnc.hpp"
#include "spikernn/core/time_grid.hpp"
#include "spikernn/io/system_memory.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using testing::kGoNoGoModel;
using torch::indexing::None;
using torch::indexing::Slice;

// A Go trial shortened to 61 columns (6,000 steps) to keep the tests quick.
torch::Tensor short_go() {
  torch::Tensor u = torch::zeros({1, 61}, torch::kFloat64);
  u.index_put_({0, Slice(20, 45)}, 1.0);
  return u;
}

class SimulationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = new RateModel(load_rate_model(kGoNoGoModel)); }
  static void TearDownTestSuite() { delete model_; }
  static const RateModel& model() { return *model_; }

  static SpikingConfig seeded(uint64_t seed) {
    SpikingConfig c;
    c.seed = seed;
    return c;
  }
  static RateModel* model_;
};
RateModel* SimulationTest::model_ = nullptr;

TEST_F(SimulationTest, SameSeedSameResultOtherSeedOtherResult) {
  LIFNetwork net(seeded(11), model());
  const SimulationResult a = net->simulate(short_go());
  const SimulationResult b = net->simulate(short_go());
  EXPECT_TRUE(torch::equal(a.spk, b.spk));
  EXPECT_TRUE(torch::equal(a.out, b.out));
  EXPECT_EQ(a.seed, std::optional<uint64_t>(11));
  const SimulationResult c = LIFNetwork(seeded(12), model())->simulate(short_go());
  EXPECT_FALSE(torch::equal(a.spk, c.spk));
}

TEST_F(SimulationTest, ConfigSeedEqualsTorchManualSeed) {
  const SimulationResult local = LIFNetwork(seeded(5), model())->simulate(short_go());
  torch::manual_seed(5);
  const SimulationResult global =
      LIF_network_fnc(model(), 50.0, short_go(), Stims::none(), 1, false);
  EXPECT_TRUE(torch::equal(local.spk, global.spk));
  EXPECT_FALSE(global.seed.has_value());
}

TEST_F(SimulationTest, ShapesFollowThePort) {
  const SimulationResult r = LIFNetwork(seeded(1), model())->simulate(short_go());
  EXPECT_EQ(r.nt, 6000);
  EXPECT_DOUBLE_EQ(r.T, 0.3);
  for (const auto& t : {r.REC, r.spk, r.rs, r.IPSCs})
    EXPECT_EQ(t.sizes(), (std::vector<int64_t>{200, 6000}));
  EXPECT_EQ(r.out.sizes(), (std::vector<int64_t>{6000}));
  EXPECT_EQ(r.all_fr.sizes(), (std::vector<int64_t>{200}));
  EXPECT_EQ(r.W.sizes(), (std::vector<int64_t>{200, 200}));
  EXPECT_EQ(r.td.sizes(), (std::vector<int64_t>{200}));
  // REC holds 30 mV (v + (30 − v), so up to rounding) where spk has a spike.
  EXPECT_TRUE(torch::equal(r.REC.gt(29.99), r.spk.to(torch::kBool)));
  EXPECT_TRUE(torch::allclose(r.all_fr, r.spk.index({Slice(), Slice(10, None)}).sum(1) / r.T));
}

TEST_F(SimulationTest, RecordingOnlyTheOutputSkipsTheTraces) {
  LIFNetwork net(seeded(3), model());
  const SimulationResult full = net->simulate(short_go());
  const Record only_out = Record::parse("out");
  EXPECT_EQ(only_out.trace_bytes(1, 50000, 200, 8), 0);
  EXPECT_EQ(Record::all().trace_bytes(1, 50000, 200, 8), 320000000);
  const SimulationResult r = net->simulate(short_go(), Stims::none(), only_out);
  EXPECT_FALSE(r.REC.defined() || r.spk.defined() || r.rs.defined() || r.IPSCs.defined() ||
               r.all_fr.defined() || r.W.defined());
  EXPECT_TRUE(torch::equal(r.out, full.out));
  EXPECT_EQ(Record::parse("spk,rs").to_string(), "spk,rs");
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(Record::parse("spk,voltage"), InvalidArgument)
                .find("unknown trace 'voltage'"),
            std::string::npos);
}

TEST_F(SimulationTest, TracesThatCannotBeAllocatedAreRefused) {
  // 400,000 columns: 40 million steps, 4 traces of 200 units = 256 GB in float64.
  const torch::Tensor long_u = torch::zeros({1, 400000}, torch::kFloat64);
  LIFNetwork net(seeded(1), model());
  const std::string message = SPIKERNN_ERROR_MESSAGE(net->simulate(long_u), InvalidArgument);
  EXPECT_NE(message.find("need 244140 MiB, more than could be allocated; record fewer (e.g. "
                         "--record out,all_fr"),
            std::string::npos)
      << message;
}

TEST_F(SimulationTest, TracesBeyondTheAvailableMemoryAreRefusedBeforeTheRun) {
  const std::string message = SPIKERNN_ERROR_MESSAGE(
      check_trace_memory(Record::all(), 1, 39999900, 200, 8), InvalidArgument);
  EXPECT_NE(message.find("need 244140 MiB, more than the "), std::string::npos) << message;
  EXPECT_NE(message.find("MiB available; record fewer"), std::string::npos) << message;
  EXPECT_NO_THROW(check_trace_memory(Record::parse("out,all_fr"), 1, 39999900, 200, 8));
}

TEST_F(SimulationTest, StimulationModesPushTheChosenUnits) {
  std::vector<int64_t> units;
  for (int64_t i = 0; i < 200; i += 4) units.push_back(i);
  const auto units_rate = [&](const Stims& stims) {
    const SimulationResult r = LIFNetwork(seeded(9), model())->simulate(short_go(), stims);
    return r.spk.index({torch::tensor(units), Slice(1000, 5000)}).mean().item<double>();
  };
  const double none = units_rate(Stims::none());
  const double excited = units_rate(Stims::excite(1000, 5000, units));
  const double inhibited = units_rate(Stims::inhibit(1000, 5000, units));
  EXPECT_GT(excited, 2 * none);
  EXPECT_LT(inhibited, none);
}

TEST_F(SimulationTest, DownsampleDoublesTheStep) {
  SpikingConfig c = seeded(2);
  c.downsample = 2;
  const SimulationResult r = LIFNetwork(c, model())->simulate(short_go());
  EXPECT_DOUBLE_EQ(r.dt, 0.0001);
  EXPECT_EQ(r.nt, 3000);
}

TEST_F(SimulationTest, BatchesCarryALeadingDimension) {
  LIFNetwork net(seeded(4), model());
  const torch::Tensor u = torch::stack({short_go(), torch::zeros({1, 61}, torch::kFloat64)});
  const SimulationResult r = net->simulate_batch(u);
  EXPECT_EQ(r.spk.sizes(), (std::vector<int64_t>{2, 200, 6000}));
  EXPECT_EQ(r.out.sizes(), (std::vector<int64_t>{2, 6000}));
  EXPECT_FALSE(torch::equal(r.spk[0], r.spk[1]));
}

TEST_F(SimulationTest, Float32RunsWithSimilarRates) {
  SpikingConfig c = seeded(6);
  c.dtype = FloatType::Float32;
  const SimulationResult r32 = LIFNetwork(c, model())->simulate(short_go());
  const SimulationResult r64 = LIFNetwork(seeded(6), model())->simulate(short_go());
  EXPECT_EQ(r32.spk.scalar_type(), torch::kFloat32);
  const double rate32 = r32.all_fr.mean().item<double>(), rate64 = r64.all_fr.mean().item<double>();
  EXPECT_NEAR(rate32, rate64, 0.25 * rate64);
}

TEST_F(SimulationTest, ScalingFactorRescalesWeights) {
  LIFNetwork net(seeded(1), model());
  const torch::Tensor w50 = net->lif_params().W.clone();
  net->set_scaling_factor(25.0);
  EXPECT_TRUE(torch::allclose(net->lif_params().W, 2 * w50));
  EXPECT_THROW(net->set_scaling_factor(0.0), ConfigError);
  EXPECT_THROW(net->set_scaling_factor(std::nan("")), ConfigError);
}

TEST_F(SimulationTest, FiringRatesAreCountedAsAllFrCountsThem) {
  LIFNetwork net(seeded(3), model());
  const SimulationResult r = net->simulate(short_go());
  EXPECT_TRUE(torch::allclose(net->compute_firing_rates(r.spk), r.all_fr, 1e-12, 0));
  // A unit that fires only in the first kRateWindowStart steps has no rate.
  torch::Tensor early = torch::zeros({2, 100}, torch::kFloat64);
  early.index_put_({0, Slice(0, kRateWindowStart)}, 1.0);
  early.index_put_({1, kRateWindowStart}, 1.0);
  const torch::Tensor rates = net->compute_firing_rates(early);
  EXPECT_EQ(rates[0].item<double>(), 0.0);
  EXPECT_DOUBLE_EQ(rates[1].item<double>(), 1.0 / (100 * 0.00005));
}

TEST_F(SimulationTest, ToDtypeMovesEveryStepConstant) {
  LIFNetwork net(seeded(4), model());
  net->to(torch::kFloat32);
  const LIFParams p = net->lif_params();
  for (const torch::Tensor& t : {p.W, p.decay_syn, p.decay_rise, p.rise_decay})
    EXPECT_EQ(t.scalar_type(), torch::kFloat32);
  EXPECT_EQ(net->config().dtype, FloatType::Float32);
  EXPECT_EQ(net->simulate(short_go()).spk.scalar_type(), torch::kFloat32);
  EXPECT_THROW(net->to(torch::kHalf), ConfigError);
}

TEST_F(SimulationTest, CloneIsAnIndependentCopyWithTheSameResults) {
  LIFNetwork net(seeded(8), model());
  const auto copy = std::dynamic_pointer_cast<LIFNetworkImpl>(net->clone());
  ASSERT_NE(copy, nullptr);
  EXPECT_TRUE(torch::equal(copy->simulate(short_go()).spk, net->simulate(short_go()).spk));
  copy->set_scaling_factor(25.0);
  EXPECT_TRUE(torch::allclose(copy->lif_params().W, 2 * net->lif_params().W));
  EXPECT_NE(copy->lif_params().W.data_ptr(), net->lif_params().W.data_ptr());
}

TEST_F(SimulationTest, MappingWarningsComeBackInsteadOfBeingPrinted) {
  // The shipped model has negative entries in w under Dale's principle.
  LIFNetwork net(seeded(1), model());
  ASSERT_EQ(net->warnings().size(), 1u);
  EXPECT_NE(net->warnings()[0].find("entries of 'w' are negative"), std::string::npos);
  SpikingConfig clamped = seeded(1);
  clamped.clamp_negative_weights = true;
  EXPECT_TRUE(LIFNetwork(clamped, model())->warnings().empty());
}

TEST_F(SimulationTest, BuffersAreRegistered) {
  LIFNetwork net(seeded(1), model());
  std::vector<std::string> names;
  for (const auto& item : net->named_buffers()) names.push_back(item.key());
  for (const char* name : {"W", "w_rec", "w_in", "w_out", "td", "td0"})
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

TEST_F(SimulationTest, BadInputsAreRefused) {
  LIFNetwork net(seeded(1), model());
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(net->simulate(torch::zeros({2, 61})), InvalidArgument)
                .find("expected 1 rows"),
            std::string::npos);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(net->simulate(torch::zeros({1, 1})), InvalidArgument)
                .find("at least 2 columns"),
            std::string::npos);
  torch::Tensor nan = short_go();
  nan[0][3] = std::nan("");
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(net->simulate(nan), InvalidArgument).find("finite"),
            std::string::npos);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(net->simulate(short_go(), Stims::excite(10, 20, {200})),
                                   InvalidArgument)
                .find("in [0, 200), found 200"),
            std::string::npos);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(net->simulate(short_go(), Stims::inhibit(20, 10, {1})),
                                   InvalidArgument)
                .find("onset <= offset"),
            std::string::npos);
  EXPECT_THROW(parse_stim_mode("both"), InvalidArgument);
  EXPECT_EQ(parse_stim_mode("EXC"), StimMode::Exc);
  EXPECT_THROW(LIFNetwork()->simulate(short_go()), Error);
}

TEST_F(SimulationTest, CudaDeviceWhereNoneIsRefused) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a CUDA device is present";
  SpikingConfig c = seeded(1);
  c.device = "cuda";
  EXPECT_NE(
      SPIKERNN_ERROR_MESSAGE(LIFNetwork(c, model()), InvalidArgument).find("CUDA is not available"),
      std::string::npos);
}

TEST_F(SimulationTest, RunsOnCudaWithTheSameCode) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device on this machine";
  SpikingConfig c = seeded(8);
  c.device = "cuda";
  const SimulationResult gpu = LIFNetwork(c, model())->simulate(short_go());
  EXPECT_TRUE(gpu.spk.is_cuda());
  const SimulationResult cpu = LIFNetwork(seeded(8), model())->simulate(short_go());
  EXPECT_NEAR(gpu.all_fr.mean().item<double>(), cpu.all_fr.mean().item<double>(),
              0.25 * cpu.all_fr.mean().item<double>());

  LIFNetwork moved(seeded(8), model());
  moved->to(torch::kCUDA);
  EXPECT_TRUE(moved->simulate(short_go()).out.is_cuda());
}

}  // namespace
}  // namespace spikernn

namespace spikernn {
namespace {

class EngineTest : public SimulationTest {};

SpikingConfig with_engine(uint64_t seed, const std::string& engine, const std::string& noise) {
  SpikingConfig c = testing::spiking_config("cpu", engine, noise, "float64");
  c.seed = seed;
  return c;
}

TEST_F(EngineTest, FusedKernelEqualsTheTorchOpReference) {
  const Stims stims = Stims::excite(500, 3000, {1, 5, 9, 120});
  for (const std::string dtype : {"float64", "float32"}) {
    SpikingConfig fused = with_engine(21, "fused", "torch"), reference = fused;
    reference.engine = Engine::Reference;
    fused.dtype = reference.dtype = enum_value(float_type_names(), dtype, "dtype");
    const SimulationResult a = LIFNetwork(fused, model())->simulate(short_go(), stims);
    const SimulationResult b = LIFNetwork(reference, model())->simulate(short_go(), stims);
    EXPECT_TRUE(torch::equal(a.spk, b.spk)) << dtype;
    EXPECT_TRUE(torch::equal(a.REC, b.REC)) << dtype;
    EXPECT_TRUE(torch::equal(a.IPSCs, b.IPSCs)) << dtype;
    // The readout is summed in another order than the reference's BLAS product.
    const double tolerance = dtype == "float64" ? 1e-12 : 1e-5;
    EXPECT_TRUE(torch::allclose(a.out, b.out, tolerance, tolerance)) << dtype;
  }
}

TEST_F(EngineTest, FastNoiseIsReproducibleAndStatisticallyEquivalent) {
  LIFNetwork fast(with_engine(4, "auto", "fast"), model());
  const torch::Tensor u = short_go().unsqueeze(0).repeat({16, 1, 1});
  const Record rates = Record::parse("all_fr");
  const SimulationResult a = fast->simulate_batch(u, Stims::none(), rates);
  EXPECT_TRUE(torch::equal(a.all_fr, fast->simulate_batch(u, Stims::none(), rates).all_fr));
  const SimulationResult b =
      LIFNetwork(with_engine(4, "auto", "torch"), model())->simulate_batch(u, Stims::none(), rates);
  const double fast_rate = a.all_fr.mean().item<double>(),
               torch_rate = b.all_fr.mean().item<double>();
  EXPECT_NEAR(fast_rate, torch_rate, 0.1 * torch_rate);
}

// This thread's floating-point mode: MXCSR without its sticky exception flags (0 off x86).
unsigned floating_point_mode() {
#if defined(__x86_64__) || defined(__i386__)
  return _mm_getcsr() & ~_MM_EXCEPT_MASK;
#else
  return 0;
#endif
}

// Runs with the fast noise flush subnormal numbers to zero (lif_fused_cpu.cpp) and leave the
// caller's floating-point mode as it was; with torch's noise the subnormals stay, as in the
// reference. Here the units fire under a strong input, then fall silent under its opposite for
// 19,500 steps, in which their currents (τd of 5 ms) decay past float's normal range.
TEST_F(EngineTest, FastNoiseFlushesSubnormalsInsideTheRunOnly) {
  RateModel silenced = model();
  silenced.w_in = torch::full_like(silenced.w_in, 20.0);
  silenced.taus = torch::tensor({1.0}, torch::kFloat64);
  torch::Tensor u = -torch::ones({1, 201}, torch::kFloat64);
  u.index_put_({0, Slice(0, 5)}, 1.0);
  const auto run = [&](const std::string& engine, const std::string& noise) {
    SpikingConfig c = with_engine(3, engine, noise);
    c.dtype = FloatType::Float32;
    return LIFNetwork(c, silenced)->simulate(u, Stims::none(), Record::parse("spk,IPSCs,rs"));
  };
  const auto subnormals = [](const torch::Tensor& trace) {
    const torch::Tensor size = trace.abs();
    return (size.gt(0) & size.lt(std::numeric_limits<float>::min())).sum().item<int64_t>();
  };
  const unsigned mode = floating_point_mode();
  const SimulationResult fast = run("auto", "fast");
  EXPECT_EQ(floating_point_mode(), mode);
  EXPECT_GT(fast.spk.sum().item<double>(), 0);
  EXPECT_EQ(fast.spk.slice(1, 10000).sum().item<double>(), 0);
  for (const torch::Tensor& trace : {fast.IPSCs, fast.rs}) {
    EXPECT_EQ(subnormals(trace), 0);
    EXPECT_TRUE(trace.select(1, -1).eq(0).all().item<bool>());
  }
  const SimulationResult fused = run("fused", "torch"), reference = run("reference", "torch");
  EXPECT_GT(subnormals(fused.IPSCs), 0);
  EXPECT_TRUE(torch::equal(fused.IPSCs, reference.IPSCs));
  EXPECT_TRUE(torch::equal(fused.rs, reference.rs));
}

TEST_F(EngineTest, FastNoiseNeedsTheFusedEngine) {
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(
                LIFNetwork(with_engine(1, "reference", "fast"), model())->simulate(short_go()),
                InvalidArgument)
                .find("noise 'fast': needs a fused engine"),
            std::string::npos);
  EXPECT_THROW(nlohmann::json({{"engine", "turbo"}}).get<SpikingConfig>(), ConfigError);
  EXPECT_THROW(nlohmann::json({{"noise", "pink"}}).get<SpikingConfig>(), ConfigError);
}

}  // namespace
}  // namespace spikernn
