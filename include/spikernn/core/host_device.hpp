/// @file
/// Lets one inline function serve host code and CUDA device code.
#pragma once

#if defined(__CUDACC__)
#define SPIKERNN_HOST_DEVICE __host__ __device__
#else
#define SPIKERNN_HOST_DEVICE
#endif
