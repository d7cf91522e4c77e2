/// @file
/// Strict reading of JSON objects: every key must be known and of the right type, and an error
/// names the key, the expected type and the type found.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace spikernn::json_fields {

/// Throws ConfigError for the first key of `j` (which must be an object) not in `known`.
void reject_unknown_keys(const nlohmann::json& j, const std::vector<std::string>& known,
                         const std::string& context);

/// Each reads `key` into `out` when present and leaves `out` alone when absent.
void read(const nlohmann::json& j, const std::string& key, double& out);
void read(const nlohmann::json& j, const std::string& key, int64_t& out);
void read(const nlohmann::json& j, const std::string& key, bool& out);
void read(const nlohmann::json& j, const std::string& key, std::string& out);
void read(const nlohmann::json& j, const std::string& key, std::vector<int64_t>& out);
void read(const nlohmann::json& j, const std::string& key, std::vector<double>& out);
void read(const nlohmann::json& j, const std::string& key, uint64_t& out);
/// A JSON object, kept as it is (task settings).
void read(const nlohmann::json& j, const std::string& key, nlohmann::json& out);
/// null, like absence, leaves the value unset.
void read(const nlohmann::json& j, const std::string& key, std::optional<uint64_t>& out);
void read(const nlohmann::json& j, const std::string& key, std::optional<double>& out);

}  // namespace spikernn::json_fields
