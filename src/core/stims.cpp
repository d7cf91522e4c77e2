#include "spikernn/core/stims.hpp"

#include <algorithm>
#include <cctype>

#include "spikernn/core/error.hpp"

namespace spikernn {

Stims Stims::excite(int64_t onset, int64_t offset, std::vector<int64_t> units) {
  return Stims{StimMode::Exc, {onset, offset}, std::move(units)};
}

Stims Stims::inhibit(int64_t onset, int64_t offset, std::vector<int64_t> units) {
  return Stims{StimMode::Inh, {onset, offset}, std::move(units)};
}

double Stims::kick() const {
  switch (mode) {
    case StimMode::Exc:
      return 0.5;
    case StimMode::Inh:
      return -0.5;
    default:
      return 0.0;
  }
}

StimMode parse_stim_mode(const std::string& text, const std::string& what) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "none") return StimMode::None;
  if (lower == "exc") return StimMode::Exc;
  if (lower == "inh") return StimMode::Inh;
  throw InvalidArgument(what + ": expected none, exc or inh, found '" + text + "'");
}

std::string to_string(StimMode mode) {
  switch (mode) {
    case StimMode::Exc:
      return "exc";
    case StimMode::Inh:
      return "inh";
    default:
      return "none";
  }
}

void validate_stims(const Stims& stims, int64_t N) {
  if (!stims.active()) return;
  if (stims.dur[0] < 0 || stims.dur[1] < stims.dur[0])
    throw InvalidArgument("stims dur: expected 0 <= onset <= offset (in steps), found " +
                          std::to_string(stims.dur[0]) + "," + std::to_string(stims.dur[1]));
  if (stims.units.empty())
    throw InvalidArgument("stims units: expected at least one unit for mode " +
                          to_string(stims.mode));
  for (int64_t u : stims.units)
    if (u < 0 || u >= N)
      throw InvalidArgument("stims units: expected 0-based indices in [0, " + std::to_string(N) +
                            "), found " + std::to_string(u));
}

}  // namespace spikernn
