#include "spikernn/io/mat_file.hpp"

#include <matio.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>

#include "spikernn/core/error.hpp"
#include "spikernn/core/version.hpp"
#include "spikernn/io/atomic_file.hpp"

namespace spikernn {
namespace fs = std::filesystem;

namespace {

mat_t* as_mat(void* p) { return static_cast<mat_t*>(p); }

// matio reports problems through a logger that prints to stderr by default. Keep them quiet, and
// keep the last warning or error of this thread, so that our own message can quote it.
thread_local std::string matio_problem;

void record_matio_log(int level, char* message) {
  constexpr int kWarningOrWorse = 4;  // matio: 1 error, 2 critical, 4 warning, 8 message, 16 debug
  if (level <= kWarningOrWorse && message != nullptr) matio_problem = message;
}

void install_matio_logger() {
  static const bool installed = [] {
    Mat_LogInitFunc("spikernn", record_matio_log);
    return true;
  }();
  (void)installed;
}

// Whether a matrix element's body (`size` bytes, or its first `size` bytes) starts as matio
// reads it: array flags (8 bytes of miUINT32), dimensions (miINT32, at most 32 of them) and a name
// (miINT8, at most 4,096 characters). matio allocates what these claim before reading them.
bool matrix_header_sane(const unsigned char* body, size_t size, bool complete) {
  const auto word = [&](size_t at) {
    uint32_t w = 0;
    std::memcpy(&w, body + at, 4);
    return w;
  };
  struct Expected {
    uint32_t type, most;
  };
  size_t at = 0;
  for (const Expected e : {Expected{6, 8}, Expected{5, 128}, Expected{1, 4096}}) {
    if (at + 8 > size) return !complete;  // beyond the inflated start: matio checks the rest
    const uint32_t tag = word(at);
    const bool small = (tag >> 16) != 0;
    const uint32_t type = small ? (tag & 0xffff) : tag, nbytes = small ? (tag >> 16) : word(at + 4);
    if (type != e.type || nbytes > e.most || (small && nbytes > 4)) return false;
    if (e.type == 6 && nbytes != 8) return false;
    at += small ? 8 : 8 + (nbytes + 7) / 8 * 8;
  }
  return at <= size || !complete;
}

// The same for a compressed variable, on the start of its inflated data.
bool compressed_header_sane(const char* data, int64_t size) {
  unsigned char header[512];
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  z.avail_in = static_cast<uInt>(std::min<int64_t>(size, 1 << 20));
  z.next_out = header;
  z.avail_out = sizeof header;
  const int status = inflate(&z, Z_SYNC_FLUSH);
  const size_t got = sizeof header - z.avail_out;
  inflateEnd(&z);
  if ((status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) || got < 8) return false;
  uint32_t type = 0;
  std::memcpy(&type, header, 4);
  return type == 14 && matrix_header_sane(header + 8, got - 8, false);
}

// Where the layout of a little-endian MAT v5 file first goes wrong, or -1 when it is whole: every
// variable is a matrix (14) or compressed (15) element that ends within the file, and the
// sub-elements of an uncompressed matrix fill it exactly. Checked before matio reads a file, so
// that sizes it would trust (and allocate) cannot exceed the file, and after spikernn writes one:
// after a short write matio rewrites a variable's size to match the bytes that landed, but not
// the sizes inside it. Other formats (v4, v7.3) and big-endian files return -1.
int64_t v5_layout_error(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  const int64_t size = static_cast<int64_t>(bytes.size());
  const auto word = [&](int64_t at) {
    uint32_t w = 0;
    std::memcpy(&w, &bytes[static_cast<size_t>(at)], 4);
    return w;
  };
  // Version 0x0100 (v5; v7.3 files carry the same header with 0x0200 before HDF5 data).
  if (size < 128 || bytes[124] != 0 || bytes[125] != 1 || bytes[126] != 'I' || bytes[127] != 'M')
    return -1;
  constexpr uint32_t kMatrix = 14, kCompressed = 15;
  int64_t position = 128;
  while (position < size) {
    if (position + 8 > size) return position;
    const uint32_t type = word(position);
    const int64_t end = position + 8 + word(position + 4);
    if ((type != kMatrix && type != kCompressed) || end > size) return position;
    if (type == kCompressed &&
        !compressed_header_sane(bytes.data() + position + 8, end - position - 8))
      return position;
    if (type == kMatrix &&
        !matrix_header_sane(reinterpret_cast<const unsigned char*>(bytes.data()) + position + 8,
                            static_cast<size_t>(end - position - 8), true))
      return position;
    if (type == kMatrix) {
      int64_t sub = position + 8;
      while (sub + 8 <= end) {
        // A small element packs its size in the tag's upper half and fits in 8 bytes.
        sub += (word(sub) >> 16) != 0 ? 8 : 8 + (static_cast<int64_t>(word(sub + 4)) + 7) / 8 * 8;
      }
      if (sub != end) return position;
    }
    position = end;
  }
  return -1;
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
  MatVarPtr var(Mat_VarRead(as_mat(mat_), name.c_str()));
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

std::string MatReader::read_string(const std::string& name) const {
  check_claimed_size(name);
  MatVarPtr var(Mat_VarRead(as_mat(mat_), name.c_str()));
  if (var == nullptr) throw ModelFormatError(describe(path_, name) + " is missing" + listing());
  if (var->class_type != MAT_C_CHAR || var->data == nullptr)
    throw ModelFormatError(describe(path_, name) + ": expected text (a char array), found " +
                           class_name(var->class_type));
  const size_t width = static_cast<size_t>(var->data_size);
  if (width != 1 && width != 2 && width != 4)
    throw ModelFormatError(describe(path_, name) + ": expected text of 1, 2 or 4 bytes per " +
                           "character, found " + std::to_string(width));
  const size_t n = var->nbytes / width;
  std::string text;
  for (size_t i = 0; i < n; ++i) {
    if (width == 1)
      text += static_cast<const char*>(var->data)[i];
    else if (width == 2)
      text += static_cast<char>(static_cast<const uint16_t*>(var->data)[i]);
    else
      text += static_cast<char>(static_cast<const uint32_t*>(var->data)[i]);
  }
  return text;
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

}  // namespace

namespace {

void write_variable(mat_t* mat, matvar_t* var, const std::string& path, matio_compression c) {
  if (Mat_VarWrite(mat, var, c) != 0)
    throw FileError("cannot write '" + path + "': writing variable '" + var->name +
                    "' failed (disk full?)");
}

// Whether `back`, read from the file, is the array `written`: class and dimensions, and for
// real numeric and logical arrays the data byte for byte.
bool same_array(const matvar_t* written, const matvar_t* back) {
  if (written->class_type != back->class_type || written->rank != back->rank) return false;
  size_t n = 1;
  for (int k = 0; k < written->rank; ++k) {
    if (written->dims[k] != back->dims[k]) return false;
    n *= written->dims[k];
  }
  const bool numeric = written->class_type >= MAT_C_DOUBLE && written->class_type <= MAT_C_UINT64 &&
                       written->isComplex == 0;
  if (!numeric || written->data == nullptr) return true;
  return back->data != nullptr &&
         std::memcmp(written->data, back->data, n * Mat_SizeOfClass(written->class_type)) == 0;
}

// matio does not report short writes (a full disk, a file-size limit): before the file may
// replace anything, a v5 file's layout must be whole and every variable must read back as it
// was written.
void verify_written(const std::string& temporary, const std::string& path, mat_ft ft,
                    const std::vector<const matvar_t*>& written) {
  if (ft == MAT_FT_MAT5 && v5_layout_error(temporary) >= 0)
    throw FileError("cannot write '" + path +
                    "': the file written is incomplete (disk full or a write error?); nothing "
                    "was replaced");
  matio_problem.clear();
  size_t matching = 0;
  if (mat_t* mat = Mat_Open(temporary.c_str(), MAT_ACC_RDONLY)) {
    std::unique_ptr<mat_t, int (*)(mat_t*)> file(mat, Mat_Close);
    for (const matvar_t* var : written) {
      MatVarPtr back(Mat_VarRead(mat, var->name));
      if (back == nullptr || !same_array(var, back.get())) break;
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
  std::vector<MatVarPtr> made;
  std::vector<const matvar_t*> all;
  for (const MatVariable& variable : variables) {
    made.push_back(make_matvar(variable));
    all.push_back(made.back().get());
  }
  write_atomically(path, format == MatFormat::V73 ? MAT_FT_MAT73 : MAT_FT_MAT5, all);
}

void check_updatable(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw FileError("'" + path + "': no such file");
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
  std::vector<MatVarPtr> made;
  for (const MatVariable& variable : variables) {
    made.push_back(make_matvar(variable));
    all.push_back(made.back().get());
  }
  write_atomically(path, ft, all, mode);
}

}  // namespace spikernn
