#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "mat_v5_layout.hpp"
#include "mat_v73_fallback.hpp"
#include "matio_support.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/io/mat_file.hpp"

namespace spikernn {
namespace fs = std::filesystem;
namespace {

const char* class_name(matio_classes c) {
  switch (c) {
    case MAT_C_CELL:
      return "cell";
    case MAT_C_STRUCT:
      return "struct";
    case MAT_C_OBJECT:
      return "object";
    case MAT_C_CHAR:
      return "char";
    case MAT_C_SPARSE:
      return "sparse";
    case MAT_C_DOUBLE:
      return "double";
    case MAT_C_SINGLE:
      return "single";
    case MAT_C_INT8:
      return "int8";
    case MAT_C_UINT8:
      return "uint8";
    case MAT_C_INT16:
      return "int16";
    case MAT_C_UINT16:
      return "uint16";
    case MAT_C_INT32:
      return "int32";
    case MAT_C_UINT32:
      return "uint32";
    case MAT_C_INT64:
      return "int64";
    case MAT_C_UINT64:
      return "uint64";
    case MAT_C_FUNCTION:
      return "function";
    default:
      return "unknown";
  }
}

template <typename T>
void copy_as_double(const void* data, size_t n, double* out) {
  const T* in = static_cast<const T*>(data);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(in[i]);
}

// The rows of a char matrix; `what` names it in errors.
std::vector<std::string> char_rows_of(const matvar_t& var, const std::string& what) {
  if (var.class_type != MAT_C_CHAR || var.data == nullptr)
    throw ModelFormatError(what +
                           ": expected text (a char array, or a cell array of them), found " +
                           class_name(var.class_type));
  const size_t width = static_cast<size_t>(var.data_size);
  if (width != 1 && width != 2 && width != 4)
    throw ModelFormatError(what + ": expected text of 1, 2 or 4 bytes per character, found " +
                           std::to_string(width));
  const size_t n = var.nbytes / width, rows = var.rank == 2 ? var.dims[0] : 1;
  std::vector<std::string> text(rows);
  for (size_t i = 0; i < n; ++i) {
    char c;
    if (width == 1)
      c = static_cast<const char*>(var.data)[i];
    else if (width == 2)
      c = static_cast<char>(static_cast<const uint16_t*>(var.data)[i]);
    else
      c = static_cast<char>(static_cast<const uint32_t*>(var.data)[i]);
    text[i % rows] += c;  // column-major
  }
  return text;
}

// Mat_VarRead, or HDF5's reading of a v7.3 variable whose class matio would misread.
MatVarPtr read_variable(void* mat, const std::string& path, const std::string& name) {
  if (Mat_GetVersion(as_mat(mat)) == MAT_FT_MAT73 && has_null_padded_class(path, name))
    return read_v73_variable(path, name);
  return MatVarPtr(Mat_VarRead(as_mat(mat), name.c_str()));
}

}  // namespace

MatReader::MatReader(std::string path) : path_(std::move(path)), mat_(nullptr) {
  install_matio_logger();
  std::error_code ec;
  if (!fs::exists(path_, ec)) throw FileNotFound("'" + path_ + "': no such file");
  if (fs::is_directory(path_, ec))
    throw FileError("'" + path_ + "': expected a MAT file, found a directory");
  file_size_ = static_cast<int64_t>(fs::file_size(path_, ec));
  if (const int64_t at = v5_layout_error(path_); at >= 0)
    throw ModelFormatError("'" + path_ + "': damaged or truncated MAT file (the variable at byte " +
                           std::to_string(at) + " does not fit its size)");
  matio_problem.clear();
  mat_ = Mat_Open(path_.c_str(), MAT_ACC_RDONLY);
  if (mat_ == nullptr)
    throw FileError("'" + path_ + "': not a readable MAT file (expected MAT v4, v5 or v7.3)");
  // Walk the whole directory once: a truncated or damaged file shows up here, before any
  // variable is trusted.
  names();
  if (!matio_problem.empty()) {
    Mat_Close(as_mat(mat_));
    mat_ = nullptr;
    throw ModelFormatError("'" + path_ + "': damaged or truncated MAT file (" + matio_problem +
                           ")");
  }
}

MatReader::~MatReader() {
  if (mat_ != nullptr) Mat_Close(as_mat(mat_));
}

std::vector<std::string> MatReader::names() const {
  size_t n = 0;
  char* const* dir = Mat_GetDir(as_mat(mat_), &n);
  std::vector<std::string> result;
  for (size_t i = 0; dir != nullptr && i < n; ++i)
    if (dir[i] != nullptr) result.emplace_back(dir[i]);
  return result;
}

std::string MatReader::listing() const {
  // A truncated or damaged file reads as one whose list of variables stops early: show it.
  std::string names;
  for (const auto& n : this->names()) names += (names.empty() ? "" : ", ") + n;
  return " (the file holds: " + (names.empty() ? std::string("no readable variables") : names) +
         ")";
}

bool MatReader::has(const std::string& name) const {
  MatVarPtr info(Mat_VarReadInfo(as_mat(mat_), name.c_str()));
  return info != nullptr;
}

void MatReader::check_claimed_size(const std::string& name) const {
  MatVarPtr info(Mat_VarReadInfo(as_mat(mat_), name.c_str()));
  if (info == nullptr) return;  // missing: the read reports it
  // zlib never inflates more than 1,032-fold, and every element takes at least a byte.
  const double most = 1032.0 * static_cast<double>(file_size_) + 4096;
  double elements = 1;
  std::string dims;
  for (int k = 0; k < info->rank; ++k) {
    elements *= static_cast<double>(info->dims[k]);
    dims += (k ? "×" : "") + std::to_string(info->dims[k]);
  }
  if (elements > most)
    throw ModelFormatError(describe(path_, name) + ": its dimensions " + dims +
                           " claim more elements than a file of " + std::to_string(file_size_) +
                           " bytes can hold (damaged file?)");
}

torch::Tensor MatReader::read_numeric(const std::string& name) const {
  check_claimed_size(name);
  const MatVarPtr var = read_variable(mat_, path_, name);
  if (var == nullptr) {
    if (!has(name)) throw ModelFormatError(describe(path_, name) + " is missing" + listing());
    throw ModelFormatError(describe(path_, name) + " could not be read (truncated or corrupted)");
  }
  const auto found = [&] {
    return std::string(var->isLogical ? "logical" : class_name(var->class_type)) +
           (var->isComplex ? " (complex)" : "");
  };
  if (var->isComplex || var->class_type == MAT_C_SPARSE || var->class_type == MAT_C_CHAR ||
      var->class_type == MAT_C_CELL || var->class_type == MAT_C_STRUCT ||
      var->class_type == MAT_C_OBJECT || var->class_type == MAT_C_FUNCTION ||
      var->class_type == MAT_C_EMPTY)
    throw ModelFormatError(describe(path_, name) +
                           ": expected a real numeric or logical array, found " + found());

  std::vector<int64_t> dims(var->dims, var->dims + var->rank);
  size_t n = 1;
  for (int64_t d : dims) n *= static_cast<size_t>(d);
  if (n > 0 && var->data == nullptr)
    throw ModelFormatError(describe(path_, name) + " has no data (truncated or corrupted file)");

  // MATLAB stores arrays column-major: read into the reversed shape, then reverse the axes.
  std::vector<int64_t> reversed(dims.rbegin(), dims.rend());
  torch::Tensor t = torch::empty(reversed, torch::kFloat64);
  double* out = t.data_ptr<double>();
  switch (var->class_type) {
    case MAT_C_DOUBLE:
      copy_as_double<double>(var->data, n, out);
      break;
    case MAT_C_SINGLE:
      copy_as_double<float>(var->data, n, out);
      break;
    case MAT_C_INT8:
      copy_as_double<int8_t>(var->data, n, out);
      break;
    case MAT_C_UINT8:
      copy_as_double<uint8_t>(var->data, n, out);
      break;
    case MAT_C_INT16:
      copy_as_double<int16_t>(var->data, n, out);
      break;
    case MAT_C_UINT16:
      copy_as_double<uint16_t>(var->data, n, out);
      break;
    case MAT_C_INT32:
      copy_as_double<int32_t>(var->data, n, out);
      break;
    case MAT_C_UINT32:
      copy_as_double<uint32_t>(var->data, n, out);
      break;
    case MAT_C_INT64:
      copy_as_double<int64_t>(var->data, n, out);
      break;
    case MAT_C_UINT64:
      copy_as_double<uint64_t>(var->data, n, out);
      break;
    default:
      throw ModelFormatError(describe(path_, name) + ": unsupported class " + found());
  }
  std::vector<int64_t> axes(reversed.size());
  for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int64_t>(axes.size() - 1 - i);
  return t.permute(axes).contiguous();
}

std::vector<std::string> MatReader::text_rows(const std::string& name, bool cells) const {
  check_claimed_size(name);
  const MatVarPtr var = read_variable(mat_, path_, name);
  if (var == nullptr) throw ModelFormatError(describe(path_, name) + " is missing" + listing());
  if (!cells || var->class_type != MAT_C_CELL) return char_rows_of(*var, describe(path_, name));
  // MATLAB's {'a', 'b'} and scipy's object arrays of strings: one row a cell.
  size_t n = 1;
  for (int k = 0; k < var->rank; ++k) n *= var->dims[k];
  std::vector<std::string> rows;
  for (size_t i = 0; i < n; ++i) {
    const matvar_t* cell = Mat_VarGetCell(var.get(), static_cast<int>(i));
    const std::string where = describe(path_, name) + ", cell " + std::to_string(i + 1);
    if (cell == nullptr) throw ModelFormatError(where + " could not be read");
    std::string text;
    for (const std::string& row : char_rows_of(*cell, where)) text += row;
    rows.push_back(std::move(text));
  }
  return rows;
}

std::string MatReader::read_string(const std::string& name) const {
  std::string text;
  for (const std::string& row : text_rows(name, false)) text += row;
  return text;
}

std::vector<std::string> MatReader::read_strings(const std::string& name) const {
  std::vector<std::string> rows = text_rows(name, true);
  for (std::string& row : rows) row.erase(row.find_last_not_of(' ') + 1);
  return rows;
}

}  // namespace spikernn
