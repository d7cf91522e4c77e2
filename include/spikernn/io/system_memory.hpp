/// @file
/// What this machine can hold, probed before a run allocates it.
#pragma once

#include <cstdint>

#include "spikernn/core/simulation_result.hpp"

namespace spikernn {

/// MemAvailable of /proc/meminfo in bytes, or -1 where it cannot be read.
int64_t available_memory_bytes();

/// Throws InvalidArgument, before anything is allocated, when the traces `record` keeps for
/// `batch` trials of `nt` steps and `N` units (`element_size` bytes each) exceed the memory
/// available now.
void check_trace_memory(const Record& record, int64_t batch, int64_t nt, int64_t N,
                        int64_t element_size);

}  // namespace spikernn
