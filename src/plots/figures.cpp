#include "spikernn/plots/figures.hpp"

#include <algorithm>

#include "plot_figure.hpp"
#include "spikernn/core/error.hpp"

namespace spikernn {
namespace {
using plotting::axes;
using plotting::Figure;
using plotting::kFirstColour;
using plotting::legend_entry;
using plotting::use_colour;
using plotting::values;
}  // namespace

bool plots_available() { return true; }

void plot_condition_outputs(const std::string& path, const std::string& title,
                            const std::map<std::string, torch::Tensor>& outs, double dt) {
  if (outs.empty()) throw InvalidArgument("plot_condition_outputs: no conditions to plot");
  const int64_t nt = outs.begin()->second.size(1);
  const int64_t stride = std::max<int64_t>(1, nt / 400);  // ~400 points per curve
  const torch::Tensor steps = torch::arange(0, nt, stride, torch::kLong);
  const std::vector<PLFLT> t = values(steps.to(torch::kFloat64) * dt);
  double lo = 0, hi = 0;
  std::map<std::string, std::pair<torch::Tensor, torch::Tensor>> stats;
  for (const auto& [condition, o] : outs) {
    const torch::Tensor sampled = o.to(torch::kCPU, torch::kFloat64).index_select(1, steps);
    const torch::Tensor mean = sampled.mean(0);
    const torch::Tensor sd = sampled.size(0) > 1 ? sampled.std(0) : torch::zeros_like(mean);
    lo = std::min(lo, (mean - sd).min().item<double>());
    hi = std::max(hi, (mean + sd).max().item<double>());
    stats[condition] = {mean, sd};
  }
  const double pad = 0.05 * (hi - lo + 1e-9);
  Figure fig(path);
  axes(*fig, 0, t.back(), lo - pad, hi + pad, "time (s)", "network output", title);
  int index = 0;
  for (const auto& [condition, ms] : stats) {
    const int colour = kFirstColour + index % 6;
    const std::vector<PLFLT> mean = values(ms.first), upper = values(ms.first + ms.second),
                             lower = values(ms.first - ms.second);
    std::vector<PLFLT> band_t(t), band(upper);
    band_t.insert(band_t.end(), t.rbegin(), t.rend());
    band.insert(band.end(), lower.rbegin(), lower.rend());
    use_colour(*fig, index % 6, 0.25);
    fig->fill(static_cast<PLINT>(band.size()), band_t.data(), band.data());
    use_colour(*fig, index % 6, 1.0);
    fig->width(2);
    fig->line(static_cast<PLINT>(t.size()), t.data(), mean.data());
    fig->width(1);
    legend_entry(*fig, index, colour,
                 condition + " (n = " + std::to_string(outs.at(condition).size(0)) + ")");
    ++index;
  }
  fig.save();
}

void plot_spike_raster(const std::string& path, const std::string& title, const torch::Tensor& spk,
                       const torch::Tensor& exc, double dt) {
  if (spk.dim() != 2 || exc.numel() != spk.size(0))
    throw InvalidArgument("plot_spike_raster: expected an N × nt raster and N unit types");
  const torch::Tensor where = spk.to(torch::kCPU).gt(0).nonzero();
  const torch::Tensor is_exc =
      exc.to(torch::kCPU, torch::kBool).index_select(0, where.select(1, 0));
  Figure fig(path);
  axes(*fig, 0, spk.size(1) * dt, -1, static_cast<double>(spk.size(0)), "time (s)", "unit", title);
  int index = 0;
  for (const bool excitatory : {true, false}) {
    const torch::Tensor rows = where.index({is_exc.eq(excitatory)});
    const std::vector<PLFLT> x = values(rows.select(1, 1).to(torch::kFloat64) * dt);
    const std::vector<PLFLT> y = values(rows.select(1, 0).to(torch::kFloat64));
    const int colour = excitatory ? kFirstColour + 1 : kFirstColour;  // vermillion / blue
    fig->col0(colour);
    fig->ssym(0, 0.5);
    if (!x.empty()) fig->poin(static_cast<PLINT>(x.size()), x.data(), y.data(), 17);
    legend_entry(*fig, index++, colour, excitatory ? "excitatory" : "inhibitory");
  }
  fig.save();
}

void plot_grid_search(const std::string& path, const std::string& title,
                      const std::vector<double>& factors, const std::vector<double>& accuracy,
                      const std::vector<std::map<std::string, double>>& condition_accuracy) {
  if (factors.empty() || factors.size() != accuracy.size())
    throw InvalidArgument("plot_grid_search: expected one accuracy per factor");
  const double pad = factors.size() > 1 ? 0.03 * (factors.back() - factors.front()) : 1.0;
  Figure fig(path);
  axes(*fig, factors.front() - pad, factors.back() + pad, -0.02, 1.02, "scaling factor λ",
       "accuracy", title);
  std::vector<PLFLT> x(factors.begin(), factors.end());
  int index = 0;
  if (!condition_accuracy.empty()) {
    for (const auto& item : condition_accuracy.front()) {
      std::vector<PLFLT> y;
      for (const auto& per_factor : condition_accuracy) y.push_back(per_factor.at(item.first));
      const int colour = kFirstColour + index % 6;
      fig->col0(colour);
      fig->lsty(2);
      fig->line(static_cast<PLINT>(x.size()), x.data(), y.data());
      fig->lsty(1);
      legend_entry(*fig, index++, colour, item.first);
    }
  }
  const int black = kFirstColour + 6;
  std::vector<PLFLT> y(accuracy.begin(), accuracy.end());
  fig->col0(black);
  fig->width(3);
  fig->line(static_cast<PLINT>(x.size()), x.data(), y.data());
  fig->poin(static_cast<PLINT>(x.size()), x.data(), y.data(), 17);
  fig->width(1);
  legend_entry(*fig, index, black, "overall");
  fig.save();
}

}  // namespace spikernn
