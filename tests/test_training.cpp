#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/rate_training.hpp"
#include "spikernn/core/tasks.hpp"
#include "spikernn/io/mat_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using testing::ScratchDir;
using torch::indexing::Slice;

at::Generator seeded(uint64_t seed) {
  at::Generator g = at::globalContext().defaultGenerator(torch::kCPU).clone();
  g.set_current_seed(seed);
  return g;
}

TEST(RateRNNTest, InitialNetworkFollowsDalesPrinciple) {
  FRRNNDale net(RateRNNOptions(100, 2).som_N(3), seeded(1));
  const torch::Tensor W = net->effective_weights();
  const torch::Tensor inh = net->inh;
  EXPECT_TRUE(W.index({Slice(), inh}).le(0).all().item<bool>());
  EXPECT_TRUE(W.index({Slice(), inh.logical_not()}).ge(0).all().item<bool>());
  const double density = net->w.ne(0).to(torch::kFloat64).mean().item<double>();
  EXPECT_NEAR(density, 0.2, 0.03);
  EXPECT_NEAR(inh.to(torch::kFloat64).mean().item<double>(), 0.2, 0.1);
  // The first som_N inhibitory units receive nothing from inhibitory units.
  const int64_t som = inh.nonzero()[0].item<int64_t>();
  EXPECT_TRUE(net->som_mask[som].index({inh}).eq(0).all().item<bool>());
  const torch::Tensor tau = net->decay_constants();
  EXPECT_TRUE(tau.ge(4).all().item<bool>() && tau.le(20).all().item<bool>());
  EXPECT_TRUE(net->taus_gaus.requires_grad());
  EXPECT_FALSE(FRRNNDale(RateRNNOptions(10).decay_taus({5}))->taus_gaus.requires_grad());
}

TEST(RateRNNTest, ForwardShapesAndReproducibility) {
  FRRNNDale net(RateRNNOptions(50, 1), seeded(2));
  const torch::Tensor u = torch::zeros({3, 1, 40});
  const RateRNNOutput a = net->forward(u, seeded(9)), b = net->forward(u, seeded(9));
  EXPECT_EQ(a.x.sizes(), (std::vector<int64_t>{3, 50, 40}));
  EXPECT_EQ(a.o.sizes(), (std::vector<int64_t>{3, 39}));
  EXPECT_TRUE(torch::equal(a.o, b.o));
  EXPECT_THROW(net->forward(torch::zeros({2, 40})), InvalidArgument);
  EXPECT_THROW(FRRNNDale(RateRNNOptions(10).activation("tanh")), InvalidArgument);
  EXPECT_THROW(FRRNNDale(RateRNNOptions(10).decay_taus({20, 4})), InvalidArgument);
}

TEST(RateRNNTest, LesionsRemoveTheAskedFraction) {
  FRRNNDale net(RateRNNOptions(100), seeded(3));
  const int64_t before = net->w.ne(0).sum().item<int64_t>();
  net->lesion_w(0.25, seeded(4));
  EXPECT_EQ(net->w.ne(0).sum().item<int64_t>(), before - static_cast<int64_t>(0.25 * before));

  FRRNNDale typed(RateRNNOptions(100), seeded(3));
  const torch::Tensor i = typed->inh, e = i.logical_not();
  const auto count = [&](const torch::Tensor& to, const torch::Tensor& from) {
    return (typed->w.ne(0) & torch::outer(to, from)).sum().item<int64_t>();
  };
  const int64_t ie = count(e, i);
  typed->lesion_w_by_type(0.5, seeded(5));
  EXPECT_EQ(count(e, i), ie - ie / 2);
  EXPECT_THROW(typed->lesion_w(1.5), InvalidArgument);
}

// Targets as the rate package's tasks define them (one output per column after the first).
TEST(TrainingTargetTest, TargetsFollowTheRatePackage) {
  std::mt19937_64 rng(0);
  const GoNoGoTask go_nogo;
  const torch::Tensor go = go_nogo.target(go_nogo.generate_stimulus("go", rng));
  EXPECT_EQ(go.size(0), 200);
  EXPECT_EQ(go.slice(0, 0, 75).abs().sum().item<double>(), 0);
  EXPECT_TRUE(go.slice(0, 75).eq(1).all().item<bool>());
  EXPECT_EQ(go_nogo.target(go_nogo.generate_stimulus("nogo", rng)).abs().sum().item<double>(), 0);

  const XorTask xor_task;
  const torch::Tensor diff = xor_task.target(xor_task.generate_stimulus("+-", rng));
  EXPECT_EQ(diff.size(0), 300);
  EXPECT_TRUE(diff.slice(0, 170, 270).eq(-1).all().item<bool>());
  EXPECT_EQ(diff.slice(0, 0, 170).abs().sum().item<double>() +
                diff.slice(0, 270).abs().sum().item<double>(),
            0);

  const ManteTask mante;
  const Trial m = mante.generate_stimulus("color", rng);
  const torch::Tensor z = mante.target(m);
  EXPECT_EQ(z.size(0), 500);
  EXPECT_TRUE(z.slice(0, 250).eq(m.label).all().item<bool>());
  EXPECT_EQ(z.slice(0, 0, 250).abs().sum().item<double>(), 0);

  // The training evaluation's rule: NoGo must stay within ±threshold in the window.
  const Trial nogo = go_nogo.generate_stimulus("nogo", rng);
  torch::Tensor o = torch::zeros({200}, torch::kFloat64);
  EXPECT_TRUE(go_nogo.rate_output_correct(o, nogo, 0.3));
  o[150] = -0.5;
  EXPECT_FALSE(go_nogo.rate_output_correct(o, nogo, 0.3));
}

