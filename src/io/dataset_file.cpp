#include "spikernn/io/dataset_file.hpp"

#include <cmath>

#include "spikernn/core/error.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/mat_file.hpp"

namespace spikernn {
namespace {

MatVariable count(const char* name, int64_t value) {
  return {name, torch::tensor(value, torch::kLong)};
}

double read_scalar(const MatReader& mat, const std::string& name) {
  const torch::Tensor t = mat.read_numeric(name);
  if (t.numel() != 1)
    throw ModelFormatError(mat.path() + ": variable '" + name + "': expected one number, found " +
                           std::to_string(t.numel()) + " values");
  return t.item<double>();
}

int64_t read_count(const MatReader& mat, const std::string& name) {
  const double value = read_scalar(mat, name);
  if (value != std::round(value) || std::abs(value) > 1e15)
    throw ModelFormatError(mat.path() + ": variable '" + name + "': expected an integer, found " +
                           std::to_string(value));
  return static_cast<int64_t>(value);
}

// A 1 × n or n × 1 variable as an n-vector of `type`: integers for kLong and 0 or 1 for kBool
// (a value the conversion would truncate or wrap is refused, not changed).
torch::Tensor read_vector(const MatReader& mat, const std::string& name, torch::ScalarType type) {
  const torch::Tensor t = mat.read_numeric(name);
  if (t.dim() != 2 || (t.size(0) != 1 && t.size(1) != 1 && t.numel() != 0))
    throw ModelFormatError(mat.path() + ": variable '" + name + "': expected a vector, found " +
                           "shape " + c10::str(t.sizes()));
  const torch::Tensor v = t.reshape({-1});
  const torch::Tensor fits = type == torch::kBool ? (v == 0).logical_or(v == 1)
                                                  : (v == v.round()).logical_and(v.abs() <= 1e15);
  if (!fits.all().item<bool>()) {
    const int64_t at = (~fits).nonzero()[0][0].item<int64_t>();
    throw ModelFormatError("'" + mat.path() + "': variable '" + name + "': expected " +
                           (type == torch::kBool ? "0 or 1" : "integers") + ", found " +
                           c10::str(v[at].item<double>()) + " at element " +
                           std::to_string(at + 1));
  }
  return v.to(type);
}

}  // namespace

void write_dataset_file(const std::string& path, const TrialDataset& d, MatFormat format) {
  try {
    validate_dataset(d, "dataset");
  } catch (const ModelFormatError& e) {
    throw InvalidArgument(std::string("cannot write '") + path + "': " + e.what());
  }
  write_mat_file(path,
                 {{"spike_trial", d.spike_trial},
                  {"spike_unit", d.spike_unit},
                  {"spike_step", d.spike_step},
                  count("n_trials", d.n_trials),
                  count("N", d.N),
                  count("n_steps", d.n_steps),
                  {"dt", torch::tensor(d.dt, torch::kDouble)},
                  {"condition", d.condition},
                  MatVariable::strings("conditions", d.conditions),
                  {"labels", d.labels},
                  {"correct", d.correct},
                  {"out", d.out},
                  {"exc", d.exc},
                  {"inh", d.inh},
                  MatVariable::string("config", d.config.dump()),
                  MatVariable::string("spikernn_version", version())},
                 format);
}

TrialDataset read_dataset_file(const std::string& path) {
  const MatReader mat(path);
  TrialDataset d;
  d.n_trials = read_count(mat, "n_trials");
  d.N = read_count(mat, "N");
  d.n_steps = read_count(mat, "n_steps");
  d.dt = read_scalar(mat, "dt");
  d.spike_trial = read_vector(mat, "spike_trial", torch::kLong);
  d.spike_unit = read_vector(mat, "spike_unit", torch::kLong);
  d.spike_step = read_vector(mat, "spike_step", torch::kLong);
  d.condition = read_vector(mat, "condition", torch::kLong);
  d.conditions = mat.read_strings("conditions");
  d.labels = mat.read_numeric("labels");
  d.correct = read_vector(mat, "correct", torch::kBool);
  d.out = mat.read_numeric("out");
  d.exc = read_vector(mat, "exc", torch::kBool);
  d.inh = read_vector(mat, "inh", torch::kBool);
  if (mat.has("config")) {
    const std::string text = mat.read_string("config");
    d.config = nlohmann::json::parse(text, nullptr, false);
    if (d.config.is_discarded())
      throw ModelFormatError(path + ": variable 'config': expected JSON text");
  }
  validate_dataset(d, path);
  return d;
}

}  // namespace spikernn
