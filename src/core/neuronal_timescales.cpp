// Neuronal timescales as Murray et al. (2014) and the authors' autocorr_analysis_pfc3.m compute
// them: spike counts in bins of the window across trials, the correlation across trials between
// bins at each lag, and a fit of A·(exp(−lag/τ) + B) from the autocorrelation's peak.
#include <cmath>

#include "dataset_analysis_support.hpp"
#include "spikernn/core/dataset_analysis.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {
namespace {

constexpr double kMinTau = 0.05;  // in the units of x: below, exp(−x/τ) vanishes at every lag
constexpr int kTauGrid = 200;     // log-spaced τ of the first search
constexpr int kGoldenSteps = 60;  // shrinks the bracket by 0.618^60 ≈ 3e-13

// For a fixed τ the model A·e + C (e = exp(−x/τ), C = A·B) is linear: the least-squares A and
// C, and the residual they leave.
double residual_at(const std::vector<double>& x, const std::vector<double>& y, double tau,
                   double& a, double& c) {
  const auto n = static_cast<double>(x.size());
  double se = 0, see = 0, sy = 0, sey = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double e = std::exp(-x[i] / tau);
    se += e;
    see += e * e;
    sy += y[i];
    sey += e * y[i];
  }
  const double det = n * see - se * se;
  if (det > 1e-12 * n * see) {
    a = (n * sey - se * sy) / det;
    c = (see * sy - se * sey) / det;
  } else {  // e is constant over x: only the mean is fitted
    a = 0;
    c = sy / n;
  }
  double sse = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double r = y[i] - a * std::exp(-x[i] / tau) - c;
    sse += r * r;
  }
  return sse;
}

// The lag (1-based) where the fit starts: the last before the autocorrelation first decreases
// (the authors' `while delta >= 0` loop), or the last lag when it never does.
int64_t peak_lag_of(const double* y, int64_t lags) {
  int64_t p = 1;
  while (p < lags && y[p] >= y[p - 1]) ++p;
  return p;
}

// Fits y[peak − 1 ...] against their lags.
ExponentialFit fit_from_peak(const double* y, int64_t lags, int64_t peak, double max_tau) {
  std::vector<double> x, v;
  for (int64_t lag = peak; lag <= lags; ++lag) {
    x.push_back(static_cast<double>(lag));
    v.push_back(y[lag - 1]);
  }
  return fit_exponential_decay(x, v, max_tau);
}

}  // namespace

ExponentialFit fit_exponential_decay(const std::vector<double>& x, const std::vector<double>& y,
                                     double max_tau) {
  ExponentialFit f;
  if (x.size() < 3 || x.size() != y.size() || !(max_tau > kMinTau)) return f;
  for (size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) return f;
  // The least-squares problem of the authors' Levenberg–Marquardt fit, solved for τ globally on
  // [kMinTau, max_tau] rather than locally from a start: a grid in log τ, then golden section in
  // the grid cell pair around the best point.
  const double lo = std::log(kMinTau), hi = std::log(max_tau);
  const auto sse_at = [&](double log_tau) {
    double a = 0, c = 0;
    return residual_at(x, y, std::exp(log_tau), a, c);
  };
  int best = 0;
  double best_sse = std::numeric_limits<double>::infinity();
  for (int k = 0; k < kTauGrid; ++k) {
    const double sse = sse_at(lo + (hi - lo) * k / (kTauGrid - 1));
    if (sse < best_sse) best_sse = sse, best = k;
  }
  double left = lo + (hi - lo) * std::max(best - 1, 0) / (kTauGrid - 1);
  double right = lo + (hi - lo) * std::min(best + 1, kTauGrid - 1) / (kTauGrid - 1);
  const double g = (std::sqrt(5.0) - 1) / 2;
  double m1 = right - g * (right - left), m2 = left + g * (right - left);
  double s1 = sse_at(m1), s2 = sse_at(m2);
  for (int i = 0; i < kGoldenSteps; ++i) {
    if (s1 <= s2) {
      right = m2, m2 = m1, s2 = s1;
      m1 = right - g * (right - left), s1 = sse_at(m1);
    } else {
      left = m1, m1 = m2, s1 = s2;
      m2 = left + g * (right - left), s2 = sse_at(m2);
    }
  }
  const double log_tau = s1 <= s2 ? m1 : m2;
  double a = 0, c = 0;
  f.tau = std::exp(log_tau);
  f.sse = residual_at(x, y, f.tau, a, c);
  f.amplitude = a;
  f.offset = a != 0 ? c / a : std::numeric_limits<double>::quiet_NaN();
  // A minimum at either end of the grid is no timescale: τ at least max_tau, or a curve that is
  // flat from the first lag; a rising curve (A <= 0) is no decay.
  f.ok = best > 0 && best < kTauGrid - 1 && a > 0 && std::isfinite(f.tau) && f.tau < max_tau;
  return f;
}

