// Circuit manipulations: each one's mapped matrices against those computed by hand from the
// model's tensors, their seeds, validation, JSON, and the CLI flags that record them.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "spikernn/core/error.hpp"
#include "spikernn/core/lif_network.hpp"
#include "spikernn/core/perturbations.hpp"
#include "spikernn/core/task_run.hpp"
#include "spikernn/io/model_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using testing::kGoNoGoModel;
using testing::ScratchDir;

constexpr double kLambda = 40.0;

class PerturbationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = new RateModel(load_rate_model(kGoNoGoModel)); }
  static void TearDownTestSuite() { delete model_; }
  static const RateModel& model() { return *model_; }

  // The model mapped with `p` (seed 5 for the run, λ = 40).
  static LIFNetwork mapped(const Perturbations& p) {
    SpikingConfig c;
    c.seed = 5;
    c.scaling_factor = kLambda;
    c.perturbations = p;
    return LIFNetwork(c, model());
  }
  static torch::Tensor buffer(const LIFNetwork& net, const std::string& name) {
    return net->named_buffers()[name];
  }
  // The unperturbed mapping: (w·m)∘som_m.
  static torch::Tensor base() { return mapped_recurrent_weights(model(), false, false); }
  // Checks w_rec and W = w_rec/λ against `expected_w_rec`.
  static void expect_recurrent(const LIFNetwork& net, const torch::Tensor& expected_w_rec) {
    EXPECT_TRUE(torch::equal(buffer(net, "w_rec"), expected_w_rec));
    EXPECT_TRUE(torch::equal(net->lif_params().W, expected_w_rec / kLambda));
  }
  static torch::Tensor exc() { return model().exc; }
  static torch::Tensor inh() { return model().inh; }
  // Type masks of w(X, Y): rows of type X, columns of type Y.
  static torch::Tensor block(const torch::Tensor& rows, const torch::Tensor& cols) {
    return rows.unsqueeze(1).logical_and(cols.unsqueeze(0));
  }
  static torch::Tensor without_units(torch::Tensor w, const std::vector<int64_t>& units, int dim) {
    w = w.clone();
    for (const int64_t u : units) w.select(dim, u).zero_();
    return w;
  }
  static RateModel* model_;
};
RateModel* PerturbationTest::model_ = nullptr;

TEST_F(PerturbationTest, NoneLeavesTheMappingAsItIs) {
  const LIFNetwork net = mapped(Perturbations{});
  expect_recurrent(net, base());
  EXPECT_TRUE(torch::equal(buffer(net, "w_in"), model().w_in));
  EXPECT_TRUE(torch::equal(buffer(net, "w_out_raw"), model().w_out));
  EXPECT_FALSE(Perturbations{}.changes_weights());
  EXPECT_FALSE(Perturbations{}.draws());
}

TEST_F(PerturbationTest, ScaleSynapsesScalesEachTypeAsWmRnnNamesIt) {
  Perturbations p;
  p.scale_synapses.ei = 0.7;  // I→E: rows excitatory, columns inhibitory
  p.scale_synapses.ie = 1.3;  // E→I
  p.scale_synapses.ii = 0.0;
  torch::Tensor expected = base();
  expected = torch::where(block(exc(), inh()), expected * 0.7, expected);
  expected = torch::where(block(inh(), exc()), expected * 1.3, expected);
  expected = torch::where(block(inh(), inh()), expected * 0.0, expected);
  expect_recurrent(mapped(p), expected);
  EXPECT_TRUE(torch::equal(buffer(mapped(p), "w_in"), model().w_in));
}

TEST_F(PerturbationTest, RemoveAutapsesZeroesTheDiagonal) {
  Perturbations p;
  p.remove_autapses = true;
  torch::Tensor expected = base().clone();
  expected.fill_diagonal_(0);
  expect_recurrent(mapped(p), expected);
}

TEST_F(PerturbationTest, LesionedUnitsNeitherHearNorAreHeard) {
  Perturbations p;
  p.lesion_units = {17, 3, 17};
  const std::vector<int64_t> units = {3, 17};
  const LIFNetwork net = mapped(p);
  expect_recurrent(net, without_units(without_units(base(), units, 0), units, 1));
  EXPECT_TRUE(torch::equal(buffer(net, "w_in"), without_units(model().w_in, units, 0)));
  EXPECT_TRUE(torch::equal(buffer(net, "w_out_raw"), without_units(model().w_out, units, 1)));
  EXPECT_EQ(lesioned_units(p, exc(), 0), units);
}

