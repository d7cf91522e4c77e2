#!/usr/bin/env python3
"""Generate the golden parity cases under tests/data/ by running the PyTorch port.

Runs the installed `spiking` package (NuttidaLab/spikeRNN) with Debian's python3-torch 1.13.1,
the same build as libtorch-dev, so that spikernn can be checked seed for seed against it.
Writes model fixtures (a two-input model; a model of mixed MAT classes with float32 weights) and,
for each case, a compressed MAT file of the port's outputs plus tests/data/golden/cases.json.

    PYTHONPATH=/path/to/spikeRNN /usr/bin/python3 tools/make_golden.py

Only the outputs are committed; the port itself is not part of spikernn.
"""
import json
import os
import time

import numpy as np
import scipy.io as sio
import torch

from spiking import LIF_network_fnc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = 'models/go_nogo_N200_taus4-20_sigmoid.mat'
DATA = 'tests/data'
GOLDEN = os.path.join(DATA, 'golden')
SAMPLE_EVERY = 500  # steps between the sampled columns of REC, rs and IPSCs


def go_nogo_stimulus(go, columns=201):
    u = np.zeros((1, columns))
    if go:
        u[0, 50:75] = 1.0
    return u


def submodel(model, n):
    """The first n units of a trained model, with the variables LIF_network_fnc reads."""
    keys = ['w', 'w0', 'm', 'som_m']
    sub = {k: model[k][:n, :n] for k in keys}
    for k in ['w_in', 'inh', 'exc', 'taus_gaus', 'taus_gaus0']:
        sub[k] = model[k][:n, :]
    sub['w_out'] = model['w_out'][:, :n]
    sub['taus'] = model['taus']
    sub['N'] = np.array([[n]], dtype=np.int64)
    return sub


def write_fixtures():
    model = sio.loadmat(os.path.join(ROOT, MODEL))
    rng = np.random.default_rng(2019)

    two = submodel(model, 100)
    two['w_in'] = np.hstack([two['w_in'], rng.standard_normal((100, 1))])
    sio.savemat(os.path.join(ROOT, DATA, 'two_input_model.mat'), two, do_compression=True)

    # Mixed classes: float32 weights, int8/uint8 masks, logical inh/exc, uint16 N, one fixed tau.
    mixed = submodel(model, 100)
    for k in ['w', 'w0', 'w_in', 'w_out']:
        mixed[k] = mixed[k].astype(np.float32)
    mixed['m'] = mixed['m'].astype(np.int8)
    mixed['som_m'] = mixed['som_m'].astype(np.uint8)
    mixed['inh'] = mixed['inh'].astype(bool)
    mixed['exc'] = mixed['exc'].astype(bool)
    mixed['N'] = np.array([[100]], dtype=np.uint16)
    mixed['taus'] = np.array([[10]], dtype=np.int32)
    sio.savemat(os.path.join(ROOT, DATA, 'mixed_class_model.mat'), mixed)


def cases():
    full_go, full_nogo = go_nogo_stimulus(True), go_nogo_stimulus(False)
    short_go = go_nogo_stimulus(True, columns=81)
    two_input = np.zeros((2, 61))
    two_input[0, 10:30] = 1.0
    two_input[1, 35:50] = -1.0
    stim = {'mode': 'none'}
    exc = {'mode': 'exc', 'dur': [2000, 5000], 'units': list(range(0, 40, 2))}
    inh = {'mode': 'inh', 'dur': [1000, 6000], 'units': [3, 7, 11, 150, 199]}
    return [
        ('go_seed1', MODEL, full_go, 50.0, 1, stim, 1, False),
        ('nogo_seed2', MODEL, full_nogo, 50.0, 2, stim, 1, False),
        ('go_seed3_lambda30', MODEL, full_go, 30.0, 3, stim, 1, False),
        ('nogo_seed4_lambda70', MODEL, full_nogo, 70.0, 4, stim, 1, False),
        ('go_exc_seed5', MODEL, short_go, 50.0, 5, exc, 1, False),
        ('go_inh_seed6', MODEL, short_go, 50.0, 6, inh, 1, False),
        ('go_downsample2_seed7', MODEL, full_go, 50.0, 7, stim, 2, False),
        ('go_initial_weights_seed8', MODEL, short_go, 50.0, 8, stim, 1, True),
        ('two_input_seed9', DATA + '/two_input_model.mat', two_input, 40.0, 9, stim, 1, False),
        ('mixed_class_seed10', DATA + '/mixed_class_model.mat', short_go, 40.0, 10, stim, 1,
         False),
    ]


def run_case(name, model, u, scaling_factor, seed, stims, downsample, use_initial_weights):
    torch.manual_seed(seed)
    start = time.perf_counter()
    W, REC, spk, rs, all_fr, out, params = LIF_network_fnc(
        os.path.join(ROOT, model), scaling_factor, u, stims, downsample, use_initial_weights)
    seconds = time.perf_counter() - start
    nt = spk.shape[1]
    sample = np.unique(np.r_[np.arange(0, nt, SAMPLE_EVERY), nt - 1])
    neurons, steps = np.nonzero(spk)
    sio.savemat(os.path.join(ROOT, GOLDEN, name + '.mat'), {
        'spike_neurons': neurons.astype(np.int32), 'spike_steps': steps.astype(np.int32),
        'out': out, 'all_fr': all_fr, 'sample_steps': sample.astype(np.int32),
        'REC_sampled': REC[:, sample], 'rs_sampled': rs[:, sample],
        'IPSCs_sampled': params['IPSCs'][:, sample], 'W_row_sums': W.sum(axis=1),
        'td': np.atleast_1d(params['td']), 'td0': np.atleast_1d(params['td0']),
        'dt': params['dt'], 'T': params['T'], 'nt': params['nt'], 'u': u,
    }, do_compression=True)
    print(f'{name}: {len(steps)} spikes, {nt} steps, {seconds:.2f} s')
    return {'name': name, 'model': model, 'scaling_factor': scaling_factor, 'seed': seed,
            'stims_mode': stims['mode'], 'stims_dur': stims.get('dur', [0, 0]),
            'stims_units': stims.get('units', []), 'downsample': downsample,
            'use_initial_weights': use_initial_weights, 'seconds': round(seconds, 3)}


def main():
    os.makedirs(os.path.join(ROOT, GOLDEN), exist_ok=True)
    write_fixtures()
    meta = {'generator': 'tools/make_golden.py', 'torch': torch.__version__,
            'cases': [run_case(*case) for case in cases()]}
    with open(os.path.join(ROOT, GOLDEN, 'cases.json'), 'w') as f:
        json.dump(meta, f, indent=1)


if __name__ == '__main__':
    main()
