/// @file
/// What a simulation returns, and which of its traces to keep.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>

namespace spikernn {

/// Which outputs a simulation keeps. The time traces (REC, spk, rs, IPSCs) take nt × N values
/// each; a caller that needs only the output skips them and their memory.
struct Record {
  bool W = true;
  bool REC = true;
  bool spk = true;
  bool rs = true;
  bool IPSCs = true;
  bool all_fr = true;
  bool out = true;
  /// The spikes as a list (SimulationResult::spike_list): the fused CPU engine records each spike
  /// as it happens, without the N × nt trace; not part of all(), which is the port's traces.
  bool spike_list = false;

  static Record all() { return {}; }
  static Record nothing() { return {false, false, false, false, false, false, false}; }
  /// A comma-separated list of names ("spk,out"), or "all". Throws InvalidArgument naming an
  /// unknown name.
  static Record parse(const std::string& list);
  std::string to_string() const;
  /// Bytes the recorded time traces take for `batch` trials of `nt` steps and `N` units.
  int64_t trace_bytes(int64_t batch, int64_t nt, int64_t N, int64_t element_size) const;
};

/// Result of one trial (shapes for a batch of B trials have a leading B). Unrecorded traces are
/// undefined tensors. Names and shapes follow the port's `LIF_network_fnc` return values. The
/// N × nt traces are transposed views of time-major storage (strides 1 and N): call
/// `.contiguous()` before reading one through `data_ptr`.
struct SimulationResult {
  torch::Tensor W;       ///< N × N recurrent weights divided by λ
  torch::Tensor REC;     ///< N × nt membrane voltage (mV), 30 mV in the step of a spike
  torch::Tensor spk;     ///< N × nt spikes (0/1)
  torch::Tensor rs;      ///< N × nt filtered spike trains
  torch::Tensor all_fr;  ///< N firing rates (Hz), spikes from step 10 on over T
  torch::Tensor out;     ///< nt network output (w_out/λ) · r
  torch::Tensor IPSCs;   ///< N × nt post-synaptic currents (before each step's update)
  /// S × 3 int64 (trial in the batch, step, unit), one row per spike, sorted by trial, step and
  /// unit; for a single trial (`simulate`) S × 2 (step, unit).
  torch::Tensor spike_list;
  /// The port's `params` dict:
  double dt = 0;        ///< step (s)
  double T = 0;         ///< trial duration (s)
  int64_t nt = 0;       ///< number of steps
  torch::Tensor w_out;  ///< 1 × N readout weights, unscaled
  torch::Tensor td;     ///< N (or 0-D) trained synaptic decay constants (s)
  torch::Tensor td0;    ///< N (or 0-D) initial synaptic decay constants (s)
  /// Added by spikernn, so a run can be repeated:
  double scaling_factor = 0;
  std::optional<uint64_t> seed;  ///< unset when torch's global generator was used
};

}  // namespace spikernn
