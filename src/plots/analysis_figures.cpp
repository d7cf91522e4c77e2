// The figures of the dataset analyses, drawn with the plots layer's PLplot stream
// (plot_figure.hpp). Built only with PLplot; figures_unavailable.cpp refuses them otherwise.
#include "spikernn/plots/analysis_figures.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "plot_figure.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {
namespace {

using plotting::Figure;
using plotting::kFirstColour;
using plotting::use_colour;
constexpr int kBlue = 0, kVermillion = 1, kBlack = 6;  // palette entries: I, E, overall

// Draws y against x, broken where y is NaN (an undefined window, a condition without trials).
void broken_line(plstream& pls, const std::vector<PLFLT>& x, const std::vector<PLFLT>& y) {
  for (size_t i = 0; i < y.size();) {
    size_t j = i;
    while (j < y.size() && std::isfinite(y[j])) ++j;
    if (j - i > 1) pls.line(static_cast<PLINT>(j - i), x.data() + i, y.data() + i);
    if (j - i == 1) pls.poin(1, x.data() + i, y.data() + i, 17);
    i = j + 1;
  }
}

// [min, max] of the finite values of `series`, padded by 5%; [0, 1] when there are none.
std::pair<double, double> range_of(const std::vector<std::vector<PLFLT>>& series) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : series)
    for (const double v : s)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!(lo <= hi)) return {0, 1};
  const double pad = 0.05 * (hi - lo) + 1e-9;
  return {lo - pad, hi + pad};
}

std::vector<PLFLT> row(const torch::Tensor& t, int64_t i) { return plotting::values(t[i]); }

std::string ms(double value) {
  return std::isfinite(value) ? c10::str(std::round(value * 10) / 10, " ms") : "none";
}

void draw_timescales(const std::string& path, const TimescaleResult& t) {
  std::vector<double> exc, inh;
  for (size_t n = 0; n < t.tau_ms.size(); ++n)
    if (t.status[n] == TimescaleStatus::fitted)
      (t.excitatory[n] ? exc : inh).push_back(std::log10(t.tau_ms[n]));
  double lo = 0, hi = 3;  // 1 ms to 1 s when nothing was fitted
  if (!exc.empty() || !inh.empty()) {
    auto [a, b] = range_of({exc, inh});
    lo = std::floor(a * 5) / 5, hi = std::max(std::ceil(b * 5) / 5, lo + 0.2);
  }
  constexpr int kBins = 20;
  const double width = (hi - lo) / kBins;
  const auto histogram = [&](const std::vector<double>& v) {
    std::vector<PLFLT> counts(kBins, 0);
    for (const double x : v) counts[std::clamp(static_cast<int>((x - lo) / width), 0, kBins - 1)]++;
    return counts;
  };
  const std::vector<PLFLT> he = histogram(exc), hi_ = histogram(inh);
  const double top =
      std::max(*std::max_element(he.begin(), he.end()), *std::max_element(hi_.begin(), hi_.end()));
  Figure fig(path);
  plotting::axes(*fig, lo, hi, 0, std::max(1.0, top * 1.1), "τ (ms)", "units",
                 "neuronal timescales: median " + ms(t.median_ms) + " (" +
                     std::to_string(t.fitted) + " of " + std::to_string(t.tau_ms.size()) +
                     " units fitted)",
                 "bclnst");  // log10 τ, labelled in ms
  int entry = 0;
  for (const auto& [counts, colour, label, median] :
       {std::tuple{he, kVermillion, "E", t.median_ms_exc},
        std::tuple{hi_, kBlue, "I", t.median_ms_inh}}) {
    for (int b = 0; b < kBins; ++b) {
      if (counts[b] == 0) continue;
      PLFLT x[] = {lo + b * width, lo + b * width, lo + (b + 1) * width, lo + (b + 1) * width};
      PLFLT y[] = {0, counts[b], counts[b], 0};
      use_colour(*fig, colour, 0.35);
      fig->fill(4, x, y);
      use_colour(*fig, colour, 1.0);
      fig->line(4, x, y);
    }
    plotting::legend_entry(*fig, entry++, kFirstColour + colour, c10::str(label, ": ", ms(median)));
  }
  fig.save();
}

