#!/usr/bin/python3
"""Writes tests/data/original_mante_model.mat: a small Mante rate model with random weights, saved
with every variable, shape and type of the TensorFlow original's rate/main.py (rkim35/spikeRNN):
float32 arrays, logical exc/inh as N x 1, histories as T x N x 1, the last training stimulus u in
the original's 4-input layout (evidence on inputs 0-1, a one-hot context on 2-3 held for the
whole trial). Untrained: it tests the layout, not the accuracy. Needs numpy and scipy."""
import sys

import numpy as np
import scipy.io

rng = np.random.default_rng(7)
N, T, stim_on, stim_dur = 20, 500, 50, 200
inh = rng.random((N, 1)) < 0.2
inh[0], inh[1] = True, False  # both kinds present
exc = ~inh
m = np.diag(np.where(inh[:, 0], -1.0, 1.0)).astype(np.float32)
w = np.abs(rng.standard_normal((N, N)) / np.sqrt(N)).astype(np.float32)

u = np.zeros((4, T), dtype=np.float32)
u[0, stim_on:stim_on + stim_dur] = rng.standard_normal(stim_dur) + 0.5
u[1, stim_on:stim_on + stim_dur] = rng.standard_normal(stim_dur) - 0.5
u[3, :] = 1  # color context: the label is the sign of input 1's offset

def f32(shape):
    return rng.standard_normal(shape).astype(np.float32)

var = {
    'x0': f32((T, N, 1)), 'r0': f32((T, N, 1)), 'w0': w.copy(), 'taus_gaus0': f32((N, 1)),
    'w_in0': f32((N, 4)), 'u': u, 'o': f32((T - 1, 1, 1)), 'w': w, 'x': f32((T, N, 1)),
    'target': np.concatenate([np.zeros(stim_on + stim_dur), -np.ones(T - stim_on - stim_dur)]),
    'w_out': (f32((1, N)) / 100), 'r': f32((T, N, 1)), 'm': m,
    'som_m': np.ones((N, N), dtype=np.float32), 'N': N, 'exc': exc, 'inh': inh,
    'w_in': f32((N, 4)), 'b_out': np.float32(0.0), 'som_N': 0, 'losses': np.zeros(10),
    'taus': [4, 20], 'eval_perf_mean': 0.5, 'eval_loss_mean': 10.0, 'eval_os': f32((100, T - 1)),
    'eval_labels': np.ones(100), 'taus_gaus': f32((N, 1)), 'tr': 9, 'activation': 'sigmoid',
}
scipy.io.savemat(sys.argv[1] if len(sys.argv) > 1 else 'tests/data/original_mante_model.mat', var)
