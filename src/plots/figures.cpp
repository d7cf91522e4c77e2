#include "spikernn/plots/figures.hpp"

#include <plplot/plstream.h>

#include <algorithm>
#include <memory>

#include "spikernn/core/error.hpp"
#include "spikernn/io/atomic_file.hpp"

namespace spikernn {
namespace {

struct Colour {
  int r, g, b;
};
// Colour-blind-safe palette (Okabe–Ito), then black for overall curves.
const Colour kPalette[] = {{0, 114, 178}, {213, 94, 0},   {0, 158, 115}, {204, 121, 167},
                           {230, 159, 0}, {86, 180, 233}, {0, 0, 0}};
constexpr int kFirstColour = 2;  // indices 0 and 1 are background and axes

// A PLplot stream drawing into a temporary PNG that `save` renames to `path`.
class Figure {
 public:
  explicit Figure(const std::string& path) : path_(path) {
    check_writable_destination(path);
    temporary_ = temporary_name_for(path);
    stream_ = std::make_unique<plstream>();
    stream_->sdev("pngcairo");
    stream_->sfnam(temporary_.c_str());
    stream_->spage(0, 0, 1000, 600, 0, 0);
    stream_->scol0(0, 255, 255, 255);
    stream_->scol0(1, 0, 0, 0);
    for (int i = 0; i < static_cast<int>(std::size(kPalette)); ++i)
      stream_->scol0(kFirstColour + i, kPalette[i].r, kPalette[i].g, kPalette[i].b);
    stream_->init();
  }
  plstream& operator*() { return *stream_; }
  plstream* operator->() { return stream_.get(); }
  void save() {
    stream_.reset();  // plend: the driver writes the file
    commit_temporary(temporary_, path_);
  }

 private:
  std::string path_, temporary_;
  std::unique_ptr<plstream> stream_;
};

// The plot box leaves room on the right for the legend, so that it never hides data.
void axes(plstream& pls, double x0, double x1, double y0, double y1, const std::string& x,
          const std::string& y, const std::string& title) {
  pls.col0(1);
  pls.adv(0);
  pls.vpor(0.09, 0.78, 0.12, 0.9);
  pls.wind(x0, x1, y0, y1);
  pls.box("bcnst", 0, 0, "bcnstv", 0, 0);
  pls.lab(x.c_str(), y.c_str(), title.c_str());
}

void legend_entry(plstream& pls, int index, int colour, const std::string& text) {
  pls.col0(colour);
  pls.mtex("rv", 1.0, 0.95 - 0.07 * index, 0.0, text.c_str());
}

// Switches drawing to palette entry `index` with opacity `alpha`.
void use_colour(plstream& pls, int index, double alpha) {
  const Colour& c = kPalette[index];
  pls.scol0a(kFirstColour + index, c.r, c.g, c.b, alpha);
  pls.col0(kFirstColour + index);
}

std::vector<PLFLT> values(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  return std::vector<PLFLT>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

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