void draw_autocorrelation(const std::string& path, const TimescaleResult& t) {
  const int64_t lags = static_cast<int64_t>(t.lag_s.size());
  std::vector<PLFLT> x;
  for (const double s : t.lag_s) x.push_back(s * 1000);
  const auto mean_of = [&](bool excitatory) {
    std::vector<int64_t> units;
    for (size_t n = 0; n < t.status.size(); ++n)
      if (t.status[n] == TimescaleStatus::fitted && t.excitatory[n] == excitatory)
        units.push_back(static_cast<int64_t>(n));
    if (units.empty()) return std::vector<PLFLT>(lags, NAN);
    return plotting::values(t.autocorrelation.index_select(0, torch::tensor(units)).mean(0));
  };
  const std::vector<PLFLT> exc = mean_of(true), inh = mean_of(false);
  // The population curve starts at each unit's peak: drawn from the first lag.
  std::vector<PLFLT> px,
      py(t.population_autocorrelation.begin(), t.population_autocorrelation.end()), fit;
  const ExponentialFit& f = t.population_fit;
  for (size_t k = 0; k < py.size(); ++k) {
    px.push_back((k + 1) * t.bin * 1000);
    fit.push_back(f.ok ? f.amplitude * (std::exp(-(k + 1.0) / f.tau) + f.offset) : NAN);
  }
  const auto [lo, hi] = range_of({exc, inh, py, fit});
  Figure fig(path);
  plotting::axes(*fig, 0, x.back() + t.bin * 500, lo, hi, "lag (ms)", "autocorrelation",
                 "spike-count autocorrelation of the fitted units");
  int entry = 0;
  for (const auto& [y, colour, label] :
       {std::tuple{exc, kVermillion, "excitatory (mean)"},
        std::tuple{inh, kBlue, "inhibitory (mean)"}, std::tuple{py, kBlack, "all, peak-aligned"}}) {
    use_colour(*fig, colour, 1.0);
    fig->width(2);
    broken_line(*fig, colour == kBlack ? px : x, y);
    fig->width(1);
    plotting::legend_entry(*fig, entry++, kFirstColour + colour, label);
  }
  use_colour(*fig, kBlack, 1.0);
  fig->lsty(2);
  broken_line(*fig, px, fit);
  fig->lsty(1);
  plotting::legend_entry(*fig, entry, kFirstColour + kBlack, "fit, τ = " + ms(t.population_tau_ms));
  fig.save();
}

// One curve per condition over time (the Fano factor, or the PSTHs with E solid and I dashed).
void draw_condition_curves(const std::string& path, const std::string& title,
                           const std::string& y_label, const std::vector<double>& time_s,
                           const std::vector<std::string>& conditions,
                           const std::vector<std::pair<torch::Tensor, std::string>>& sets,
                           double reference) {
  std::vector<std::vector<PLFLT>> all;
  for (const auto& [values, suffix] : sets)
    for (size_t c = 0; c < conditions.size(); ++c) all.push_back(row(values, c));
  if (std::isfinite(reference)) all.push_back({reference});
  const auto [lo, hi] = range_of(all);
  const std::vector<PLFLT> x(time_s.begin(), time_s.end());
  Figure fig(path);
  plotting::axes(*fig, 0, x.empty() ? 1 : x.back() + x.front(), lo, hi, "time (s)", y_label, title);
  if (std::isfinite(reference)) {
    PLFLT rx[] = {0, x.empty() ? 1 : x.back() + x.front()}, ry[] = {reference, reference};
    fig->col0(1);
    fig->lsty(3);
    fig->line(2, rx, ry);
  }
  int entry = 0;
  for (size_t s = 0; s < sets.size(); ++s)
    for (size_t c = 0; c < conditions.size(); ++c) {
      use_colour(*fig, static_cast<int>(c % 6), 1.0);
      fig->lsty(s == 0 ? 1 : 2);
      fig->width(2);
      broken_line(*fig, x, all[s * conditions.size() + c]);
      fig->width(1);
      fig->lsty(1);
      plotting::legend_entry(*fig, entry++, kFirstColour + static_cast<int>(c % 6),
                             conditions[c] + sets[s].second);
    }
  fig.save();
}

