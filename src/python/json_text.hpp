// JSON text across the binding: the Python side dumps dicts with its json module (numpy values
// included) and loads what comes back.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "spikernn/core/error.hpp"

namespace spikernn::python {

inline nlohmann::json parse_json(const std::string& text, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(what + ": not valid JSON (" + e.what() + ")");
  }
}

// NaN is written as null; bytes that are not UTF-8 (in a path) are replaced instead of thrown.
inline std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace spikernn::python
