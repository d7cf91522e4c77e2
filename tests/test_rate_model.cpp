#include <gtest/gtest.h>

#include <fstream>

#include "spikernn/core/error.hpp"
#include "spikernn/core/rate_model.hpp"
#include "spikernn/io/mat_file.hpp"
#include "test_support.hpp"

namespace spikernn {
namespace {

using testing::kGoNoGoModel;
using testing::ScratchDir;
using testing::source_path;
using testing::variables_of;

std::vector<MatVariable> replace(std::vector<MatVariable> vars, const std::string& name,
                                 std::optional<MatVariable> with) {
  std::vector<MatVariable> out;
  for (auto& v : vars)
    if (v.name != name) out.push_back(std::move(v));
  if (with) out.push_back(*with);
  return out;
}

void expect_same_model(const RateModel& a, const RateModel& b) {
  EXPECT_EQ(a.N, b.N);
  for (auto [x, y] : {std::pair{a.w, b.w},
                      {a.w0, b.w0},
                      {a.w_in, b.w_in},
                      {a.w_out, b.w_out},
                      {a.m, b.m},
                      {a.som_m, b.som_m},
                      {a.inh, b.inh},
                      {a.exc, b.exc},
                      {a.taus, b.taus},
                      {a.taus_gaus, b.taus_gaus}})
    EXPECT_TRUE(torch::equal(x, y));
}

class LoaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { model_ = new RateModel(load_rate_model(kGoNoGoModel)); }
  static void TearDownTestSuite() { delete model_; }
  static const RateModel& model() { return *model_; }

  // The error a model file with `vars` produces.
  std::string error_for(const std::vector<MatVariable>& vars) {
    const std::string path = dir_.file("model.mat");
    write_mat_file(path, vars);
    return SPIKERNN_ERROR_MESSAGE(load_rate_model(path), ModelFormatError);
  }

  ScratchDir dir_;
  static RateModel* model_;
};
RateModel* LoaderTest::model_ = nullptr;

TEST_F(LoaderTest, ReadsTheRatePackagesScipyFile) {
  const RateModel& m = model();
  EXPECT_EQ(m.N, 200);
  EXPECT_EQ(m.w.sizes(), (std::vector<int64_t>{200, 200}));
  EXPECT_EQ(m.w_in.sizes(), (std::vector<int64_t>{200, 1}));
  EXPECT_EQ(m.w_out.sizes(), (std::vector<int64_t>{1, 200}));
  EXPECT_EQ(m.inh.sizes(), (std::vector<int64_t>{200}));
  EXPECT_EQ(m.inh.scalar_type(), torch::kBool);
  EXPECT_EQ(m.taus.numel(), 2);
  EXPECT_DOUBLE_EQ(m.taus[1].item<double>(), 20.0);
  EXPECT_TRUE(m.b_out.has_value());
  EXPECT_FALSE(m.opt_scaling_factor.has_value());
  EXPECT_TRUE(torch::equal(m.inh, m.exc.logical_not()));
  EXPECT_EQ(m.negative_weight_count(), 5576);
}

TEST_F(LoaderTest, ReadsCompressedFilesWithTwoInputs) {
  const RateModel m = load_rate_model(source_path("tests/data/two_input_model.mat"));
  EXPECT_EQ(m.N, 100);
  EXPECT_EQ(m.w_in.sizes(), (std::vector<int64_t>{100, 2}));
  EXPECT_EQ(m.n_inputs(), 2);
}

TEST_F(LoaderTest, ConvertsEveryNumericClassToFloat64) {
  // float32 weights, int8/uint8 masks, logical inh/exc, uint16 N, int32 single tau.
  const RateModel m = load_rate_model(source_path("tests/data/mixed_class_model.mat"));
  EXPECT_EQ(m.N, 100);
  EXPECT_EQ(m.w.scalar_type(), torch::kFloat64);
  EXPECT_EQ(m.m.scalar_type(), torch::kFloat64);
  EXPECT_TRUE(torch::equal(
      m.w, model()
               .w.index({torch::indexing::Slice(0, 100), torch::indexing::Slice(0, 100)})
               .to(torch::kFloat32)
               .to(torch::kFloat64)));
  EXPECT_EQ(m.taus.numel(), 1);
  const SynapticDecay decay = synaptic_decay(m);
  EXPECT_EQ(decay.td.dim(), 0);
  EXPECT_DOUBLE_EQ(decay.td.item<double>(), 10 * 5 / 1000.0);
}

TEST_F(LoaderTest, ReadsV5AndV73FilesWrittenByMatio) {
  for (MatFormat format : {MatFormat::V5, MatFormat::V73}) {
    const std::string path = dir_.file(format == MatFormat::V5 ? "v5.mat" : "v73.mat");
    write_mat_file(path, variables_of(model()), format);
    expect_same_model(load_rate_model(path), model());
  }
}

TEST_F(LoaderTest, AcceptsVectorsAsRowsColumnsOr1D) {
  auto vars = variables_of(model());
  vars = replace(vars, "w_out", MatVariable("w_out", model().w_out.t()));          // column
  vars = replace(vars, "w_in", MatVariable("w_in", model().w_in.reshape({-1})));   // 1-D (row)
  vars = replace(vars, "inh", MatVariable("inh", model().inh.reshape({-1, 1})));   // column
  vars = replace(vars, "taus_gaus", MatVariable("taus_gaus", model().taus_gaus));  // row
  const std::string path = dir_.file("vectors.mat");
  write_mat_file(path, vars);
  expect_same_model(load_rate_model(path), model());
}

TEST_F(LoaderTest, FileErrors) {
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(load_rate_model(dir_.file("none.mat")), FileError)
                .find("no such file"),
            std::string::npos);
  EXPECT_NE(
      SPIKERNN_ERROR_MESSAGE(load_rate_model(dir_.path().string()), FileError).find("directory"),
      std::string::npos);
  const std::string text = dir_.file("text.mat");
  std::ofstream(text)
      << "this is not a MAT file, only some text that is long enough to have a "
         "header of 128 bytes ......................................................";
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(load_rate_model(text), FileError).find("not a readable MAT"),
            std::string::npos);
}

