/// @file
/// Trial datasets (spikernn/core/trial_dataset.hpp) as MAT files: written as MAT v7.3 (HDF5, which
/// MATLAB and h5py read), read from v7.3 or v5. The variables are listed in docs/experiments.md.
#pragma once

#include <string>

#include "spikernn/core/trial_dataset.hpp"
#include "spikernn/io/mat_file.hpp"

namespace spikernn {

/// Writes `dataset` to `path` atomically (nothing at `path` until the whole file is written and
/// read back), as MAT v7.3 unless `format` says v5. Throws InvalidArgument for a dataset that is
/// not valid, FileError for a file error.
void write_dataset_file(const std::string& path, const TrialDataset& dataset,
                        MatFormat format = MatFormat::V73);

/// Reads and validates a dataset. Throws FileNotFound, FileError, or ModelFormatError naming the
/// file and the variable that is missing or not as expected.
TrialDataset read_dataset_file(const std::string& path);

}  // namespace spikernn
