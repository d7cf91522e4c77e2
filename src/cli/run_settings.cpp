#include "run_settings.hpp"

#include "cli_support.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/json_fields.hpp"
#include "spikernn/io/config_file.hpp"

namespace spikernn::cli {
namespace {

const std::vector<std::string> kRunKeys = {"description", "model",       "stimulus", "stims_mode",
                                           "stims_dur",   "stims_units", "record",   "output"};

}  // namespace

SimulateSettings load_simulate_settings(const std::string& path) {
  const nlohmann::json j = read_json_file(path);
  SimulateSettings s;
  try {
    std::vector<std::string> known = kRunKeys;
    for (const auto& key : spiking_config_table().keys())
      if (key != "N") known.push_back(key);
    json_fields::reject_unknown_keys(j, known, "simulate config");

    using json_fields::read;
    read(j, "model", s.model);
    read(j, "stimulus", s.stimulus);
    read(j, "output", s.output);
    read(j, "record", s.record);
    read(j, "scaling_factor", s.scaling_factor);
    std::string mode = to_string(s.stims.mode);
    std::vector<int64_t> dur;
    read(j, "stims_mode", mode);
    read(j, "stims_dur", dur);
    read(j, "stims_units", s.stims.units);
    s.stims.mode = parse_stim_mode(mode, "key 'stims_mode'");
    if (!dur.empty()) {
      if (dur.size() != 2)
        throw ConfigError("key 'stims_dur': expected [onset, offset], found " +
                          std::to_string(dur.size()) + " values");
      s.stims.dur[0] = dur[0];
      s.stims.dur[1] = dur[1];
    }

    nlohmann::json spiking = nlohmann::json::object();
    for (const auto& key : spiking_config_table().keys())
      if (j.contains(key) && key != "scaling_factor") spiking[key] = j[key];
    from_json(spiking, s.spiking);
  } catch (const Error& e) {
    throw ConfigError("'" + path + "': " + e.what());
  }
  s.model = relative_to_config(path, s.model);
  s.stimulus = relative_to_config(path, s.stimulus);
  s.output = relative_to_config(path, s.output);
  return s;
}

void to_json(nlohmann::json& j, const SimulateSettings& s) {
  j = s.spiking;
  j.erase("N");
  j["model"] = absolute_path(s.model);
  j["scaling_factor"] = s.scaling_factor ? nlohmann::json(*s.scaling_factor) : nlohmann::json();
  j["stimulus"] = absolute_path(s.stimulus);
  j["stims_mode"] = to_string(s.stims.mode);
  j["stims_dur"] = {s.stims.dur[0], s.stims.dur[1]};
  j["stims_units"] = s.stims.units;
  j["record"] = s.record;
  j["output"] = absolute_path(s.output);
}

}  // namespace spikernn::cli
