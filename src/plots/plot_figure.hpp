// The PLplot stream and drawing helpers every figure of the plots layer shares (figures.cpp,
// analysis_figures.cpp): a PNG written to a temporary name and renamed, the palette, axes that
// leave room for a legend, and tensors as PLplot arrays. Built only with PLplot.
#pragma once

#include <plplot/plstream.h>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "spikernn/io/atomic_file.hpp"

namespace spikernn::plotting {

struct Colour {
  int r, g, b;
};
// Colour-blind-safe palette (Okabe–Ito), then black for overall curves.
inline const Colour kPalette[] = {{0, 114, 178}, {213, 94, 0},   {0, 158, 115}, {204, 121, 167},
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
// `x_options` are PLplot's box options for x ("bclnst": labels as powers of 10 of log data).
inline void axes(plstream& pls, double x0, double x1, double y0, double y1, const std::string& x,
                 const std::string& y, const std::string& title, const char* x_options = "bcnst") {
  pls.col0(1);
  pls.adv(0);
  pls.vpor(0.09, 0.78, 0.12, 0.9);
  pls.wind(x0, x1, y0, y1);
  pls.box(x_options, 0, 0, "bcnstv", 0, 0);
  pls.lab(x.c_str(), y.c_str(), title.c_str());
}

inline void legend_entry(plstream& pls, int index, int colour, const std::string& text) {
  pls.col0(colour);
  pls.mtex("rv", 1.0, 0.95 - 0.07 * index, 0.0, text.c_str());
}

// Switches drawing to palette entry `index` with opacity `alpha`.
inline void use_colour(plstream& pls, int index, double alpha) {
  const Colour& c = kPalette[index];
  pls.scol0a(kFirstColour + index, c.r, c.g, c.b, alpha);
  pls.col0(kFirstColour + index);
}

inline std::vector<PLFLT> values(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU, torch::kFloat64).contiguous();
  return std::vector<PLFLT>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

}  // namespace spikernn::plotting
