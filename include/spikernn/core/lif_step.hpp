/// @file
/// The LIF dynamics split the Norse way: constant parameters, a state, and one step function.
///
/// For each unit, with t = dt·(i+1) at step i, u the external current column of step i and ξ ~
/// N(0,1):
///
/// @verbatim
///   I      = IPSC + vpeak + u                                  (bias at the rheobase)
///   v     += dt · [t > tlast + tref] · (−v + I) / tm + ξ/10     (linear LIF, refractory period)
///   v     += kick                                              (optional artificial stimulation)
///   s      = [v ≥ vpeak]
///   JD     = Σ_{j : s_j} W[:, j]                                (event-driven recurrent input)
///   tlast += (t − tlast) · s
///   IPSC   = IPSC · e^(−dt/td) + h · dt                         (double-exponential synapse)
///   h      = h · e^(−dt/tr) + JD / (tr · td)
///   r      = r · e^(−dt/td) + hr · dt                          (filtered spike train)
///   hr     = hr · e^(−dt/tr) + s / (tr · td)
///   v      = 30 where s (recorded), then vreset where s
/// @endverbatim
///
/// Every operation mirrors the PyTorch port's `LIF_network_fnc` in the same order, so that a batch
/// of one in float64 reproduces it bit for bit.
#pragma once

#include <torch/torch.h>

namespace spikernn {

/// Constant parameters of one LIF network, on the network's device and dtype.
struct LIFParams {
  double dt = 0.00005;       ///< integration step (s)
  double tref = 0.002;       ///< refractory period (s)
  double tm = 0.010;         ///< membrane time constant (s)
  double vreset = -65.0;     ///< reset voltage (mV)
  double vpeak = -40.0;      ///< threshold (mV) and bias current
  double vspike = 30.0;      ///< voltage recorded in the step of a spike (mV)
  torch::Tensor W;           ///< N × N recurrent weights, already divided by λ
  torch::Tensor decay_syn;   ///< e^(−dt/td): N values, or 0-D for one fixed td
  torch::Tensor decay_rise;  ///< e^(−dt/tr): 0-D
  torch::Tensor rise_decay;  ///< tr · td: N values or 0-D
};

/// Builds the step constants from the synaptic time constants (seconds).
LIFParams make_lif_params(double dt, double tref, double tm, double vreset, double vpeak, double tr,
                          const torch::Tensor& W, const torch::Tensor& td);

/// State of a batch of B trials; every tensor is B × N.
struct LIFState {
  torch::Tensor v;      ///< membrane voltage (mV)
  torch::Tensor tlast;  ///< time of the last spike (s)
  torch::Tensor ipsc;   ///< post-synaptic current
  torch::Tensor h;      ///< rise variable of the current
  torch::Tensor r;      ///< filtered spike train (the rate read out by w_out)
  torch::Tensor hr;     ///< rise variable of r
};

/// v drawn uniformly in [vreset, vspike) with one `rand(B, N)` call, everything else zero.
LIFState lif_initial_state(const LIFParams& params, int64_t batch, at::Generator& generator);

struct LIFStepInput {
  torch::Tensor current;  ///< B × N external current (w_in · u) of this step
  torch::Tensor noise;    ///< B × N standard normal draws
  torch::Tensor kick;     ///< B × N voltage added after the noise; undefined for none
};

struct LIFStepOutput {
  LIFState state;          ///< state after the step (voltages reset)
  torch::Tensor spikes;    ///< B × N, 1 where a unit fired, in the state's dtype
  torch::Tensor v_record;  ///< B × N voltage before the reset (vspike where a unit fired)
};

/// One step of the equations above at step index `step` (0-based). Pure: `state` is not modified.
LIFStepOutput lif_step(const LIFParams& params, const LIFState& state, const LIFStepInput& input,
                       int64_t step);

}  // namespace spikernn