TEST_F(PerturbationTest, LesionFractionDrawsThatShareOfEachTypeFromTheSeed) {
  Perturbations p;
  p.lesion_fraction = {0.1, 0.25};
  p.perturb_seed = 9;
  const std::vector<int64_t> units = lesioned_units(p, exc(), 9);
  const int64_t n_exc = exc().sum().item<int64_t>(), n_inh = inh().sum().item<int64_t>();
  int64_t lesioned_exc = 0;
  for (const int64_t u : units) lesioned_exc += exc()[u].item<bool>();
  EXPECT_EQ(lesioned_exc, std::llround(0.1 * static_cast<double>(n_exc)));
  EXPECT_EQ(static_cast<int64_t>(units.size()) - lesioned_exc,
            std::llround(0.25 * static_cast<double>(n_inh)));
  const LIFNetwork net = mapped(p);
  expect_recurrent(net, without_units(without_units(base(), units, 0), units, 1));
  EXPECT_EQ(lesioned_units(p, exc(), 9), units) << "reproducible";
  EXPECT_NE(lesioned_units(p, exc(), 10), units) << "another seed, other units";
  // Without perturb_seed, the run's seed decides.
  p.perturb_seed.reset();
  expect_recurrent(
      mapped(p),
      without_units(without_units(base(), lesioned_units(p, exc(), derived_perturb_seed(5)), 0),
                    lesioned_units(p, exc(), derived_perturb_seed(5)), 1));
}

TEST_F(PerturbationTest, ShuffleMovesEachColumnsWeightsWithinTheColumn) {
  Perturbations p;
  p.shuffle_weights = ShuffleWeights::Exc;
  p.perturb_seed = 1;
  const torch::Tensor before = base();
  const torch::Tensor after = buffer(mapped(p), "w_rec");
  int64_t moved = 0;
  for (int64_t j = 0; j < model().N; ++j) {
    const torch::Tensor a = before.select(1, j), b = after.select(1, j);
    if (!exc()[j].item<bool>()) {
      EXPECT_TRUE(torch::equal(a, b)) << "inhibitory column " << j << " kept";
      continue;
    }
    EXPECT_TRUE(
        torch::equal(std::get<0>(a.index({a != 0}).sort()), std::get<0>(b.index({b != 0}).sort())))
        << "column " << j << " keeps its non-zero weights";
    moved += !torch::equal(a, b);
  }
  EXPECT_GT(moved, 0);
  EXPECT_TRUE(torch::equal(buffer(mapped(p), "w_rec"), after)) << "reproducible";
  p.perturb_seed = 2;
  EXPECT_FALSE(torch::equal(buffer(mapped(p), "w_rec"), after)) << "another seed";
  p.shuffle_weights = ShuffleWeights::All;
  const torch::Tensor all = buffer(mapped(p), "w_rec");
  EXPECT_TRUE(
      torch::equal(std::get<0>(all.flatten().sort()), std::get<0>(before.flatten().sort())));
}

TEST_F(PerturbationTest, ShuffleInputWeightsPermutesTheRowsOfWIn) {
  Perturbations p;
  p.shuffle_input_weights = true;
  const LIFNetwork net = mapped(p);
  const torch::Tensor w_in = buffer(net, "w_in");
  expect_recurrent(net, base());
  EXPECT_FALSE(torch::equal(w_in, model().w_in));
  // Each row is some row of the model's, and all of them are used once.
  std::vector<bool> used(static_cast<size_t>(model().N), false);
  for (int64_t i = 0; i < model().N; ++i) {
    const torch::Tensor matches =
        (model().w_in == w_in[i])
            .all(1)
            .logical_and(
                torch::tensor(std::vector<uint8_t>(used.begin(), used.end())).logical_not());
    ASSERT_TRUE(matches.any().item<bool>()) << "row " << i;
    used[static_cast<size_t>(matches.nonzero()[0][0].item<int64_t>())] = true;
  }
}

