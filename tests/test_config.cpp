#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "spikernn/core/error.hpp"
#include "spikernn/core/spiking_config.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using nlohmann::json;

TEST(SpikingConfig, DefaultsAreThePorts) {
  const SpikingConfig c = create_default_spiking_config();
  EXPECT_EQ(c.N, 200);
  EXPECT_DOUBLE_EQ(c.dt, 0.00005);
  EXPECT_EQ(c.downsample, 1);
  EXPECT_DOUBLE_EQ(c.scaling_factor, 50.0);
  EXPECT_DOUBLE_EQ(c.tref, 0.002);
  EXPECT_DOUBLE_EQ(c.tm, 0.010);
  EXPECT_DOUBLE_EQ(c.vreset, -65.0);
  EXPECT_DOUBLE_EQ(c.vpeak, -40.0);
  EXPECT_DOUBLE_EQ(c.tr, 0.002);
  EXPECT_FALSE(c.use_initial_weights);
  EXPECT_EQ(c.device, "cpu");
  EXPECT_EQ(c.dtype, FloatType::Float64);
  EXPECT_FALSE(c.seed.has_value());
  EXPECT_FALSE(c.clamp_negative_weights);
}

TEST(SpikingConfig, DefaultsTakeOverridesLikeThePortsKeywordArguments) {
  const SpikingConfig c =
      create_default_spiking_config({{"N", 300}, {"scaling_factor", 25.0}, {"dtype", "float32"}});
  EXPECT_EQ(c.N, 300);
  EXPECT_DOUBLE_EQ(c.scaling_factor, 25.0);
  EXPECT_EQ(c.dtype, FloatType::Float32);
  EXPECT_DOUBLE_EQ(c.dt, 0.00005);  // the rest keeps the port's defaults
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(create_default_spiking_config({{"lambda", 25.0}}), ConfigError)
                .find("unknown key 'lambda'"),
            std::string::npos);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(create_default_spiking_config({{"N", "300"}}), ConfigError)
                .find("'N'"),
            std::string::npos);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(create_default_spiking_config({{"downsample", 0}}), ConfigError)
                .find("downsample"),
            std::string::npos);
}

TEST(SpikingConfig, JsonRoundTrip) {
  SpikingConfig c;
  c.N = 300;
  c.dt = 1e-4;
  c.downsample = 2;
  c.scaling_factor = 42.5;
  c.seed = 17;
  c.dtype = FloatType::Float32;
  c.clamp_negative_weights = true;
  const json j = c;
  const SpikingConfig back = j.get<SpikingConfig>();
  EXPECT_EQ(json(back), j);
  EXPECT_EQ(back.seed, std::optional<uint64_t>(17));
  EXPECT_EQ(json::parse(j.dump()).get<SpikingConfig>().N, 300);
}

TEST(SpikingConfig, TheTableDeclaresEveryKeyOnceAndEnumsByName) {
  const nlohmann::json j = SpikingConfig{};
  std::vector<std::string> written;
  for (const auto& item : j.items()) written.push_back(item.key());
  std::vector<std::string> keys = spiking_config_table().keys();
  std::sort(keys.begin(), keys.end());
  std::sort(written.begin(), written.end());
  EXPECT_EQ(keys, written);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
  EXPECT_EQ(j["engine"], "auto");
  EXPECT_EQ(j["noise"], "torch");
  EXPECT_EQ(j["dtype"], "float64");
  const SpikingConfig c = nlohmann::json{{"engine", "reference"}, {"noise", "fast"}};
  EXPECT_EQ(c.engine, Engine::Reference);
  EXPECT_EQ(c.noise, Noise::Fast);
  EXPECT_EQ(SPIKERNN_ERROR_MESSAGE(nlohmann::json({{"noise", "quiet"}}).get<SpikingConfig>(),
                                   ConfigError),
            R"(key 'noise': expected "torch" or "fast", found "quiet")");
}

TEST(SpikingConfig, RanksOfANodeShareOutItsGpus) {
  EXPECT_EQ(device_for_local_rank("cuda", 0, 4), "cuda:0");
  EXPECT_EQ(device_for_local_rank("cuda", 5, 4), "cuda:1");
  EXPECT_EQ(device_for_local_rank("cuda:2", 5, 4), "cuda:2");  // named explicitly: kept
  EXPECT_EQ(device_for_local_rank("cpu", 5, 4), "cpu");
  EXPECT_EQ(device_for_local_rank("cuda", 1, 0), "cuda");  // no GPU: the usual error later
}

