/// @file
/// Artificial stimulation of chosen units, as the port's `stims` dict models optogenetics: in each
/// step of [dur[0], dur[1]) a fair coin decides whether the units' voltage moves by ±0.5 mV.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace spikernn {

enum class StimMode { None, Exc, Inh };

struct Stims {
  StimMode mode = StimMode::None;
  int64_t dur[2] = {0, 0};     ///< steps [onset, offset)
  std::vector<int64_t> units;  ///< 0-based unit indices

  static Stims none() { return {}; }
  static Stims excite(int64_t onset, int64_t offset, std::vector<int64_t> units);
  static Stims inhibit(int64_t onset, int64_t offset, std::vector<int64_t> units);

  /// Voltage added to stimulated units in a step whose coin comes up: +0.5, −0.5 or 0.
  double kick() const;
  bool active() const { return mode != StimMode::None; }
};

/// "none", "exc" or "inh" in any case; throws InvalidArgument naming `what` otherwise.
StimMode parse_stim_mode(const std::string& text, const std::string& what = "stims mode");
std::string to_string(StimMode mode);

/// Throws InvalidArgument when `dur` is reversed or negative, or a unit is outside [0, N).
void validate_stims(const Stims& stims, int64_t N);

}  // namespace spikernn
