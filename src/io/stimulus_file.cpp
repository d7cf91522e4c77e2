#include "spikernn/io/stimulus_file.hpp"

#include <filesystem>

#include "spikernn/core/error.hpp"
#include "spikernn/io/config_file.hpp"
#include "spikernn/io/mat_file.hpp"

namespace spikernn {
namespace {

torch::Tensor stimulus_from_json(const std::string& path) {
  const nlohmann::json j = read_json_file(path);
  const auto bad = [&](const std::string& found) {
    return ConfigError("'" + path + "': stimulus u: expected an array of numbers or an array " +
                       "of equally long arrays of numbers, found " + found);
  };
  if (!j.is_array() || j.empty()) throw bad(j.is_array() ? "an empty array" : j.type_name());
  const bool one_input = j[0].is_number();
  const size_t rows = one_input ? 1 : j.size();
  const size_t columns = one_input ? j.size() : (j[0].is_array() ? j[0].size() : 0);
  torch::Tensor u =
      torch::empty({static_cast<int64_t>(rows), static_cast<int64_t>(columns)}, torch::kFloat64);
  auto a = u.accessor<double, 2>();
  for (size_t r = 0; r < rows; ++r) {
    const nlohmann::json& row = one_input ? j : j[r];
    if (!row.is_array() || row.size() != columns)
      throw bad("row " + std::to_string(r) + " of " + std::to_string(row.size()) +
                " values where row 0 has " + std::to_string(columns));
    for (size_t c = 0; c < columns; ++c) {
      if (!row[c].is_number()) throw bad(std::string(row[c].type_name()) + " " + row[c].dump());
      a[r][c] = row[c].get<double>();
    }
  }
  return u;
}

}  // namespace

torch::Tensor load_stimulus(const std::string& path) {
  if (std::filesystem::path(path).extension() == ".json") return stimulus_from_json(path);
  MatReader mat(path);
  torch::Tensor u = mat.read_numeric("u");
  if (u.dim() != 2)
    throw ModelFormatError("'" + path + "': variable 'u': expected n_inputs × columns, found " +
                           std::to_string(u.dim()) + " dimensions");
  return u;
}

}  // namespace spikernn