TEST_F(LoaderTest, TruncatedAndCorruptedFilesAreRefusedNotCrashedOn) {
  std::ifstream in(kGoNoGoModel, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const size_t keep : {size_t{200}, size_t{700000}, bytes.size() - 1000}) {
    const std::string path = dir_.file("truncated.mat");
    std::ofstream(path, std::ios::binary) << bytes.substr(0, keep);
    const std::string message = [&]() -> std::string {
      try {
        load_rate_model(path);
      } catch (const Error& e) {
        return e.what();
      }
      return "";
    }();
    EXPECT_NE(message.find("truncated.mat"), std::string::npos) << keep << ": " << message;
  }
  std::string damaged = bytes;
  for (size_t i = 128; i < damaged.size(); i += 7919) damaged[i] = static_cast<char>(~damaged[i]);
  const std::string path = dir_.file("damaged.mat");
  std::ofstream(path, std::ios::binary) << damaged;
  EXPECT_THROW(load_rate_model(path), Error);
}

// Dimensions that claim more elements than the file could hold are refused before matio
// allocates them (the fuzzer found 3 × 822,083,587 doubles in a 1,392-byte file).
TEST_F(LoaderTest, DimensionsBeyondTheFileAreRefusedBeforeReading) {
  const std::string path = dir_.file("huge_dims.mat");
  write_mat_file(path, {{"w", torch::zeros({3, 3}, torch::kFloat64)}});
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  const int32_t huge = 822083587;
  file.seekp(128 + 8 + 16 + 8 + 4);  // header, matrix tag, array flags, dims tag, first dim
  file.write(reinterpret_cast<const char*>(&huge), 4);
  file.close();
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(MatReader(path).read_numeric("w"), ModelFormatError)
                .find("variable 'w': its dimensions 3×822083587 claim more elements"),
            std::string::npos);
}

// One fixed decay constant needs neither taus_gaus nor taus_gaus0 (the fuzzer found a file
// without one of them that crashed the loader).
TEST_F(LoaderTest, OneDecayConstantNeedsNoTausGaus) {
  std::vector<MatVariable> vars;
  for (MatVariable& v : testing::variables_of(model()))
    if (v.name != "taus_gaus" && v.name != "taus_gaus0")
      vars.push_back(v.name == "taus" ? MatVariable("taus", torch::tensor({5.0})) : v);
  const std::string path = dir_.file("one_tau.mat");
  write_mat_file(path, vars);
  const RateModel m = load_rate_model(path);
  EXPECT_EQ(m.taus.numel(), 1);
  EXPECT_FALSE(m.taus_gaus.defined());
}

// A size inside a variable that exceeds the variable (found by the fuzzer: matio would have
// allocated 8 GB for it) is refused before matio reads the file.
TEST_F(LoaderTest, SizesBeyondTheirVariableAreRefusedBeforeReading) {
  const std::string path = source_path("tests/fuzz/corpus/model/regression_huge_allocation.mat");
  EXPECT_NE(SPIKERNN_ERROR_MESSAGE(load_rate_model(path), ModelFormatError)
                .find("damaged or truncated MAT file (the variable at byte 336"),
            std::string::npos);
}

TEST_F(LoaderTest, MissingVariableIsNamed) {
  const std::string message = error_for(replace(variables_of(model()), "w_in", std::nullopt));
  EXPECT_NE(message.find("model.mat"), std::string::npos) << message;
  EXPECT_NE(message.find("variable 'w_in' is missing"), std::string::npos) << message;
}

