/// @file
/// MAT-file access on top of matio: reading numeric variables of any class as float64 tensors, and
/// writing tensors to a MAT file atomically (temporary name in the same folder, then rename).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "spikernn/io/atomic_file.hpp"

namespace spikernn {

/// An open MAT file (v4, v5 compressed or not, or v7.3/HDF5) for reading.
class MatReader {
 public:
  /// Throws FileError if `path` is missing, a directory, or not a MAT file.
  explicit MatReader(std::string path);
  ~MatReader();
  MatReader(const MatReader&) = delete;
  MatReader& operator=(const MatReader&) = delete;

  const std::string& path() const { return path_; }
  std::vector<std::string> names() const;
  bool has(const std::string& name) const;

  /// A real numeric or logical array (any MATLAB class) as a float64 tensor of shape rows × cols,
  /// or the array's own shape for N-D arrays. Throws ModelFormatError naming the file and the
  /// variable for a missing variable, or a char, cell, struct, sparse or complex one.
  torch::Tensor read_numeric(const std::string& name) const;
  /// A char array as text (one row). Throws ModelFormatError for a missing or non-char variable.
  std::string read_string(const std::string& name) const;
  /// A char matrix as its rows, or a cell array of char arrays as its cells (MATLAB's
  /// `{'a', 'b'}`, scipy's object arrays), trailing spaces removed (the inverse of
  /// MatVariable::strings).
  std::vector<std::string> read_strings(const std::string& name) const;

 private:
  std::string listing() const;  ///< " (the file holds: a, b, c)" for error messages
  /// A char matrix's rows; with `cells`, a cell array's char arrays, one a row.
  std::vector<std::string> text_rows(const std::string& name, bool cells) const;
  /// Throws ModelFormatError when `name`'s dimensions claim more elements than the file could
  /// hold even compressed, before matio allocates them.
  void check_claimed_size(const std::string& name) const;

  std::string path_;
  void* mat_;  ///< mat_t*, kept opaque so matio stays a private dependency
  int64_t file_size_ = 0;
};

/// One variable to write: a tensor, or (when `value` is undefined) the char array `text`.
/// 0-D tensors become 1×1, 1-D tensors become 1×n rows (as scipy's savemat does); floating
/// tensors are written as double, integer tensors as int64, bool as logical.
struct MatVariable {
  MatVariable(std::string name, torch::Tensor value)
      : name(std::move(name)), value(std::move(value)) {}
  static MatVariable string(std::string name, std::string text) {
    MatVariable v(std::move(name), torch::Tensor());
    v.text = std::move(text);
    v.text_rows = 1;
    return v;
  }
  /// A char matrix of one row per string, padded with spaces (MATLAB's `char({...})`; `cellstr`
  /// gives the strings back).
  static MatVariable strings(std::string name, const std::vector<std::string>& rows);

  std::string name;
  torch::Tensor value;
  std::string text;  ///< column-major characters of text_rows rows
  int64_t text_rows = 1;
};

enum class MatFormat { V5, V73 };  ///< MAT v5 (scipy.io reads it) or v7.3 (HDF5)

/// Writes `variables` into a new MAT file at `path`: a temporary file in the same folder is
/// written, flushed and renamed over `path`, so a failure leaves no file (or the old one intact).
void write_mat_file(const std::string& path, const std::vector<MatVariable>& variables,
                    MatFormat format = MatFormat::V5);

/// Replaces or adds `variables` in the MAT file at `path`, keeping every other variable exactly as
/// it was (strings, cells and structs included) and the file's format: the whole file is rewritten
/// to a temporary name in the same folder and renamed over the old one, so a failure leaves it
/// untouched. Throws FileError for a read-only file.
void update_mat_file(const std::string& path, const std::vector<MatVariable>& variables);

/// Throws FileError unless `path` exists, is not read-only and its folder takes new files: what
/// `update_mat_file` needs, checked before a long run rather than after it.
void check_updatable(const std::string& path);

}  // namespace spikernn
