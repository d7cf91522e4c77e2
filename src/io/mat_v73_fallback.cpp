#include "mat_v73_fallback.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "spikernn/core/error.hpp"

namespace spikernn {
namespace {

// An HDF5 identifier closed by `close` when it goes out of scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// HDF5 prints its error stack on stderr by default; a failure here is reported as ours.
class QuietHdf5 {
 public:
  QuietHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &handler_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  QuietHdf5(const QuietHdf5&) = delete;
  QuietHdf5& operator=(const QuietHdf5&) = delete;
  ~QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, handler_, data_); }

 private:
  H5E_auto2_t handler_ = nullptr;
  void* data_ = nullptr;
};

struct ClassInfo {
  const char* name;
  matio_classes class_type;
  matio_types data_type;
  hid_t (*memory_type)();
  size_t size;
  bool logical;
};

hid_t native_double() { return H5T_NATIVE_DOUBLE; }
hid_t native_float() { return H5T_NATIVE_FLOAT; }
hid_t native_int8() { return H5T_NATIVE_INT8; }
hid_t native_uint8() { return H5T_NATIVE_UINT8; }
hid_t native_int16() { return H5T_NATIVE_INT16; }
hid_t native_uint16() { return H5T_NATIVE_UINT16; }
hid_t native_int32() { return H5T_NATIVE_INT32; }
hid_t native_uint32() { return H5T_NATIVE_UINT32; }
hid_t native_int64() { return H5T_NATIVE_INT64; }
hid_t native_uint64() { return H5T_NATIVE_UINT64; }

const ClassInfo kClasses[] = {
    {"double", MAT_C_DOUBLE, MAT_T_DOUBLE, native_double, 8, false},
    {"single", MAT_C_SINGLE, MAT_T_SINGLE, native_float, 4, false},
    {"int8", MAT_C_INT8, MAT_T_INT8, native_int8, 1, false},
    {"uint8", MAT_C_UINT8, MAT_T_UINT8, native_uint8, 1, false},
    {"int16", MAT_C_INT16, MAT_T_INT16, native_int16, 2, false},
    {"uint16", MAT_C_UINT16, MAT_T_UINT16, native_uint16, 2, false},
    {"int32", MAT_C_INT32, MAT_T_INT32, native_int32, 4, false},
    {"uint32", MAT_C_UINT32, MAT_T_UINT32, native_uint32, 4, false},
    {"int64", MAT_C_INT64, MAT_T_INT64, native_int64, 8, false},
    {"uint64", MAT_C_UINT64, MAT_T_UINT64, native_uint64, 8, false},
    {"logical", MAT_C_UINT8, MAT_T_UINT8, native_uint8, 1, true},
    {"char", MAT_C_CHAR, MAT_T_UINT16, native_uint16, 2, false},
};

// A string attribute of `object`, null-padded or null-terminated; empty when it is absent.
std::string string_attribute(hid_t object, const char* name) {
  if (H5Aexists(object, name) <= 0) return "";
  const Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  const Handle type(H5Aget_type(attribute.get()), H5Tclose);
  if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()))
    return "";
  const size_t size = H5Tget_size(type.get());
  const Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory.get(), size + 1);  // room for the terminator a null-padded string lacks
  H5Tset_strpad(memory.get(), H5T_STR_NULLTERM);
  std::vector<char> text(size + 1, '\0');
  if (H5Aread(attribute.get(), memory.get(), text.data()) < 0) return "";
  return std::string(text.data());
}

bool flag_attribute(hid_t object, const char* name) {
  if (H5Aexists(object, name) <= 0) return false;
  const Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  uint32_t value = 0;
  return H5Aread(attribute.get(), H5T_NATIVE_UINT32, &value) >= 0 && value != 0;
}

class Reader {
 public:
  Reader(std::string path, std::string name) : path_(std::move(path)), name_(std::move(name)) {}