void draw_decoding(const std::string& path, const DecodingResult& d) {
  const torch::Tensor a = d.accuracy.to(torch::kFloat64).contiguous();
  const int64_t bins = a.size(0);
  const double span = bins * d.bin;
  const double zmin = std::min(d.chance, a.min().item<double>()), zmax = 1;
  // image() reads data[x][y]: x is the test bin (column), y the training bin (row).
  std::vector<std::vector<PLFLT>> columns(bins, std::vector<PLFLT>(bins));
  std::vector<const PLFLT*> pointers;
  for (int64_t test = 0; test < bins; ++test) {
    for (int64_t train = 0; train < bins; ++train)
      columns[test][train] = a[train][test].item<double>();
    pointers.push_back(columns[test].data());
  }
  Figure fig(path);
  // A dark-blue → teal → yellow map (after viridis).
  PLFLT at[] = {0, 0.5, 1}, r[] = {0.27, 0.13, 0.99}, g[] = {0.0, 0.57, 0.91},
        b[] = {0.33, 0.55, 0.14};
  fig->scmap1n(256);
  fig->scmap1l(true, 3, at, r, g, b);
  fig->col0(1);
  fig->adv(0);
  fig->vpor(0.1, 0.58, 0.12, 0.9);
  fig->wind(0, span, 0, span);
  // imagefr, not image: image scales the colours to the data, imagefr to [zmin, zmax].
  fig->imagefr(pointers.data(), bins, bins, 0, span, 0, span, zmin, zmax, zmin, zmax, nullptr,
               nullptr);
  fig->box("bcnst", 0, 0, "bcnstv", 0, 0);
  fig->lab("tested at (s)", "trained at (s)",
           c10::str("cross-temporal decoding (", d.folds, "-fold, chance ", d.chance, ")").c_str());
  // The colour bar.
  std::vector<PLFLT> ramp(64);
  for (int i = 0; i < 64; ++i) ramp[i] = zmin + (zmax - zmin) * i / 63.0;
  const PLFLT* bar[] = {ramp.data(), ramp.data()};
  fig->vpor(0.64, 0.67, 0.12, 0.9);
  fig->wind(0, 1, zmin, zmax);
  fig->imagefr(bar, 2, 64, 0, 1, zmin, zmax, zmin, zmax, zmin, zmax, nullptr, nullptr);
  fig->box("bc", 0, 0, "bcmstv", 0, 0);
  fig->mtex("r", 5.0, 0.5, 0.5, "accuracy");
  fig.save();
}

}  // namespace

std::vector<std::string> write_analysis_figures(const DatasetAnalysis& a, const std::string& folder,
                                                const std::string& stem) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder))
    throw FileError("plots folder '" + folder + "': cannot create it" +
                    (ec ? " (" + ec.message() + ")" : std::string(": exists and is not a folder")));
  const auto file = [&](const std::string& name) {
    return (fs::path(folder) / (stem + "_" + name + ".png")).string();
  };
  std::vector<std::string> written;
  const auto draw = [&](const std::string& name, const auto& how) {
    written.push_back(file(name));
    how(written.back());
  };
  const TimescaleResult& t = a.timescales;
  if (!t.status.empty()) {
    draw("timescales", [&](const std::string& p) { draw_timescales(p, t); });
    draw("autocorrelation", [&](const std::string& p) { draw_autocorrelation(p, t); });
  }
  if (a.fano.fano.defined())
    draw("fano_factor", [&](const std::string& p) {
      draw_condition_curves(
          p, c10::str("Fano factor (", a.fano.window * 1000, " ms windows), mean ", a.fano.mean),
          "Fano factor", a.fano.time_s, a.conditions, {{a.fano.fano, ""}}, 1.0);
    });
  if (a.decoding.accuracy.defined() && a.decoding.accuracy.numel() > 0)
    draw("decoding", [&](const std::string& p) { draw_decoding(p, a.decoding); });
  if (a.psth.exc_hz.defined())
    draw("psth", [&](const std::string& p) {
      draw_condition_curves(p, "PSTH: excitatory (solid) and inhibitory (dashed) units",
                            "rate (Hz)", a.psth.time_s, a.conditions,
                            {{a.psth.exc_hz, " E"}, {a.psth.inh_hz, " I"}}, NAN);
    });
  return written;
}

}  // namespace spikernn