TEST_F(PerturbationTest, AppliedInTheDocumentedOrder) {
  Perturbations p;
  p.scale_synapses.ee = 2.0;
  p.remove_autapses = true;
  p.lesion_units = {0};
  torch::Tensor expected = torch::where(block(exc(), exc()), base() * 2.0, base());
  expected.fill_diagonal_(0);
  expected = without_units(without_units(expected, {0}, 0), {0}, 1);
  LIFNetwork net = mapped(p);
  expect_recurrent(net, expected);
  // λ changes keep them: W = w_rec / λ.
  net->set_scaling_factor(25.0);
  EXPECT_TRUE(torch::equal(net->lif_params().W, expected / 25.0));
  // Shuffling comes before the removals: no autapse and no lesioned unit comes back.
  p.shuffle_weights = ShuffleWeights::All;
  const torch::Tensor shuffled = buffer(mapped(p), "w_rec");
  EXPECT_EQ(shuffled.diagonal().count_nonzero().item<int64_t>(), 0);
  EXPECT_EQ(shuffled[0].count_nonzero().item<int64_t>(), 0);
  EXPECT_EQ(shuffled.select(1, 0).count_nonzero().item<int64_t>(), 0);
  // The input weights are shuffled before the lesions: the lesioned unit gets none back.
  p.shuffle_input_weights = true;
  const torch::Tensor w_in = buffer(mapped(p), "w_in");
  EXPECT_EQ(w_in[0].count_nonzero().item<int64_t>(), 0);
  EXPECT_GT(w_in.count_nonzero().item<int64_t>(), 0);
}

TEST(InputNoise, AddsGaussianNoiseOfTheGivenSdFromTheSeed) {
  const torch::Tensor u = torch::zeros({4, 2, 5000}, torch::kFloat64);
  const torch::Tensor a = add_input_noise(u, 0.5, 3);
  EXPECT_NEAR(a.std().item<double>(), 0.5, 0.01);
  EXPECT_NEAR(a.mean().item<double>(), 0.0, 0.01);
  EXPECT_TRUE(torch::equal(add_input_noise(u, 0.5, 3), a));
  EXPECT_FALSE(torch::equal(add_input_noise(u, 0.5, 4), a));
  EXPECT_TRUE(torch::equal(add_input_noise(u, 0.0, 3), u));
  EXPECT_EQ(add_input_noise(u.to(torch::kFloat32), 0.5, 3).scalar_type(), torch::kFloat32);
}

TEST_F(PerturbationTest, InputNoiseChangesTheTrialsReproducibly) {
  torch::Tensor u = torch::zeros({2, 1, 41}, torch::kFloat64);
  u.index_put_({torch::indexing::Slice(), 0, torch::indexing::Slice(10, 20)}, 1.0);
  Perturbations p;
  const LIFNetwork clean = mapped(p);
  p.input_noise = 0.5;
  const LIFNetwork noisy = mapped(p);
  const auto out = [&](const LIFNetwork& net) {
    return net->simulate_batch(u, Stims::none(), Record::parse("out"), 7).out;
  };
  EXPECT_FALSE(torch::equal(out(noisy), out(clean)));
  EXPECT_TRUE(torch::equal(out(noisy), out(noisy)));
  EXPECT_TRUE(torch::equal(
      out(clean),
      mapped(Perturbations{})->simulate_batch(u, Stims::none(), Record::parse("out"), 7).out));
}

TEST_F(PerturbationTest, ATaskRunDerivesTheSeedFromItsOwn) {
  TaskRun::Options o;
  o.seed = 12;
  o.n_trials = 1;
  o.task_settings = testing::kShortGoNoGo;
  o.config.perturbations.lesion_fraction.inh = 0.5;
  const TaskRun run({model()}, {{kLambda}}, o);
  const std::vector<int64_t> units =
      lesioned_units(o.config.perturbations, exc(), derived_perturb_seed(12));
  EXPECT_TRUE(torch::equal(buffer(run.network(0, 0), "w_rec"),
                           without_units(without_units(base(), units, 0), units, 1)));
}

TEST(Perturbations, ValuesAreCheckedNamingTheKey) {
  const auto message = [](const nlohmann::json& j) {
    return SPIKERNN_ERROR_MESSAGE(j.get<Perturbations>(), ConfigError);
  };
  EXPECT_EQ(message({{"scale_synapses", {{"ei", -1}}}}),
            "perturbations: key 'scale_synapses': expected finite factors >= 0, found ei = -1");
  EXPECT_EQ(message({{"scale_synapses", {{"xe", 1}}}}),
            "perturbations: key 'scale_synapses': unknown key 'xe' (known keys: ee, ei, ie, ii)");
  EXPECT_EQ(message({{"lesion_fraction", {{"inh", 1.5}}}}),
            "perturbations: key 'lesion_fraction': expected fractions in [0, 1], found inh = 1.5");
  EXPECT_EQ(message({{"lesion_units", {2, -1}}}),
            "perturbations: key 'lesion_units': expected unit indices >= 0 (0-based), found -1");
  EXPECT_EQ(message({{"input_noise", -0.1}}),
            "perturbations: key 'input_noise': expected a finite SD >= 0, found -0.1");
  EXPECT_NE(message({{"lesion", {1}}}).find("perturbations: unknown key 'lesion'"),
            std::string::npos);
  EXPECT_NE(message({{"remove_autapses", 1}}).find("perturbations: key 'remove_autapses'"),
            std::string::npos);
  EXPECT_NE(message({{"shuffle_weights", "some"}}).find("\"all\""), std::string::npos);
  // Through the spiking config, as a run config gives them.
  EXPECT_NE(
      SPIKERNN_ERROR_MESSAGE(
          create_default_spiking_config({{"perturbations", {{"input_noise", -1}}}}), ConfigError)
          .find("input_noise"),
      std::string::npos);
}

