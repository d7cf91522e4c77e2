// Checks shared by the built-in tasks' settings.
#pragma once

#include <algorithm>
#include <string>

#include "spikernn/core/error.hpp"
#include "spikernn/core/settings_table.hpp"
#include "spikernn/core/task.hpp"
#include "spikernn/core/time_grid.hpp"

namespace spikernn {

// Settings read from a task_settings object through their table (unknown keys refused, naming
// `context` or else the table), over `defaults`.
template <typename S>
S read_settings(const SettingsTable<S>& table, const nlohmann::json& j, S defaults = {},
                const std::string& context = "") {
  S settings = std::move(defaults);
  table.read(j, settings, context);
  return settings;
}

// The most columns a task may have (10^9 LIF steps): keeps every sum of settings in range.
constexpr int64_t kMaxTaskColumns = 10'000'000;

inline void check_columns(const std::string& task, int64_t columns) {
  if (columns < 2 || columns > kMaxTaskColumns)
    throw ConfigError(task + " task settings: key 'columns': expected 2 to " +
                      std::to_string(kMaxTaskColumns) + ", found " + std::to_string(columns));
}

// `stim_end_offset` must already be known to lie in [1, columns] or be any value computed from
// settings that check_columns bounded.
inline void check_window(const std::string& task, int64_t columns, int64_t stim_on,
                         int64_t stim_end_offset, int64_t score_from_step) {
  check_columns(task, columns);
  if (stim_on < 0 || stim_on > columns || stim_end_offset < 1 ||
      stim_end_offset > columns - stim_on)
    throw ConfigError(task +
                      " task settings: expected 0 <= stim_on < stim_on + stimulus <= "
                      "columns, found stim_on " +
                      std::to_string(stim_on) + ", stimulus " + std::to_string(stim_end_offset) +
                      ", columns " + std::to_string(columns));
  const int64_t steps = (columns - 1) * kStepsPerColumn;
  if (score_from_step < 0 || score_from_step >= steps)
    throw ConfigError(task + " task settings: key 'score_from_step': expected a step in [0, " +
                      std::to_string(steps) + "), found " + std::to_string(score_from_step));
}

inline void check_threshold(const std::string& task, const std::string& key, double value) {
  if (!(value > 0) || !(value < 1e6))
    throw ConfigError(task + " task settings: key '" + key +
                      "': expected a positive threshold, found " + std::to_string(value));
}

inline void check_condition(const AbstractSpikingTask& task, const std::string& condition) {
  const auto conditions = task.conditions();
  if (std::find(conditions.begin(), conditions.end(), condition) != conditions.end()) return;
  std::string known;
  for (const auto& c : conditions) known += (known.empty() ? "" : ", ") + c;
  throw InvalidArgument(task.name() + " condition '" + condition + "': unknown (expected one of " +
                        known + ")");
}

}  // namespace spikernn