TEST(TaskSettings, TablesRoundTripAndRefuseUnknownKeys) {
  const nlohmann::json changed = {{"stim_on", 40}, {"go_threshold", 0.6}};
  const GoNoGoTask task(changed);
  nlohmann::json expected = go_nogo_settings_table().write(GoNoGoSettings{});
  expected["stim_on"] = 40;
  expected["go_threshold"] = 0.6;
  EXPECT_EQ(task.settings(), expected);
  EXPECT_EQ(GoNoGoTask(task.settings()).settings(), expected);
  for (const auto& name : {"go-nogo", "xor", "mante"}) {
    const std::string message =
        SPIKERNN_ERROR_MESSAGE(make_task(name, nlohmann::json{{"stim_onn", 1}}), ConfigError);
    EXPECT_NE(message.find("task settings: unknown key 'stim_onn'"), std::string::npos) << message;
  }
  EXPECT_EQ(make_task("xor", nlohmann::json::object())->settings(),
            xor_settings_table().write(XorSettings{}));
  EXPECT_EQ(make_task("mante", nlohmann::json::object())->settings(),
            mante_settings_table().write(ManteSettings{}));
}

TEST(SpikingConfig, AbsentKeysKeepDefaultsAndNullSeedIsUnset) {
  const SpikingConfig c = json{{"scaling_factor", 30}, {"seed", nullptr}}.get<SpikingConfig>();
  EXPECT_DOUBLE_EQ(c.scaling_factor, 30.0);
  EXPECT_DOUBLE_EQ(c.tm, 0.010);
  EXPECT_FALSE(c.seed.has_value());
}

TEST(SpikingConfig, UnknownKeyIsNamed) {
  const std::string message =
      SPIKERNN_ERROR_MESSAGE(json({{"scaling_factr", 3}}).get<SpikingConfig>(), ConfigError);
  EXPECT_NE(message.find("unknown key 'scaling_factr'"), std::string::npos) << message;
  EXPECT_NE(message.find("scaling_factor"), std::string::npos) << "lists the known keys";
}

TEST(SpikingConfig, WrongTypeNamesKeyAndType) {
  const std::string message =
      SPIKERNN_ERROR_MESSAGE(json({{"dt", "fast"}}).get<SpikingConfig>(), ConfigError);
  EXPECT_NE(message.find("key 'dt'"), std::string::npos) << message;
  EXPECT_NE(message.find("expected a number"), std::string::npos) << message;
  EXPECT_NE(message.find("found string"), std::string::npos) << message;

  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(json({{"downsample", 1.5}}).get<SpikingConfig>(), ConfigError)
                .find("expected an integer"),
            std::string::npos);
  EXPECT_NE(
      SPIKERNN_ERROR_MESSAGE(json({{"use_initial_weights", 1}}).get<SpikingConfig>(), ConfigError)
          .find("expected true or false"),
      std::string::npos);
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(json({{"seed", -3}}).get<SpikingConfig>(), ConfigError)
                .find("key 'seed'"),
            std::string::npos);
}

struct Rule {
  json value;
  std::string key;
};

void PrintTo(const Rule& rule, std::ostream* os) { *os << rule.value.dump(); }

class ValidationRule : public ::testing::TestWithParam<Rule> {};

TEST_P(ValidationRule, IsRefusedNamingTheKey) {
  const std::string message =
      SPIKERNN_ERROR_MESSAGE(GetParam().value.get<SpikingConfig>(), ConfigError);
  EXPECT_NE(message.find("key '" + GetParam().key + "'"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(PortRules, ValidationRule,
                         ::testing::Values(Rule{{{"N", 0}}, "N"}, Rule{{{"dt", 0}}, "dt"},
                                           Rule{{{"downsample", 0}}, "downsample"},
                                           Rule{{{"scaling_factor", -1}}, "scaling_factor"},
                                           Rule{{{"scaling_factor", 0}}, "scaling_factor"},
                                           Rule{{{"tref", -0.001}}, "tref"},
                                           Rule{{{"tm", 0}}, "tm"}, Rule{{{"tr", 0}}, "tr"},
                                           Rule{{{"vpeak", -70}}, "vpeak"},
                                           Rule{{{"dtype", "float16"}}, "dtype"},
                                           Rule{{{"device", "tpu"}}, "device"}));

TEST(SpikingConfig, FileErrorsNameTheFile) {
  testing::ScratchDir dir;
  const std::string path = dir.file("bad.json");
  std::ofstream(path) << "{\"dt\": 0.0001,";
  const std::string message = SPIKERNN_ERROR_MESSAGE(load_spiking_config(path), ConfigError);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("malformed JSON"), std::string::npos) << message;

  std::ofstream(path) << R"({"tm": "slow"})";
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(load_spiking_config(path), ConfigError).find(path),
            std::string::npos);
  EXPECT_THROW(load_spiking_config(dir.file("missing.json")), FileError);
}

}  // namespace
}  // namespace spikernn