TEST_F(PerturbationTest, AUnitOutsideTheNetworkIsRefusedWhenMapped) {
  Perturbations p;
  p.lesion_units = {200};
  EXPECT_EQ(SPIKERNN_ERROR_MESSAGE(mapped(p), InvalidArgument),
            "perturbations: key 'lesion_units': unit 200 is out of range for a network of 200 "
            "units (0 to 199)");
}

TEST(Perturbations, JsonRoundTripsInsideTheSpikingConfig) {
  SpikingConfig c;
  c.perturbations.scale_synapses = {1.5, 0.7, 1.0, 0.0};
  c.perturbations.remove_autapses = true;
  c.perturbations.lesion_units = {1, 4};
  c.perturbations.lesion_fraction = {0.0, 0.2};
  c.perturbations.shuffle_weights = ShuffleWeights::Inh;
  c.perturbations.shuffle_input_weights = true;
  c.perturbations.input_noise = 0.05;
  c.perturbations.perturb_seed = 77;
  const nlohmann::json j = c;
  EXPECT_EQ(j.at("perturbations").at("scale_synapses").at("ei"), 0.7);
  EXPECT_EQ(j.at("perturbations").at("shuffle_weights"), "inh");
  EXPECT_EQ(nlohmann::json(j.get<SpikingConfig>()), j);
  EXPECT_EQ(nlohmann::json(SpikingConfig{}).at("perturbations"), nlohmann::json(Perturbations{}));
  EXPECT_TRUE(nlohmann::json(Perturbations{}).at("perturb_seed").is_null());
  // Keys a config leaves out keep their values.
  Perturbations p;
  p.remove_autapses = true;
  from_json(nlohmann::json{{"scale_synapses", {{"ie", 2}}}}, p);
  EXPECT_TRUE(p.remove_autapses);
  EXPECT_EQ(p.scale_synapses.ie, 2.0);
  EXPECT_EQ(p.scale_synapses.ee, 1.0);
}

TEST(PerturbationCli, GridSearchRecordsTheFlagsAndRefusesBadOnes) {
  ScratchDir dir;
  const std::string config = dir.file("run.json");
  std::ofstream(config) << R"({"model": ")" << kGoNoGoModel << R"(", "task": "go-nogo",
    "task_settings": {"columns": 61, "stim_on": 20, "stim_dur": 10, "score_from_step": 3500},
    "trials": 2, "batch_size": 2, "seed": 4,
    "perturbations": {"remove_autapses": true, "scale_synapses": {"ee": 0.9}}})";
  const testing::CliRun run =
      testing::run_cli("grid-search --config " + config +
                           " --scaling-factors 20 --no-write --scale-synapses ei=0.7 "
                           "--lesion-fraction inh=0.1 --perturb-seed 3 "
                           "--input-noise 0.01 --json " +
                           dir.file("out.json"),
                       dir);
  ASSERT_EQ(run.status, 0) << run.output;
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(dir.file("out.json")));
  const nlohmann::json& p = j.at("config").at("perturbations");
  EXPECT_EQ(p.at("scale_synapses"),
            nlohmann::json({{"ee", 0.9}, {"ei", 0.7}, {"ie", 1.0}, {"ii", 1.0}}));
  EXPECT_EQ(p.at("remove_autapses"), true);
  EXPECT_EQ(p.at("lesion_fraction").at("inh"), 0.1);
  EXPECT_EQ(p.at("perturb_seed"), 3);
  EXPECT_EQ(p.at("input_noise"), 0.01);

  const testing::CliRun bad = testing::run_cli(
      "eval --config " + config + " --scaling-factor 20 --scale-synapses ei=-2", dir);
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--scale-synapses: expected finite factors >= 0, found ei = -2"),
            std::string::npos)
      << bad.output;
  const testing::CliRun form = testing::run_cli(
      "eval --config " + config + " --scaling-factor 20 --lesion-fraction half", dir);
  EXPECT_NE(form.output.find("--lesion-fraction: expected NAME=VALUE"), std::string::npos)
      << form.output;
}

}  // namespace
}  // namespace spikernn
