// The per-unit LIF update of spikernn/core/lif_step.hpp, written once for the fused backends: the
// CPU kernel (lif_fused_cpu.cpp) and the CUDA kernel (lif_fused_cuda.cu) both call these
// functions, so the equations exist here and in the torch-op reference (lif_step.cpp, the test
// oracle) only. Each line performs the reference's IEEE operations in the reference's order, or
// operations that round to the same bits for every input a network can have (noise_term(),
// recurrent_drive() and settle() say where), built without contraction to fused multiply-adds:
// this keeps the CPU kernel bit-identical to the reference and to the PyTorch port.
//
// A step has two halves with the network's recurrent input between them, which needs every
// unit's spike first: integrate() moves the voltage, the caller adds any stimulation and sums
// the W columns of the units that fired (fired()), then settle() updates the synapses and resets.
#pragma once

#include <cstdint>

#include "spikernn/core/host_device.hpp"

namespace spikernn::lif {

// The constants of one network, in the kernel's floating-point type.
template <typename T>
struct Constants {
  T dt, tref, tm, vpeak, vreset, vspike;
  T decay_rise;  // e^(−dt/tr)
};

// One unit's state (the fields of LIFState).
template <typename T>
struct UnitState {
  T v, tlast, ipsc, h, r, hr;
};

// Time at the end of step `step`: t = dt·(step + 1), computed in double as the reference does.
template <typename T>
SPIKERNN_HOST_DEVICE inline T step_time(double dt, int64_t step) {
  return static_cast<T>(dt * static_cast<double>(step + 1));
}

// ξ/10: the voltage noise of a step for a standard normal deviate ξ. The fast CPU noise draws it
// directly (deviates of standard deviation 1/10), saving the division.
template <typename T>
SPIKERNN_HOST_DEVICE inline T noise_term(T xi) {
  return xi / T(10);
}

// v + dt·[t > tlast + tref]·(−v + IPSC + vpeak + u)/tm + ξ/10: the voltage before any
// stimulation and before the threshold. `noise` is ξ/10 (noise_term()).
template <typename T>
SPIKERNN_HOST_DEVICE inline T integrate(const Constants<T>& c, T v, T tlast, T ipsc, T external,
                                        T noise, T now) {
  T input = ipsc + c.vpeak;
  input = input + external;
  const T active = tlast + c.tref < now ? T(1) : T(0);
  const T dv = active * (-v + input) / c.tm;
  return v + c.dt * dv + noise;
}

// 1 where the voltage reached the threshold, in the kernel's type.
template <typename T>
SPIKERNN_HOST_DEVICE inline T fired(const Constants<T>& c, T v) {
  return v >= c.vpeak ? T(1) : T(0);
}

// recurrent / (tr·td): what the units that fired (`recurrent`, Σ of their W columns) add to a
// unit's rise variable h. It is exactly 0 when no unit fired, so a caller that knows that may pass
// 0 to settle() instead of dividing (the division is the step's most expensive operation).
template <typename T>
SPIKERNN_HOST_DEVICE inline T recurrent_drive(T recurrent, T rise_decay) {
  return recurrent / rise_decay;
}

// The second half of the step for a unit whose voltage reached `v` (spike `s`, 0 or 1) and whose
// rise variable receives `drive` (recurrent_drive()): the double-exponential synapse and filtered
// spike train, the refractory clock and the reset. `decay_syn` is e^(−dt/td) and
// `inv_rise_decay` 1/(tr·td) of this unit: s·(1/(tr·td)) equals the reference's s/(tr·td) to the
// bit because s is 0 or 1 and tr·td positive and finite (tr is validated, td lies between the
// model's decay bounds). Returns the voltage to record (vspike where the unit fired).
template <typename T>
SPIKERNN_HOST_DEVICE inline T settle(const Constants<T>& c, UnitState<T>& u, T v, T s, T drive,
                                     T decay_syn, T inv_rise_decay, T now) {
  u.tlast = u.tlast + (now - u.tlast) * s;
  const T ipsc_next = u.ipsc * decay_syn + u.h * c.dt;
  u.h = u.h * c.decay_rise + drive;
  u.ipsc = ipsc_next;
  const T r_next = u.r * decay_syn + u.hr * c.dt;
  u.hr = u.hr * c.decay_rise + s * inv_rise_decay;
  u.r = r_next;
  const T recorded = v + (c.vspike - v) * s;
  u.v = recorded + (c.vreset - recorded) * s;
  return recorded;
}

}  // namespace spikernn::lif