TrainingOptions short_training(int64_t n_trials) {
  TrainingOptions o;
  o.network = RateRNNOptions(60);
  o.n_trials = n_trials;
  o.eval_trials = 20;
  o.seed = 3;
  return o;
}

TEST(TrainingTest, RunsAreReproducibleAndTrainTheDecayConstants) {
  TrainingOptions o = short_training(60);
  o.eval_freq = 50;  // one evaluation on the way
  const TrainingResult a = train_rate_rnn(o);
  ASSERT_EQ(a.losses.size(), 60u);
  EXPECT_FALSE(a.success);                      // Go-NoGo never stops before 1,500 trials
  EXPECT_GT(a.eval_accuracy + a.eval_loss, 0);  // the evaluation ran
  const TrainingResult b = train_rate_rnn(o);
  EXPECT_EQ(a.losses, b.losses);
  EXPECT_TRUE(torch::equal(a.network->w, b.network->w));
  EXPECT_FALSE(torch::equal(a.network->taus_gaus, a.taus_gaus0));
}

// The termination rule (without Go-NoGo's 1,500-trial minimum) is met on a small network.
TEST(TrainingTest, GoNoGoIsLearned) {
  TrainingOptions o = short_training(1500);
  o.network = RateRNNOptions(100);
  o.min_trials = 0;
  const TrainingResult r = train_rate_rnn(o);
  EXPECT_TRUE(r.success) << "accuracy " << r.eval_accuracy << ", loss " << r.eval_loss;
  EXPECT_GT(r.eval_accuracy, 0.95);
  EXPECT_LT(r.trials, 1500);
}

TEST(TrainingTest, SavedModelLoadsInSpikernnAndAsAModule) {
  ScratchDir dir;
  const TrainingResult r = train_rate_rnn(short_training(3));
  const std::string path = dir.file("model.mat");
  save_trained_model(r, path);
  const RateModel model = load_rate_model(path);
  EXPECT_EQ(model.N, 60);
  EXPECT_TRUE(torch::allclose(model.w, r.network->w.to(torch::kFloat64)));
  EXPECT_EQ(model.activation, "sigmoid");
  const MatReader reader(path);
  for (const char* name : {"w0", "w_in0", "taus_gaus0", "x0", "r0", "b_out", "som_N", "losses",
                           "eval_perf_mean", "eval_loss_mean", "tr", "u", "o", "target"})
    EXPECT_TRUE(reader.has(name)) << name;
  EXPECT_EQ(reader.read_numeric("losses").numel(), 3);
  SpikingConfig c;
  c.scaling_factor = 20;
  EXPECT_EQ(LIFNetwork(c, model)->simulate(torch::ones({1, 11})).out.size(0), 1000);
  // Converted directly, without the file.
  EXPECT_EQ(LIFNetwork(c, r.network->to_rate_model())->simulate(torch::ones({1, 11})).out.size(0),
            1000);

  FRRNNDale loaded(RateRNNOptions(60));
  torch::load(loaded, dir.file("model.pt"));
  EXPECT_TRUE(torch::equal(loaded->w, r.network->w));
}

TEST(TrainingTest, BadOptionsAreRefused) {
  TrainingOptions o = short_training(1);
  o.loss_fn = "l3";
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(train_rate_rnn(o), InvalidArgument).find("loss_fn"),
            std::string::npos);
  o = short_training(0);
  EXPECT_THROW(train_rate_rnn(o), InvalidArgument);
  o = short_training(1);
  o.task = "sine";
  EXPECT_THROW(train_rate_rnn(o), InvalidArgument);
  o = short_training(1);
  o.device = "gpu7";
  EXPECT_THROW(train_rate_rnn(o), InvalidArgument);
}

// The Python `spiking` package runs a spikernn-trained file; needs SPIKERNN_PORT_PATH (a checkout
// of the PyTorch port) and /usr/bin/python3 with torch and scipy.
TEST(TrainingTest, PortLoadsASpikernnTrainedModel) {
  const char* port = std::getenv("SPIKERNN_PORT_PATH");
  if (port == nullptr) GTEST_SKIP() << "SPIKERNN_PORT_PATH (the PyTorch port) is not set";
  ScratchDir dir;
  save_trained_model(train_rate_rnn(short_training(3)), dir.file("model.mat"));
  const std::string command =
      "PYTHONPATH='" + std::string(port) +
      "' /usr/bin/python3 -c \"import numpy as np; "
      "from spiking import LIF_network_fnc; u = np.zeros((1, 21)); u[0, 5:10] = 1; "
      "r = LIF_network_fnc('" +
      dir.file("model.mat") +
      "', 20.0, u, {'mode': 'none'}, 1, False); "
      "assert r[1].shape[0] == 60\" > " +
      dir.file("log") + " 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace
}  // namespace spikernn
