// The v7.3 (HDF5) variables matio 1.5 cannot classify, read with HDF5 itself.
//
// matio reads a dataset's MATLAB_class attribute through a null-terminated string type of the
// attribute's own size. A null-padded attribute (h5py's default for fixed-length strings) has no
// room for the terminator there, so its last letter is cut off: "double" reads "doubl", and the
// variable comes back with no class. This reads such a variable as matio would have: numeric,
// logical and char arrays, and cell arrays of them.
#pragma once

#include <string>

#include "matio_support.hpp"

namespace spikernn {

// Whether variable `name` of the v7.3 file `path` has a null-padded MATLAB_class.
bool has_null_padded_class(const std::string& path, const std::string& name);

// Variable `name` of the v7.3 file `path` as matio's matvar_t; ModelFormatError naming the file
// and the variable when HDF5 cannot read it or its class is not one of those above.
MatVarPtr read_v73_variable(const std::string& path, const std::string& name);

}  // namespace spikernn
