#include "spikernn/mat_file.hpp"

#include <fcntl.h>
#include <matio.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <sstream>

#include "spikernn/error.hpp"
#include "spikernn/version.hpp"

namespace spikernn {
namespace fs = std::filesystem;

namespace {

mat_t* as_mat(void* p) { return static_cast<mat_t*>(p); }

// matio reports problems through a logger that prints to stderr by default; keep them quiet and
// report our own, fuller message instead.
void quiet_matio_log(int, char*) {}

void install_matio_logger() {
  static const bool installed = [] {
    Mat_LogInitFunc("spikernn", quiet_matio_log);
    return true;
  }();
  (void)installed;
}

struct MatVarDeleter {
  void operator()(matvar_t* v) const { Mat_VarFree(v); }
};
using MatVarPtr = std::unique_ptr<matvar_t, MatVarDeleter>;

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

std::string describe(const std::string& path, const std::string& name) {
  return "'" + path + "': variable '" + name + "'";
}

}  // namespace

MatReader::MatReader(std::string path) : path_(std::move(path)), mat_(nullptr) {
  install_matio_logger();
  std::error_code ec;
  if (!fs::exists(path_, ec)) throw FileError("'" + path_ + "': no such file");
  if (fs::is_directory(path_, ec))
    throw FileError("'" + path_ + "': expected a MAT file, found a directory");
  mat_ = Mat_Open(path_.c_str(), MAT_ACC_RDONLY);
  if (mat_ == nullptr)
    throw FileError("'" + path_ + "': not a readable MAT file (expected MAT v4, v5 or v7.3)");
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

bool MatReader::has(const std::string& name) const {
  MatVarPtr info(Mat_VarReadInfo(as_mat(mat_), name.c_str()));
  return info != nullptr;
}

torch::Tensor MatReader::read_numeric(const std::string& name) const {
  MatVarPtr var(Mat_VarRead(as_mat(mat_), name.c_str()));
  if (var == nullptr) {
    if (!has(name)) throw ModelFormatError(describe(path_, name) + " is missing");
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

namespace {

MatVarPtr make_text_matvar(const MatVariable& variable) {
  size_t dims[2] = {1, variable.text.size()};
  MatVarPtr var(Mat_VarCreate(variable.name.c_str(), MAT_C_CHAR, MAT_T_UTF8, 2, dims,
                              const_cast<char*>(variable.text.data()), 0));
  if (var == nullptr) throw Error("could not create MAT variable '" + variable.name + "'");
  return var;
}

MatVarPtr make_matvar(const MatVariable& variable) {
  if (!variable.value.defined()) return make_text_matvar(variable);
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
  // Column-major data: the transpose's row-major layout.
  torch::Tensor column_major = v.t().contiguous();
  // matio copies the data (no MAT_F_DONT_COPY_DATA), so the tensor may go away afterwards.
  MatVarPtr var(
      Mat_VarCreate(variable.name.c_str(), cls, type, 2, dims, column_major.data_ptr(), flags));
  if (var == nullptr) throw Error("could not create MAT variable '" + variable.name + "'");
  return var;
}

std::string temporary_name_for(const fs::path& target) {
  std::random_device rd;
  std::ostringstream name;
  name << "." << target.filename().string() << ".tmp-" << ::getpid() << "-" << std::hex << rd();
  return (target.parent_path() / name.str()).string();
}

void flush_to_disk(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw FileError("'" + path + "': could not flush to disk");
  }
  ::close(fd);
}

}  // namespace

void check_writable_destination(const std::string& path) {
  const fs::path target(path);
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw FileError("cannot write '" + path + "': folder '" + folder.string() + "' does not exist");
  if (fs::is_directory(target, ec))
    throw FileError("cannot write '" + path + "': it is a directory");
  if (::access(folder.c_str(), W_OK) != 0)
    throw FileError("cannot write '" + path + "': folder '" + folder.string() +
                    "' is not writable");
}

void write_mat_file(const std::string& path, const std::vector<MatVariable>& variables,
                    MatFormat format) {
  install_matio_logger();
  check_writable_destination(path);
  const fs::path target(path);
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  const std::string temporary = temporary_name_for(folder / target.filename());
  const std::string header = "MATLAB MAT-file, written by spikernn " + version();
  mat_t* mat = Mat_CreateVer(temporary.c_str(), header.c_str(),
                             format == MatFormat::V73 ? MAT_FT_MAT73 : MAT_FT_MAT5);
  if (mat == nullptr) throw FileError("cannot create '" + temporary + "'");
  try {
    for (const MatVariable& variable : variables) {
      MatVarPtr var = make_matvar(variable);
      if (Mat_VarWrite(mat, var.get(), MAT_COMPRESSION_NONE) != 0)
        throw FileError("cannot write '" + path + "': writing variable '" + variable.name +
                        "' failed (disk full?)");
    }
    if (Mat_Close(mat) != 0) {
      mat = nullptr;
      throw FileError("cannot write '" + path + "': closing the file failed (disk full?)");
    }
    mat = nullptr;
    flush_to_disk(temporary);
    fs::rename(temporary, target);
  } catch (...) {
    if (mat != nullptr) Mat_Close(mat);
    fs::remove(temporary, ec);
    throw;
  }
}

}  // namespace spikernn
