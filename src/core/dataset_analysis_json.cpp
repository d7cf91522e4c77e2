// The analyses as JSON (docs/analysis.md): the three numbers at the top, then each
// analysis with its axes. NaN (an excluded unit, an undefined window) is written as null.
#include <cmath>

#include "spikernn/core/dataset_analysis.hpp"

namespace spikernn {
namespace {

nlohmann::json json_number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json json_numbers(const std::vector<double>& values) {
  nlohmann::json j = nlohmann::json::array();
  for (const double v : values) j.push_back(json_number(v));
  return j;
}

// A float64 tensor of any rank as nested arrays; an undefined tensor as [].
nlohmann::json json_nested(const torch::Tensor& t) {
  if (!t.defined() || t.numel() == 0) return nlohmann::json::array();
  const torch::Tensor c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  if (c.dim() <= 1)
    return json_numbers(
        std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel()));
  nlohmann::json j = nlohmann::json::array();
  for (int64_t i = 0; i < c.size(0); ++i) j.push_back(json_nested(c[i]));
  return j;
}

nlohmann::json fit_json(const ExponentialFit& f, double bin) {
  return {{"ok", f.ok},
          {"tau_ms", json_number(f.ok ? f.tau * bin * 1000 : NAN)},
          {"amplitude", json_number(f.amplitude)},
          {"offset", json_number(f.offset)}};
}

nlohmann::json timescales_json(const TimescaleResult& t) {
  std::vector<double> exc, inh;
  nlohmann::json status = nlohmann::json::array();
  for (size_t n = 0; n < t.status.size(); ++n) {
    status.push_back(enum_name(timescale_status_names(), t.status[n]));
    if (t.status[n] == TimescaleStatus::fitted)
      (t.excitatory[n] ? exc : inh).push_back(t.tau_ms[n]);
  }
  return {{"window_s", {t.window_start, t.window_stop}},
          {"bin_s", t.bin},
          {"lag_s", t.lag_s},
          {"units", t.status.size()},
          {"fitted", t.fitted},
          {"excluded", t.excluded},
          {"median_ms", json_number(t.median_ms)},
          {"median_ms_exc", json_number(t.median_ms_exc)},
          {"median_ms_inh", json_number(t.median_ms_inh)},
          {"tau_ms_exc", exc},
          {"tau_ms_inh", inh},
          {"tau_ms", json_numbers(t.tau_ms)},
          {"status", status},
          {"excitatory", t.excitatory},
          {"rate_hz", json_numbers(t.rate_hz)},
          {"peak_lag", t.peak_lag},
          {"amplitude", json_numbers(t.amplitude)},
          {"offset", json_numbers(t.offset)},
          {"autocorrelation", json_nested(t.autocorrelation)},
          {"population",
           {{"autocorrelation", json_numbers(t.population_autocorrelation)},
            {"fit", fit_json(t.population_fit, t.bin)}}}};
}

}  // namespace

void to_json(nlohmann::json& j, const DatasetAnalysis& a) {
  j = nlohmann::json::object();
  j["timescale_ms_median"] = json_number(a.timescales.median_ms);
  j["fano_factor_mean"] = json_number(a.fano.mean);
  j["decoding_accuracy"] = json_nested(a.decoding.accuracy);
  j["conditions"] = a.conditions;
  j["condition_trials"] = a.condition_trials;
  j["timescales"] = timescales_json(a.timescales);
  j["fano_factor"] = {{"window_s", a.fano.window},
                      {"step_s", a.fano.step},
                      {"time_s", a.fano.time_s},
                      {"fano", json_nested(a.fano.fano)},
                      {"mean", json_number(a.fano.mean)}};
  j["decoding"] = {{"method", "LDA with shrinkage, k-fold cross-validated"},
                   {"bin_s", a.decoding.bin},
                   {"time_s", a.decoding.time_s},
                   {"classes", a.decoding.classes},
                   {"folds", a.decoding.folds},
                   {"chance", a.decoding.chance}};
  j["psth"] = {{"bin_s", a.psth.bin},
               {"time_s", a.psth.time_s},
               {"exc_hz", json_nested(a.psth.exc_hz)},
               {"inh_hz", json_nested(a.psth.inh_hz)},
               {"unit_hz", json_nested(a.psth.unit_hz)}};
  j["settings"] = a.settings;
  j["warnings"] = a.warnings;
  j["seconds"] = a.seconds;
}

}  // namespace spikernn