TimescaleResult neuronal_timescales(const TrialDataset& d, const AnalysisSettings& s) {
  const auto [start, stop] = timescale_window(d, s);
  const int64_t bin_steps = analysis::steps_of(s.bin, d.dt, "bin");
  const auto first = static_cast<int64_t>(std::llround(start / d.dt));
  const auto last = static_cast<int64_t>(std::llround(stop / d.dt));
  if (last > d.n_steps)
    throw InvalidArgument("timescale window: stops at " + std::to_string(stop) +
                          " s, after the trial (" + std::to_string(d.n_steps * d.dt) + " s)");
  const int64_t bins = std::max<int64_t>(0, last - first) / bin_steps;
  if (bins < 4)
    throw InvalidArgument("timescale window: " + std::to_string(start) + " to " +
                          std::to_string(stop) + " s holds " + std::to_string(bins) + " bins of " +
                          std::to_string(bin_steps * d.dt) +
                          " s; the fit needs at least 4 (3 lags)");
  TimescaleResult r;
  r.bin = static_cast<double>(bin_steps) * d.dt;
  r.window_start = static_cast<double>(first) * d.dt;
  r.window_stop = static_cast<double>(first + bins * bin_steps) * d.dt;
  const int64_t lags = bins - 1;
  for (int64_t lag = 1; lag <= lags; ++lag) r.lag_s.push_back(static_cast<double>(lag) * r.bin);

  // counts: N × bins × trials. Standardised across trials, a bin with no variance becomes NaN
  // (0/0), so its correlations are NaN and the mean over bin pairs skips them (the authors'
  // nanmean of corr).
  const torch::Tensor counts = analysis::bin_counts(d, first, bin_steps, bins).permute({1, 2, 0});
  const torch::Tensor centred = counts - counts.mean(2, true);
  const torch::Tensor z = centred / centred.pow(2).mean(2, true).sqrt();
  const torch::Tensor corr = torch::bmm(z, z.transpose(1, 2)) / static_cast<double>(d.n_trials);
  std::vector<torch::Tensor> by_lag;
  for (int64_t lag = 1; lag <= lags; ++lag)
    by_lag.push_back(torch::nanmean(corr.diagonal(lag, 1, 2), 1));
  r.autocorrelation = torch::stack(by_lag, 1).contiguous();
  const torch::Tensor spikes = counts.sum({1, 2}).contiguous();
  const torch::Tensor exc = d.exc.to(torch::kBool).contiguous();

  const double window_s = r.window_stop - r.window_start;
  std::vector<double> exc_taus, inh_taus;
  for (int64_t n = 0; n < d.N; ++n) {
    const double* y = r.autocorrelation.data_ptr<double>() + n * lags;
    const double total = spikes.data_ptr<double>()[n];
    r.excitatory.push_back(exc.data_ptr<bool>()[n]);
    r.rate_hz.push_back(total / (static_cast<double>(d.n_trials) * window_s));
    bool defined = true;
    for (int64_t k = 0; k < lags; ++k) defined = defined && !std::isnan(y[k]);
    const int64_t peak = defined ? peak_lag_of(y, lags) : 0;
    r.peak_lag.push_back(peak);
    ExponentialFit fit;
    TimescaleStatus status = TimescaleStatus::fitted;
    if (d.n_trials < s.min_trials)
      status = TimescaleStatus::too_few_trials;
    else if (total < static_cast<double>(s.min_spikes) || total == 0)
      status = TimescaleStatus::too_few_spikes;
    else if (r.rate_hz.back() > s.max_rate)
      status = TimescaleStatus::rate_above_max;
    else if (!defined)
      status = TimescaleStatus::undefined_autocorrelation;
    else if (peak > s.max_peak_lag)
      status = TimescaleStatus::late_peak;
    else if (!(fit = fit_from_peak(y, lags, peak, s.max_tau_bins)).ok)
      status = TimescaleStatus::fit_failed;
    r.status.push_back(status);
    const bool fitted = status == TimescaleStatus::fitted;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    r.tau_ms.push_back(fitted ? fit.tau * r.bin * 1000 : nan);
    r.amplitude.push_back(fitted ? fit.amplitude : nan);
    r.offset.push_back(fitted ? fit.offset : nan);
    if (fitted) (r.excitatory.back() ? exc_taus : inh_taus).push_back(r.tau_ms.back());
  }
  for (const auto& [name, status] : timescale_status_names())
    if (status != TimescaleStatus::fitted) r.excluded[name] = 0;
  for (const TimescaleStatus status : r.status)
    if (status == TimescaleStatus::fitted)
      ++r.fitted;
    else
      ++r.excluded[enum_name(timescale_status_names(), status)];
  r.median_ms_exc = analysis::median(exc_taus);
  r.median_ms_inh = analysis::median(inh_taus);
  exc_taus.insert(exc_taus.end(), inh_taus.begin(), inh_taus.end());
  r.median_ms = analysis::median(exc_taus);

  // The population curve: each fitted unit's autocorrelation from its peak, averaged per lag
  // after the peak over the units that reach it.
  std::vector<double> sum(static_cast<size_t>(lags), 0.0), units(static_cast<size_t>(lags), 0.0);
  for (int64_t n = 0; n < d.N; ++n) {
    if (r.status[n] != TimescaleStatus::fitted) continue;
    const double* y = r.autocorrelation.data_ptr<double>() + n * lags;
    for (int64_t k = 0; k + r.peak_lag[n] <= lags; ++k) {
      sum[k] += y[k + r.peak_lag[n] - 1];
      units[k] += 1;
    }
  }
  std::vector<double> x;
  for (size_t k = 0; k < sum.size() && units[k] > 0; ++k) {
    r.population_autocorrelation.push_back(sum[k] / units[k]);
    x.push_back(static_cast<double>(k + 1));
  }
  r.population_fit = fit_exponential_decay(x, r.population_autocorrelation, s.max_tau_bins);
  if (r.population_fit.ok) r.population_tau_ms = r.population_fit.tau * r.bin * 1000;
  return r;
}

}  // namespace spikernn
