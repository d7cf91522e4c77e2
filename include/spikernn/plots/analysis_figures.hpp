/// @file
/// The figures of the dataset analyses (spikernn/core/dataset_analysis.hpp), as PNG files.
#pragma once

#include <string>
#include <vector>

#include "spikernn/core/dataset_analysis.hpp"

namespace spikernn {

/// Writes into `folder` (created if needed) `<stem>_timescales.png` (histogram of log τ, E and
/// I), `<stem>_autocorrelation.png` (mean autocorrelation of the fitted E and I units, and the
/// peak-aligned population curve with its fit), `<stem>_fano_factor.png` (per condition over
/// time), `<stem>_decoding.png` (the cross-temporal accuracy matrix) and `<stem>_psth.png` (E and
/// I rates per condition). Returns the files written. Throws FileError where the folder cannot be
/// made, and Error when spikernn was built without PLplot.
std::vector<std::string> write_analysis_figures(const DatasetAnalysis& analysis,
                                                const std::string& folder,
                                                const std::string& stem = "analysis");

}  // namespace spikernn
