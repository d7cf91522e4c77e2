#include "spikernn/core/json_fields.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "spikernn/core/error.hpp"

namespace spikernn::json_fields {
namespace {

[[noreturn]] void wrong_type(const std::string& key, const char* expected,
                             const nlohmann::json& found) {
  throw ConfigError("key '" + key + "': expected " + expected + ", found " + found.type_name() +
                    " " + found.dump());
}

const nlohmann::json* find(const nlohmann::json& j, const std::string& key) {
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

bool is_integral(const nlohmann::json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && d == std::floor(d);
}

}  // namespace

void reject_unknown_keys(const nlohmann::json& j, const std::vector<std::string>& known,
                         const std::string& context) {
  if (!j.is_object())
    throw ConfigError(context + ": expected a JSON object, found " + j.type_name());
  for (const auto& item : j.items()) {
    if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw ConfigError(context + ": unknown key '" + item.key() + "' (known keys: " + list + ")");
  }
}

void read(const nlohmann::json& j, const std::string& key, double& out) {
  if (const auto* v = find(j, key)) {
    if (!v->is_number()) wrong_type(key, "a number", *v);
    out = v->get<double>();
  }
}

namespace {

// An integral JSON number as int64, or nothing when it does not fit.
std::optional<int64_t> as_int64(const nlohmann::json& v) {
  if (v.is_number_unsigned())
    return v.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)
               ? std::optional<int64_t>(static_cast<int64_t>(v.get<uint64_t>()))
               : std::nullopt;
  if (v.is_number_integer()) return v.get<int64_t>();
  const double d = v.get<double>();
  if (!(d >= -0x1p63 && d < 0x1p63)) return std::nullopt;
  return static_cast<int64_t>(d);
}

}  // namespace

void read(const nlohmann::json& j, const std::string& key, int64_t& out) {
  if (const auto* v = find(j, key)) {
    const std::optional<int64_t> value = is_integral(*v) ? as_int64(*v) : std::nullopt;
    if (!value) wrong_type(key, "an integer", *v);
    out = *value;
  }
}

void read(const nlohmann::json& j, const std::string& key, bool& out) {
  if (const auto* v = find(j, key)) {
    if (!v->is_boolean()) wrong_type(key, "true or false", *v);
    out = v->get<bool>();
  }
}

void read(const nlohmann::json& j, const std::string& key, std::string& out) {
  if (const auto* v = find(j, key)) {
    if (!v->is_string()) wrong_type(key, "a string", *v);
    out = v->get<std::string>();
  }
}

void read(const nlohmann::json& j, const std::string& key, std::vector<int64_t>& out) {
  if (const auto* v = find(j, key)) {
    if (!v->is_array() || !std::all_of(v->begin(), v->end(), [](const nlohmann::json& e) {
          return is_integral(e) && as_int64(e).has_value();
        }))
      wrong_type(key, "an array of integers", *v);
    out.clear();
    for (const auto& e : *v) out.push_back(*as_int64(e));
  }
}

void read(const nlohmann::json& j, const std::string& key, std::vector<double>& out) {
  if (const auto* v = find(j, key)) {
    if (!v->is_array() ||
        !std::all_of(v->begin(), v->end(), [](const auto& e) { return e.is_number(); }))
      wrong_type(key, "an array of numbers", *v);
    out = v->get<std::vector<double>>();
  }
}

void read(const nlohmann::json& j, const std::string& key, std::optional<uint64_t>& out) {
  if (const auto* v = find(j, key)) {
    if (v->is_null()) return out.reset();
    if (!is_integral(*v) || v->get<double>() < 0) wrong_type(key, "a non-negative integer", *v);
    out = v->is_number_unsigned() ? v->get<uint64_t>() : static_cast<uint64_t>(v->get<double>());
  }
}

void read(const nlohmann::json& j, const std::string& key, uint64_t& out) {
  std::optional<uint64_t> value;
  read(j, key, value);
  if (find(j, key) != nullptr && !value) wrong_type(key, "a non-negative integer", j.at(key));
  if (value) out = *value;
}

void read(const nlohmann::json& j, const std::string& key, nlohmann::json& out) {
  if (const auto* v = find(j, key)) {
    if (!v->is_object()) wrong_type(key, "an object", *v);
    out = *v;
  }
}

void read(const nlohmann::json& j, const std::string& key, std::optional<double>& out) {
  if (const auto* v = find(j, key)) {
    if (v->is_null()) return out.reset();
    if (!v->is_number()) wrong_type(key, "a number", *v);
    out = v->get<double>();
  }
}

}  // namespace spikernn::json_fields
