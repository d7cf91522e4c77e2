// Command-line flags derived from a settings table (spikernn/core/settings_table.hpp): `--some-key`
// for each chosen key, with the table's help and the struct's default. A value given is read
// through the table, so it is checked as a config file's value is, and the error names the flag.
#pragma once

#include <CLI/CLI.hpp>

#include <deque>
#include <string>
#include <vector>

#include "spikernn/core/settings_table.hpp"

namespace spikernn::cli {

template <typename S>
class SettingsFlags {
 public:
  SettingsFlags(const SettingsTable<S>& table, std::vector<std::string> keys)
      : table_(&table), keys_(std::move(keys)) {}

  static std::string flag_name(const std::string& key) {
    std::string name = "--" + key;
    for (char& c : name)
      if (c == '_') c = '-';
    return name;
  }

  void add_to(CLI::App& command, const S& defaults = S{}) {
    for (const Setting<S>& s : table_->settings()) {
      if (std::find(keys_.begin(), keys_.end(), s.key) == keys_.end()) continue;
      const nlohmann::json value = s.write(defaults);
      const std::string help =
          s.help + (s.is_flag
                        ? std::string()
                        : " (default " +
                              (value.is_string() ? value.get<std::string>() : value.dump()) + ")");
      CLI::Option* option =
          s.is_flag ? command.add_flag(flag_name(s.key), help)
                    : command.add_option(flag_name(s.key), values_.emplace_back(), help);
      given_.push_back({&s, option, s.is_flag ? nullptr : &values_.back()});
    }
  }

  // The flags that were given override `settings`.
  void apply(S& settings) const {
    for (const Given& g : given_) {
      if (g.option->count() == 0) continue;
      const nlohmann::json value =
          g.text == nullptr ? nlohmann::json(true) : g.setting->from_text(*g.text);
      try {
        g.setting->read(nlohmann::json{{g.setting->key, value}}, settings);
      } catch (const ConfigError& e) {
        std::string message = e.what();
        const std::string prefix = "key '" + g.setting->key + "': ";
        if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
        throw InvalidArgument(flag_name(g.setting->key) + ": " + message);
      }
    }
  }

 private:
  struct Given {
    const Setting<S>* setting;
    CLI::Option* option;
    const std::string* text;  // null for a flag
  };
  const SettingsTable<S>* table_;
  std::vector<std::string> keys_;
  std::deque<std::string> values_;  // CLI11 writes here; a deque keeps their addresses
  std::vector<Given> given_;
};

}  // namespace spikernn::cli
