// Command-line flags derived from a settings table (spikernn/core/settings_table.hpp): `--some-key`
// for each chosen key, with the table's help and the struct's default. A value given is read
// through the table, so it is checked as a config file's value is, and the error names the flag.
#pragma once

#include <CLI/CLI.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "spikernn/core/settings_table.hpp"

namespace spikernn::cli {

template <typename S>
class SettingsFlags {
 public:
  // `aliases` gives a flag another name too ("activation" → "--act").
  SettingsFlags(const SettingsTable<S>& table, std::vector<std::string> keys,
                std::map<std::string, std::string> aliases = {})
      : table_(&table), keys_(std::move(keys)), aliases_(std::move(aliases)) {}

  static std::string flag_name(const std::string& key) {
    std::string name = "--" + key;
    std::replace(name.begin(), name.end(), '_', '-');
    return name;
  }

  void add_to(CLI::App& command, const S& defaults = S{}) {
    for (const Setting<S>& s : table_->settings()) {
      if (std::find(keys_.begin(), keys_.end(), s.key) == keys_.end()) continue;
      const nlohmann::json value = s.write(defaults);
      // A bool that defaults to false is a flag; one that defaults to true takes true or false.
      const bool flag = s.is_flag && !value.get<bool>();
      std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
      if (value.is_array()) {
        shown.clear();
        for (const auto& item : value) shown += (shown.empty() ? "" : " ") + item.dump();
      }
      if (value.is_null() || shown.empty()) shown = "none";  // an unset option, an empty list
      const std::string help = s.help + (flag ? std::string() : " (default " + shown + ")");
      std::string names = flag_name(s.key);
      if (const auto alias = aliases_.find(s.key); alias != aliases_.end())
        names += "," + alias->second;
      std::vector<std::string>& values = values_.emplace_back();
      CLI::Option* option = nullptr;
      if (flag) {
        option = command.add_flag(names, help);
      } else {
        option = command.add_option(names, values, help);
        option->expected(1, s.is_list ? CLI::detail::expected_max_vector_size : 1);
      }
      given_.push_back({&s, option, flag ? nullptr : &values});
    }
  }

  // The flags that were given override `settings`.
  void apply(S& settings) const {
    for (const Given& g : given_) {
      if (g.option->count() == 0) continue;
      std::string text;
      if (g.values != nullptr)
        for (const std::string& v : *g.values) text += (text.empty() ? "" : ",") + v;
      const nlohmann::json value =
          g.values == nullptr ? nlohmann::json(true) : g.setting->from_text(text);
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
    const std::vector<std::string>* values;  // null for a flag
  };
  const SettingsTable<S>* table_;
  std::vector<std::string> keys_;
  std::map<std::string, std::string> aliases_;
  std::deque<std::vector<std::string>> values_;  // CLI11 writes here; a deque keeps addresses
  std::vector<Given> given_;
};

}  // namespace spikernn::cli
