#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>

#include "mat_v5_layout.hpp"
#include "matio_support.hpp"
#include "spikernn/core/error.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/atomic_file.hpp"
#include "spikernn/io/mat_file.hpp"

namespace spikernn {
namespace fs = std::filesystem;

namespace {

// A matio variable and the tensor holding its data: numeric data is not copied by matio
// (MAT_F_DONT_COPY_DATA) but read from the tensor when the file is written.
struct MadeVariable {
  torch::Tensor data;
  MatVarPtr var;
};

MatVarPtr make_text_matvar(const MatVariable& variable) {
  const auto rows = static_cast<size_t>(std::max<int64_t>(1, variable.text_rows));
  size_t dims[2] = {rows, variable.text.size() / rows};
  MatVarPtr var(Mat_VarCreate(variable.name.c_str(), MAT_C_CHAR, MAT_T_UTF8, 2, dims,
                              const_cast<char*>(variable.text.data()), 0));
  if (var == nullptr) throw Error("could not create MAT variable '" + variable.name + "'");
  return var;
}

MadeVariable make_matvar(const MatVariable& variable) {
  if (!variable.value.defined()) return {torch::Tensor(), make_text_matvar(variable)};
  torch::Tensor v = variable.value.detach().to(torch::kCPU);
  if (v.dim() > 2)
    throw InvalidArgument("cannot write variable '" + variable.name + "': expected at most 2 " +
                          "dimensions, found " + std::to_string(v.dim()));
  if (v.dim() == 0) v = v.reshape({1, 1});
  if (v.dim() == 1) v = v.reshape({1, v.size(0)});
  size_t dims[2] = {static_cast<size_t>(v.size(0)), static_cast<size_t>(v.size(1))};

  matio_classes cls = MAT_C_DOUBLE;
  matio_types type = MAT_T_DOUBLE;
  int flags = 0;
  if (v.scalar_type() == torch::kBool) {
    v = v.to(torch::kUInt8);
    cls = MAT_C_UINT8;
    type = MAT_T_UINT8;
    flags = MAT_F_LOGICAL;
  } else if (c10::isIntegralType(v.scalar_type(), /*includeBool=*/false)) {
    v = v.to(torch::kInt64);
    cls = MAT_C_INT64;
    type = MAT_T_INT64;
  } else {
    v = v.to(torch::kFloat64);
  }
  // Column-major data: the transpose's row-major layout (no copy for the traces, which are
  // stored that way).
  torch::Tensor column_major = v.t().contiguous();
  MatVarPtr var(Mat_VarCreate(variable.name.c_str(), cls, type, 2, dims, column_major.data_ptr(),
                              flags | MAT_F_DONT_COPY_DATA));
  if (var == nullptr) throw Error("could not create MAT variable '" + variable.name + "'");
  return {column_major, std::move(var)};
}

}  // namespace

MatVariable MatVariable::strings(std::string name, const std::vector<std::string>& rows) {
  size_t width = 0;
  for (const std::string& row : rows) width = std::max(width, row.size());
  MatVariable v = MatVariable::string(std::move(name), std::string(rows.size() * width, ' '));
  v.text_rows = static_cast<int64_t>(rows.size());
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c) v.text[c * rows.size() + r] = rows[r][c];
  return v;
}

