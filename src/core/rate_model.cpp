#include "spikernn/core/rate_model.hpp"

#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include "spikernn/core/error.hpp"

namespace spikernn {
namespace {

std::string where(const RateModel& model, const std::string& variable) {
  return (model.path.empty() ? std::string("rate model") : "'" + model.path + "'") +
         ": variable '" + variable + "'";
}

std::string shape_of(const torch::Tensor& t) {
  if (t.dim() == 0) return "a scalar";
  std::ostringstream s;
  for (int64_t i = 0; i < t.dim(); ++i) s << (i ? "×" : "") << t.size(i);
  return s.str();
}

bool is_vector(const torch::Tensor& t) {
  int64_t non_singleton = 0;
  for (int64_t d : t.sizes()) non_singleton += d != 1;
  return non_singleton <= 1;
}

// Rows, columns and 1-D arrays all become 1-D, as the port's `.flatten()` does.
// Undefined (an absent optional variable) stays undefined.
torch::Tensor flatten_vector(const torch::Tensor& t) {
  return t.defined() && is_vector(t) ? t.reshape({-1}) : t;
}

void expect_shape(const RateModel& model, const std::string& name, const torch::Tensor& t,
                  std::vector<int64_t> shape, const std::string& expected) {
  if (!t.defined()) throw ModelFormatError(where(model, name) + " is missing");
  if (t.sizes() != c10::IntArrayRef(shape))
    throw ModelFormatError(where(model, name) + ": expected " + expected + ", found " +
                           shape_of(t));
}

void expect_finite(const RateModel& model, const std::string& name, const torch::Tensor& t) {
  torch::Tensor bad = torch::logical_not(torch::isfinite(t)).reshape({-1}).nonzero();
  if (bad.numel() > 0) {
    const int64_t index = bad[0].item<int64_t>();
    throw ModelFormatError(where(model, name) + ": expected finite values, found " +
                           std::to_string(t.reshape({-1})[index].item<double>()) +
                           " at flat index " + std::to_string(index));
  }
}

void expect_binary(const RateModel& model, const std::string& name, const torch::Tensor& t) {
  if (!t.eq(0).logical_or(t.eq(1)).all().item<bool>())
    throw ModelFormatError(where(model, name) + ": expected 0/1 (logical) values, found others");
}

double scalar_of(const RateModel& model, const std::string& name, const torch::Tensor& t) {
  if (t.numel() != 1)
    throw ModelFormatError(where(model, name) + ": expected a scalar, found " + shape_of(t));
  expect_finite(model, name, t);
  return t.reshape({}).item<double>();
}

// Dale's principle: each unit is inhibitory or excitatory, never both or neither. Names the first
// units of each kind of mismatch (1-based, as MATLAB counts).
void expect_one_type_per_unit(const RateModel& model) {
  const auto units = [](const torch::Tensor& mask) {
    const torch::Tensor index = mask.nonzero().flatten();
    std::string list;
    for (int64_t k = 0; k < std::min<int64_t>(index.numel(), 10); ++k)
      list += (k ? ", " : "") + std::to_string(index[k].item<int64_t>() + 1);
    if (index.numel() > 10) list += ", ... (" + std::to_string(index.numel()) + " units)";
    return list;
  };
  const torch::Tensor both = model.inh.logical_and(model.exc);
  if (both.any().item<bool>())
    throw ModelFormatError(where(model, "inh") + " and 'exc' both mark unit " + units(both) +
                           ": expected each unit to be either inhibitory or excitatory");
  const torch::Tensor neither = model.inh.logical_or(model.exc).logical_not();
  if (neither.any().item<bool>())
    throw ModelFormatError(where(model, "inh") + " and 'exc' leave unit " + units(neither) +
                           " unmarked: expected each unit to be either inhibitory or excitatory");
}

}  // namespace

int64_t RateModel::negative_weight_count() const {
  return w.defined() ? w.lt(0).sum().item<int64_t>() : 0;
}

RateModel rate_model_from_arrays(const std::map<std::string, torch::Tensor>& arrays,
                                 const std::string& source, const std::string& activation) {
  RateModel model;
  model.path = source;
  model.activation = activation;
  const auto get = [&](const std::string& name) {
    const auto found = arrays.find(name);
    if (found == arrays.end()) return torch::Tensor();
    return found->second.to(torch::kCPU, torch::kFloat64);
  };
  const auto required = [&](const std::string& name) {
    torch::Tensor t = get(name);
    if (!t.defined()) throw ModelFormatError(where(model, name) + " is missing");
    return t;
  };

  const double n = scalar_of(model, "N", required("N"));
  if (n < 1 || n != std::floor(n))
    throw ModelFormatError(where(model, "N") + ": expected a positive integer, found " +
                           std::to_string(n));
  model.N = static_cast<int64_t>(n);

  model.w = required("w");
  model.w0 = get("w0");
  model.m = required("m");
  model.som_m = required("som_m");
  model.w_in = required("w_in");
  if (is_vector(model.w_in) && model.w_in.numel() == model.N)
    model.w_in = model.w_in.reshape({model.N, 1});
  model.w_out = required("w_out");
  if (is_vector(model.w_out) && model.w_out.numel() == model.N)
    model.w_out = model.w_out.reshape({1, model.N});
  model.inh = flatten_vector(required("inh"));
  model.exc = flatten_vector(required("exc"));
  model.taus = flatten_vector(required("taus"));
  const bool trained_taus = model.taus.numel() > 1;
  model.taus_gaus = flatten_vector(trained_taus ? required("taus_gaus") : get("taus_gaus"));
  model.taus_gaus0 = flatten_vector(trained_taus ? required("taus_gaus0") : get("taus_gaus0"));
  if (const torch::Tensor b = get("b_out"); b.defined()) model.b_out = scalar_of(model, "b_out", b);
  if (model.n_inputs() == 4) model.last_stimulus = get("u");
  // NaN is the MATLAB grid search's claim on a file it has not finished: no λ yet.
  if (const torch::Tensor f = get("opt_scaling_factor");
      f.defined() && !f.isnan().all().item<bool>())
    model.opt_scaling_factor = scalar_of(model, "opt_scaling_factor", f);

  validate_rate_model(model);
  // Binary masks are stored as double or logical; keep them as bool after checking their values.
  expect_binary(model, "inh", model.inh);
  expect_binary(model, "exc", model.exc);
  model.inh = model.inh.to(torch::kBool);
  model.exc = model.exc.to(torch::kBool);
  expect_one_type_per_unit(model);
  return model;
}

void validate_rate_model(const RateModel& model) {
  const int64_t N = model.N;
  if (N < 1)
    throw ModelFormatError(where(model, "N") + ": expected a positive integer, found " +
                           std::to_string(N));
  const std::string square =
      std::to_string(N) + "×" + std::to_string(N) + " (N = " + std::to_string(N) + ")";
  for (auto [name, t] : {std::pair{"w", model.w}, {"m", model.m}, {"som_m", model.som_m}}) {
    expect_shape(model, name, t, {N, N}, square);
    expect_finite(model, name, t);
  }
  if (model.w0.defined()) {
    expect_shape(model, "w0", model.w0, {N, N}, square);
    expect_finite(model, "w0", model.w0);
  }
  if (!model.w_in.defined()) throw ModelFormatError(where(model, "w_in") + " is missing");
  if (model.w_in.dim() != 2 || model.w_in.size(0) != N || model.w_in.size(1) < 1)
    throw ModelFormatError(where(model, "w_in") + ": expected " + std::to_string(N) +
                           "×n_inputs (N rows), found " + shape_of(model.w_in));
  expect_finite(model, "w_in", model.w_in);
  expect_shape(model, "w_out", model.w_out, {1, N},
               "1×" + std::to_string(N) + " (N = " + std::to_string(N) + ")");
  expect_finite(model, "w_out", model.w_out);
  for (auto [name, t] : {std::pair{"inh", model.inh}, {"exc", model.exc}})
    expect_shape(model, name, t, {N}, std::to_string(N) + " values (N)");

  if (!model.taus.defined()) throw ModelFormatError(where(model, "taus") + " is missing");
  if (model.taus.dim() != 1 || model.taus.numel() < 1 || model.taus.numel() > 2)
    throw ModelFormatError(where(model, "taus") +
                           ": expected 1 value (fixed) or 2 values (min, max), found " +
                           shape_of(model.taus));
  expect_finite(model, "taus", model.taus);
  if (!model.taus.gt(0).all().item<bool>())
    throw ModelFormatError(where(model, "taus") + ": expected positive decay constants");
  if (model.taus.numel() == 2) {
    for (auto [name, t] :
         {std::pair{"taus_gaus", model.taus_gaus}, {"taus_gaus0", model.taus_gaus0}}) {
      expect_shape(model, name, t, {N}, std::to_string(N) + " values (N)");
      expect_finite(model, name, t);
    }
  }
}

torch::Tensor mapped_recurrent_weights(const RateModel& model, bool use_initial_weights,
                                       bool clamp_negative_weights) {
  torch::Tensor w = model.w;
  if (use_initial_weights) {
    if (!model.w0.defined())
      throw ModelFormatError(where(model, "w0") +
                             " is missing, but use_initial_weights asks for it");
    w = model.w0;
  }
  if (clamp_negative_weights) w = torch::relu(w);
  // A diagonal m (Dale's principle) scales columns: the same numbers as the port's product
  // without its O(N³) cost.
  const torch::Tensor diagonal = torch::diag(model.m);
  if (torch::equal(model.m, torch::diag(diagonal))) return w * diagonal.unsqueeze(0) * model.som_m;
  return torch::matmul(w, model.m) * model.som_m;
}

namespace {

// Element by element in the order numpy evaluates the port's expression. numpy's own exp may
// differ from std::exp by one unit in the last place (it has CPU-specific SIMD versions).
torch::Tensor decay_from(const torch::Tensor& taus_gaus, double tau_min, double tau_max) {
  torch::Tensor td = torch::empty_like(taus_gaus);
  const double* g = taus_gaus.data_ptr<double>();
  double* out = td.data_ptr<double>();
  for (int64_t i = 0; i < taus_gaus.numel(); ++i)
    out[i] = (1.0 / (1 + std::exp(-g[i])) * (tau_max - tau_min) + tau_min) * 5 / 1000;
  return td;
}

}  // namespace

SynapticDecay synaptic_decay(const RateModel& model) {
  const torch::Tensor taus = model.taus.contiguous();
  if (taus.numel() == 1) {
    torch::Tensor td = torch::tensor(taus[0].item<double>() * 5 / 1000, torch::kFloat64);
    return {td, td.clone()};
  }
  const double lo = taus[0].item<double>(), hi = taus[1].item<double>();
  return {decay_from(model.taus_gaus.contiguous(), lo, hi),
          decay_from(model.taus_gaus0.contiguous(), lo, hi)};
}

}  // namespace spikernn