  matvar_t* read(hid_t dataset, const std::string& variable_name) const {
    const std::string matlab_class = string_attribute(dataset, "MATLAB_class");
    const Handle space(H5Dget_space(dataset), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    if (rank < 0) fail("its dimensions cannot be read");
    std::vector<hsize_t> h5_dims(static_cast<size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), h5_dims.data(), nullptr);
    // HDF5 holds MATLAB's column-major array with its dimensions reversed.
    std::vector<size_t> dims(h5_dims.rbegin(), h5_dims.rend());
    if (flag_attribute(dataset, "MATLAB_empty")) return empty(matlab_class, dims.size());
    size_t n = 1;
    for (size_t d : dims) n *= d;
    if (matlab_class == "cell") return cell(dataset, variable_name, dims, n);
    const ClassInfo* info = nullptr;
    for (const ClassInfo& c : kClasses)
      if (matlab_class == c.name) info = &c;
    if (info == nullptr)
      fail("expected a numeric, logical, char or cell array, found MATLAB_class '" + matlab_class +
           "'");
    std::vector<char> data(n * info->size);
    if (n > 0 &&
        H5Dread(dataset, info->memory_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
      fail("its data cannot be read");
    return create(variable_name, info->class_type, info->data_type, dims, data.data(),
                  info->logical ? MAT_F_LOGICAL : 0);
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw ModelFormatError(describe(path_, name_) + ": " + why);
  }

 private:
  // MATLAB writes an empty array as its dimensions, flagged MATLAB_empty.
  matvar_t* empty(const std::string& matlab_class, size_t rank) const {
    const ClassInfo* info = &kClasses[0];
    for (const ClassInfo& c : kClasses)
      if (matlab_class == c.name) info = &c;
    std::vector<size_t> dims(std::max<size_t>(rank, 2), 0);
    return create(name_, info->class_type, info->data_type, dims, nullptr,
                  info->logical ? MAT_F_LOGICAL : 0);
  }

  matvar_t* cell(hid_t dataset, const std::string& variable_name, const std::vector<size_t>& dims,
                 size_t n) const {
    std::vector<hobj_ref_t> refs(n);
    if (n > 0 && H5Dread(dataset, H5T_STD_REF_OBJ, H5S_ALL, H5S_ALL, H5P_DEFAULT, refs.data()) < 0)
      fail("its cells cannot be read");
    std::vector<matvar_t*> cells;
    try {
      for (hobj_ref_t& ref : refs) {
        const Handle target(H5Rdereference2(dataset, H5P_DEFAULT, H5R_OBJECT, &ref), H5Oclose);
        if (!target.valid()) fail("cell " + std::to_string(cells.size() + 1) + " is missing");
        cells.push_back(read(target.get(), ""));
      }
    } catch (...) {
      for (matvar_t* c : cells) Mat_VarFree(c);
      throw;
    }
    return create(variable_name, MAT_C_CELL, MAT_T_CELL, dims, cells.data(), 0);
  }

  matvar_t* create(const std::string& variable_name, matio_classes class_type,
                   matio_types data_type, std::vector<size_t> dims, void* data, int flags) const {
    while (dims.size() < 2) dims.push_back(1);
    matvar_t* var =
        Mat_VarCreate(variable_name.empty() ? nullptr : variable_name.c_str(), class_type,
                      data_type, static_cast<int>(dims.size()), dims.data(), data, flags);
    if (var == nullptr) fail("could not be stored");
    return var;
  }

  std::string path_, name_;
};

}  // namespace

bool has_null_padded_class(const std::string& path, const std::string& name) {
  const QuietHdf5 quiet;
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) return false;
  const Handle dataset(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid() || H5Aexists(dataset.get(), "MATLAB_class") <= 0) return false;
  const Handle attribute(H5Aopen(dataset.get(), "MATLAB_class", H5P_DEFAULT), H5Aclose);
  const Handle type(H5Aget_type(attribute.get()), H5Tclose);
  return type.valid() && H5Tget_class(type.get()) == H5T_STRING &&
         H5Tget_strpad(type.get()) == H5T_STR_NULLPAD;
}

MatVarPtr read_v73_variable(const std::string& path, const std::string& name) {
  const QuietHdf5 quiet;
  const Reader reader(path, name);
  const Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) reader.fail("the file cannot be opened as HDF5");
  const Handle dataset(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) reader.fail("not a dataset of the file");
  return MatVarPtr(reader.read(dataset.get(), name));
}

}  // namespace spikernn
