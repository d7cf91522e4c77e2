/// @file
/// One declaration per setting. A SettingsTable lists the fields of a settings struct, each once:
/// its JSON key, the member, a help text and (for enums) the names of its values. Reading JSON
/// (unknown keys and wrong types refused, naming the key), writing JSON, and the command line's
/// flags (spikernn's CLI turns `some_key` into `--some-key`) all derive from the table. The
/// defaults are the struct's member initialisers; rules that tie fields together stay in the
/// struct's validate function.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "spikernn/core/error.hpp"
#include "spikernn/core/json_fields.hpp"

namespace spikernn {

/// The names of an enum's values, as they are written in JSON and on the command line.
template <typename E>
using EnumNames = std::vector<std::pair<std::string, E>>;

/// The name of `value` in `names`.
template <typename E>
std::string enum_name(const EnumNames<E>& names, E value) {
  for (const auto& [name, v] : names)
    if (v == value) return name;
  return "?";
}

/// The value named `text`; ConfigError naming `key` and the names otherwise.
template <typename E>
E enum_value(const EnumNames<E>& names, const std::string& text, const std::string& key) {
  std::string expected;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].first == text) return names[i].second;
    expected += (i == 0 ? "\"" : i + 1 == names.size() ? " or \"" : ", \"") + names[i].first + "\"";
  }
  throw ConfigError("key '" + key + "': expected " + expected + ", found \"" + text + "\"");
}

/// One field of a settings struct S.
template <typename S>
struct Setting {
  std::string key;
  std::string help;
  bool is_flag = false;  ///< a bool: a flag on the command line (a true/false value when it
                         ///< defaults to true)
  bool is_list = false;  ///< a list: one or more values on the command line
  /// Reads `key` of a JSON object into the struct when it is there.
  std::function<void(const nlohmann::json& object, S& settings)> read;
  std::function<nlohmann::json(const S& settings)> write;
  /// A command-line argument as the JSON value `read` takes: text as it is for text fields, else
  /// parsed as JSON ("A,B" as a list for list fields).
  std::function<nlohmann::json(const std::string& text)> from_text;
};

template <typename S>
class SettingsTable {
 public:
  /// `context` names the struct in errors ("spiking config").
  explicit SettingsTable(std::string context) : context_(std::move(context)) {}

  /// A field of any type json_fields::read takes.
  template <typename T>
  SettingsTable& add(std::string key, T S::*member, std::string help) {
    return add<T>(
        std::move(key), [member](const S& in) { return in.*member; },
        [member](S& out, T value) { out.*member = std::move(value); }, std::move(help));
  }

  /// A field reached through accessors (a nested option, a TORCH_ARG).
  template <typename T>
  SettingsTable& add(std::string key, std::function<T(const S&)> get,
                     std::function<void(S&, T)> set, std::string help) {
    Setting<S> s;
    s.key = key;
    s.help = std::move(help);
    s.is_flag = std::is_same_v<T, bool>;
    s.is_list = is_vector<T>::value;
    s.read = [key, get, set](const nlohmann::json& j, S& out) {
      if (!j.contains(key)) return;
      T value = get(out);
      json_fields::read(j, key, value);
      set(out, std::move(value));
    };
    s.write = [get](const S& in) { return to_json_value(get(in)); };
    s.from_text = std::is_same_v<T, std::string> ? text_as_string
                  : s.is_list                    ? text_as_list
                                                 : text_as_json;
    settings_.push_back(std::move(s));
    return *this;
  }

  /// An enum field, written by the names of its values.
  template <typename E>
  SettingsTable& add(std::string key, E S::*member, const EnumNames<E>& names, std::string help) {
    Setting<S> s;
    s.key = key;
    s.help = std::move(help);
    s.read = [key, member, names](const nlohmann::json& j, S& out) {
      std::string text;
      json_fields::read(j, key, text);
      if (j.contains(key)) out.*member = enum_value(names, text, key);
    };
    s.write = [member, names](const S& in) { return nlohmann::json(enum_name(names, in.*member)); };
    s.from_text = text_as_string;
    settings_.push_back(std::move(s));
    return *this;
  }

  const std::vector<Setting<S>>& settings() const { return settings_; }

  std::vector<std::string> keys() const {
    std::vector<std::string> keys;
    for (const auto& s : settings_) keys.push_back(s.key);
    return keys;
  }

  /// Reads every key of `j` into `out` (absent keys keep their values). Throws ConfigError for an
  /// unknown key or a value of the wrong type; `context` names the settings in it when one table
  /// serves several (the xor table reads the dms task's settings), else the table's own name.
  void read(const nlohmann::json& j, S& out, const std::string& context = "") const {
    json_fields::reject_unknown_keys(j, keys(), context.empty() ? context_ : context);
    for (const auto& s : settings_) s.read(j, out);
  }

  /// Every field, in the table's order.
  nlohmann::json write(const S& in) const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& s : settings_) j[s.key] = s.write(in);
    return j;
  }

 private:
  template <typename T>
  struct is_vector : std::false_type {};
  template <typename T>
  struct is_vector<std::vector<T>> : std::true_type {};

  template <typename T>
  static nlohmann::json to_json_value(const T& value) {
    if constexpr (std::is_same_v<T, std::optional<uint64_t>> ||
                  std::is_same_v<T, std::optional<double>>)
      return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
    else
      return nlohmann::json(value);
  }
  static nlohmann::json text_as_string(const std::string& text) { return text; }
  static nlohmann::json text_as_json(const std::string& text) {
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    return value.is_discarded() ? nlohmann::json(text) : value;  // read() then names the key
  }
  // "A,B" or "[A, B]" as an array.
  static nlohmann::json text_as_list(const std::string& text) {
    return text_as_json(!text.empty() && text.front() == '[' ? text : "[" + text + "]");
  }

  std::string context_;
  std::vector<Setting<S>> settings_;
};

}  // namespace spikernn