TEST_F(LoaderTest, NThatDisagreesWithTheMatricesIsNamed) {
  const std::string message =
      error_for(replace(variables_of(model()), "N", MatVariable("N", torch::tensor(int64_t{150}))));
  EXPECT_NE(message.find("variable 'w'"), std::string::npos) << message;
  EXPECT_NE(message.find("expected 150×150 (N = 150), found 200×200"), std::string::npos)
      << message;
}

TEST_F(LoaderTest, WrongShapesAreNamed) {
  using torch::indexing::Slice;
  EXPECT_NE(error_for(replace(variables_of(model()), "w_in",
                              MatVariable("w_in", model().w_in.index({Slice(0, 150)}))))
                .find("variable 'w_in': expected 200×n_inputs (N rows), found 150×1"),
            std::string::npos);
  EXPECT_NE(error_for(replace(variables_of(model()), "taus",
                              MatVariable("taus", torch::tensor({4.0, 10.0, 20.0}))))
                .find("variable 'taus': expected 1 value (fixed) or 2 values"),
            std::string::npos);
  EXPECT_NE(error_for(replace(variables_of(model()), "exc",
                              MatVariable("exc", model().exc.index({Slice(0, 10)}))))
                .find("variable 'exc': expected 200 values (N), found 10"),
            std::string::npos);
}

TEST_F(LoaderTest, NonNumericAndNonFiniteValuesAreNamed) {
  EXPECT_NE(error_for(replace(variables_of(model()), "w", MatVariable::string("w", "weights")))
                .find("variable 'w': expected a real numeric or logical array, found char"),
            std::string::npos);
  torch::Tensor w = model().w.clone();
  w[3][4] = std::nan("");
  const std::string message = error_for(replace(variables_of(model()), "w", MatVariable("w", w)));
  EXPECT_NE(message.find("variable 'w': expected finite values, found nan at flat index 604"),
            std::string::npos)
      << message;
  EXPECT_NE(error_for(replace(variables_of(model()), "inh",
                              MatVariable("inh", model().inh.to(torch::kFloat64) * 2)))
                .find("variable 'inh': expected 0/1"),
            std::string::npos);
  EXPECT_NE(error_for(replace(variables_of(model()), "N", MatVariable("N", torch::tensor(2.5))))
                .find("variable 'N': expected a positive integer"),
            std::string::npos);
}

TEST_F(LoaderTest, UnitsMarkedBothOrNeitherAreRefusedAndNamed) {
  torch::Tensor inh = model().inh.to(torch::kFloat64);
  const int64_t exc_unit = model().exc.nonzero()[0].item<int64_t>();
  const int64_t inh_unit = model().inh.nonzero()[0].item<int64_t>();
  inh[exc_unit] = 1;  // marked both
  inh[inh_unit] = 0;  // marked neither
  const std::string both =
      error_for(replace(variables_of(model()), "inh", MatVariable("inh", inh)));
  EXPECT_NE(both.find("model.mat': variable 'inh' and 'exc' both mark unit " +
                      std::to_string(exc_unit + 1) + ": expected each unit"),
            std::string::npos)
      << both;
  inh[exc_unit] = 0;
  const std::string neither =
      error_for(replace(variables_of(model()), "inh", MatVariable("inh", inh)));
  EXPECT_NE(neither.find("variable 'inh' and 'exc' leave unit " + std::to_string(inh_unit + 1) +
                         " unmarked"),
            std::string::npos)
      << neither;
}

TEST_F(LoaderTest, MappingFollowsThePortAndCanClamp) {
  const torch::Tensor mapped = mapped_recurrent_weights(model(), false, false);
  EXPECT_TRUE(torch::equal(mapped, torch::matmul(model().w, model().m) * model().som_m));
  const torch::Tensor clamped = mapped_recurrent_weights(model(), false, true);
  // Under Dale's principle, columns of excitatory units are >= 0 and inhibitory ones <= 0.
  EXPECT_TRUE(clamped.index({torch::indexing::Slice(), model().exc}).ge(0).all().item<bool>());
  EXPECT_TRUE(clamped.index({torch::indexing::Slice(), model().inh}).le(0).all().item<bool>());
  EXPECT_TRUE(torch::equal(mapped_recurrent_weights(model(), true, false),
                           torch::matmul(model().w0, model().m) * model().som_m));

  RateModel without_w0 = model();
  without_w0.w0 = torch::Tensor();
  EXPECT_NE(
      SPIKERNN_ERROR_MESSAGE(mapped_recurrent_weights(without_w0, true, false), ModelFormatError)
          .find("'w0' is missing, but use_initial_weights asks for it"),
      std::string::npos);
}

}  // namespace
}  // namespace spikernn