namespace {

void write_variable(mat_t* mat, matvar_t* var, const std::string& path, matio_compression c) {
  if (Mat_VarWrite(mat, var, c) != 0)
    throw FileError("cannot write '" + path + "': writing variable '" + var->name +
                    "' failed (disk full?)");
}

// The bytes of a variable's data as written: elements × the size of its class.
size_t data_bytes(const matvar_t* var) {
  size_t n = Mat_SizeOfClass(var->class_type);
  for (int k = 0; k < var->rank; ++k) n *= var->dims[k];
  return n;
}

bool numeric(const matvar_t* var) {
  return var->class_type >= MAT_C_DOUBLE && var->class_type <= MAT_C_UINT64 &&
         var->isComplex == 0 && var->data != nullptr;
}

// Whether `back`, read from the file (its data too where `with_data`), is the array `written`:
// class and dimensions, and for real numeric and logical arrays the data byte for byte.
bool same_array(const matvar_t* written, const matvar_t* back, bool with_data) {
  if (written->class_type != back->class_type || written->rank != back->rank) return false;
  for (int k = 0; k < written->rank; ++k)
    if (written->dims[k] != back->dims[k]) return false;
  if (!with_data || !numeric(written)) return true;
  return back->data != nullptr && std::memcmp(written->data, back->data, data_bytes(written)) == 0;
}

// Whether the `bytes` at `offset` of the file are those at `data`, read in blocks from the page
// cache rather than through matio, which would allocate and convert every variable again.
bool same_bytes(std::ifstream& in, int64_t offset, const void* data, size_t bytes) {
  std::vector<char> block(std::min<size_t>(bytes, size_t{4} << 20));
  in.seekg(offset);
  for (size_t done = 0; done < bytes; done += block.size()) {
    const size_t n = std::min(block.size(), bytes - done);
    if (!in.read(block.data(), static_cast<std::streamsize>(n)) ||
        std::memcmp(block.data(), static_cast<const char*>(data) + done, n) != 0)
      return false;
  }
  return true;
}

// matio does not report short writes (a full disk, a file-size limit): before the file may
// replace anything, a v5 file's layout must be whole and every variable must read back as it
// was written. In an uncompressed v5 file the data is compared where it lies; matio reads back
// the headers, and the data of the other variables.
void verify_written(const std::string& temporary, const std::string& path, mat_ft ft,
                    const std::vector<const matvar_t*>& written) {
  std::vector<V5Element> elements;
  if (ft == MAT_FT_MAT5 &&
      (v5_layout_error(temporary, &elements) >= 0 || elements.size() != written.size()))
    throw FileError("cannot write '" + path +
                    "': the file written is incomplete (disk full or a write error?); nothing "
                    "was replaced");
  matio_problem.clear();
  size_t matching = 0;
  std::ifstream in(temporary, std::ios::binary);
  if (mat_t* mat = Mat_Open(temporary.c_str(), MAT_ACC_RDONLY)) {
    std::unique_ptr<mat_t, int (*)(mat_t*)> file(mat, Mat_Close);
    for (size_t i = 0; i < written.size(); ++i) {
      const matvar_t* var = written[i];
      const size_t bytes = data_bytes(var);
      const bool in_place = ft == MAT_FT_MAT5 && elements[i].data_offset >= 0 && numeric(var);
      MatVarPtr back(in_place ? Mat_VarReadInfo(mat, var->name) : Mat_VarRead(mat, var->name));
      if (back == nullptr || !same_array(var, back.get(), !in_place)) break;
      if (in_place && (elements[i].data_bytes != static_cast<int64_t>(bytes) ||
                       !same_bytes(in, elements[i].data_offset, var->data, bytes)))
        break;
      ++matching;
    }
  }
  if (matching != written.size() || !matio_problem.empty())
    throw FileError("cannot write '" + path + "': " + std::to_string(matching) + " of the " +
                    std::to_string(written.size()) + " variables written read back intact" +
                    (matio_problem.empty() ? std::string() : " (" + matio_problem + ")") +
                    " (disk full or a write error?); nothing was replaced");
}

// Creates a MAT file of version `ft` under a temporary name beside `path`, lets `fill` write its
// variables, checks it and renames it over `path`; on any failure the temporary file is removed.
void write_atomically(const std::string& path, mat_ft ft,
                      const std::vector<const matvar_t*>& variables,
                      std::optional<fs::perms> permissions = std::nullopt) {
  install_matio_logger();
  check_writable_destination(path);
  const std::string temporary = temporary_name_for(path);
  const std::string header = "MATLAB MAT-file, written by spikernn " + version();
  mat_t* mat = Mat_CreateVer(temporary.c_str(), header.c_str(), ft);
  if (mat == nullptr) throw FileError("cannot create '" + temporary + "'");
  std::error_code ec;
  try {
    for (const matvar_t* var : variables)
      write_variable(mat, const_cast<matvar_t*>(var), path, var->compression);
    const int closed = Mat_Close(mat);
    mat = nullptr;
    if (closed != 0)
      throw FileError("cannot write '" + path + "': closing the file failed (disk full?)");
    verify_written(temporary, path, ft, variables);
  } catch (...) {
    if (mat != nullptr) Mat_Close(mat);
    fs::remove(temporary, ec);
    throw;
  }
  commit_temporary(temporary, path, permissions);
}

}  // namespace

void write_mat_file(const std::string& path, const std::vector<MatVariable>& variables,
                    MatFormat format) {
  std::vector<MadeVariable> made;
  std::vector<const matvar_t*> all;
  for (const MatVariable& variable : variables) {
    made.push_back(make_matvar(variable));
    all.push_back(made.back().var.get());
  }
  write_atomically(path, format == MatFormat::V73 ? MAT_FT_MAT73 : MAT_FT_MAT5, all);
}

void check_updatable(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw FileNotFound("'" + path + "': no such file");
  // The mode bits, not access(2) alone: root may write anywhere, but a file marked read-only by
  // its owner is not to be replaced.
  const fs::perms mode = fs::status(path, ec).permissions();
  if ((mode & (fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write)) ==
          fs::perms::none ||
      ::access(path.c_str(), W_OK) != 0)
    throw FileError("cannot update '" + path + "': the file is read-only");
  check_writable_destination(path);
}

void update_mat_file(const std::string& path, const std::vector<MatVariable>& variables) {
  install_matio_logger();
  check_updatable(path);
  std::error_code ec;
  const fs::perms mode = fs::status(path, ec).permissions();
  mat_t* old = Mat_Open(path.c_str(), MAT_ACC_RDONLY);
  if (old == nullptr) throw FileError("'" + path + "': not a readable MAT file");
  std::unique_ptr<mat_t, int (*)(mat_t*)> old_file(old, Mat_Close);
  const mat_ft ft = Mat_GetVersion(old) == MAT_FT_MAT73 ? MAT_FT_MAT73 : MAT_FT_MAT5;

  // Read everything first, so that a damaged variable stops the update before anything is written.
  std::vector<MatVarPtr> kept;
  const auto replaced = [&](const char* name) {
    for (const MatVariable& v : variables)
      if (v.name == name) return true;
    return false;
  };
  while (matvar_t* info = Mat_VarReadNextInfo(old)) {
    MatVarPtr holder(info);
    if (replaced(info->name)) continue;
    MatVarPtr full(Mat_VarRead(old, info->name));
    if (full == nullptr)
      throw ModelFormatError(describe(path, info->name) +
                             " could not be read; the file was left untouched");
    kept.push_back(std::move(full));
  }
  std::vector<const matvar_t*> all;
  for (const MatVarPtr& var : kept) all.push_back(var.get());
  std::vector<MadeVariable> made;
  for (const MatVariable& variable : variables) {
    made.push_back(make_matvar(variable));
    all.push_back(made.back().var.get());
  }
  write_atomically(path, ft, all, mode);
}

}  // namespace spikernn
