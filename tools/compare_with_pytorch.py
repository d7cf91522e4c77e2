#!/usr/bin/env python3
"""Compare spikernn with the PyTorch port on your own model, seed by seed.

For each seed it runs the port's `LIF_network_fnc` (after torch.manual_seed(seed)) and
`spikernn simulate --seed seed` on the same model, stimulus and λ, and reports whether the spike
rasters are identical, the largest output difference and the firing rates side by side. With
--task it also runs both grid searches (the port's multiprocessing one, and spikernn's) and prints
the two accuracy curves; the port's takes about 2 s per trial here.

Needs the port's `spiking` package importable (e.g. PYTHONPATH=/path/to/spikeRNN) and runs with
/usr/bin/python3 (Debian's python3-torch, the build spikernn's parity is checked against).

    /usr/bin/python3 tools/compare_with_pytorch.py --model M.mat --scaling-factor 50 \\
        [--stimulus U.json|U.mat] [--seeds 1,2,3] [--task go-nogo --trials 20] [--spikernn PATH]
"""
import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import scipy.io as sio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_stimulus(path):
    if path is None:  # a Go trial of the shipped Go-NoGo task
        u = np.zeros((1, 201))
        u[0, 50:75] = 1.0
        return u
    if path.endswith('.json'):
        with open(path) as f:
            u = np.array(json.load(f), dtype=float)
        return u.reshape(1, -1) if u.ndim == 1 else u
    return np.asarray(sio.loadmat(path)['u'], dtype=float)


def compare_trial(args, u, stimulus_file, seed, workdir):
    import torch
    from spiking import LIF_network_fnc
    torch.manual_seed(seed)
    _, _, spk, _, all_fr, out, _ = LIF_network_fnc(args.model, args.scaling_factor, u,
                                                   {'mode': 'none'}, 1, False)
    output = os.path.join(workdir, f'seed{seed}.mat')
    subprocess.run([args.spikernn, 'simulate', '--model', args.model, '--stimulus', stimulus_file,
                    '--scaling-factor', str(args.scaling_factor), '--seed', str(seed),
                    '--record', 'spk,out,all_fr', '--output', output],
                   check=True, capture_output=True)
    ours = sio.loadmat(output)
    identical = np.array_equal(ours['spk'], spk)
    diff = np.max(np.abs(ours['out'].ravel() - out.ravel()))
    print(f'seed {seed}: spikes {"identical" if identical else "DIFFERENT"} '
          f'({int(spk.sum())} port, {int(ours["spk"].sum())} spikernn), largest output difference '
          f'{diff:.2e}, mean rate {all_fr.mean():.3f} Hz port / {ours["all_fr"].mean():.3f} Hz '
          f'spikernn')
    return identical


def compare_grid(args, workdir):
    from spiking.lambda_grid_search import lambda_grid_search
    factors = list(range(20, 76, 5))
    folder = os.path.join(workdir, 'port')
    os.makedirs(folder)
    shutil.copy(args.model, folder)
    copy = os.path.join(folder, os.path.basename(args.model))
    os.chmod(copy, 0o644)
    print(f'running the port\'s grid search ({len(factors)} x {args.trials} trials)...', flush=True)
    with contextlib.redirect_stdout(io.StringIO()):  # the port prints every step
        lambda_grid_search(folder, args.task, args.trials, factors)
    port = sio.loadmat(copy)['all_perfs'].ravel()
    result = os.path.join(workdir, 'grid.json')
    subprocess.run([args.spikernn, 'grid-search', '--model', args.model, '--task', args.task,
                    '--trials', str(args.trials), '--scaling-factors', '20:75:5', '--no-write',
                    '--json', result], check=True, capture_output=True)
    with open(result) as f:
        ours = json.load(f)['results'][0]['accuracy']
    print(f'{"lambda":>8} {"port":>8} {"spikernn":>9}')
    for factor, p, s in zip(factors, port, ours):
        print(f'{factor:8} {p:8.3f} {s:9.3f}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', required=True)
    parser.add_argument('--scaling-factor', type=float, required=True)
    parser.add_argument('--stimulus', help='.json or .mat (variable u); default: a Go trial')
    parser.add_argument('--seeds', default='1,2,3')
    parser.add_argument('--task', help='also compare the grid searches on this task')
    parser.add_argument('--trials', type=int, default=20, help='grid-search trials per factor')
    parser.add_argument('--spikernn', default=os.path.join(ROOT, 'build', 'spikernn'))
    args = parser.parse_args()
    try:
        import spiking  # noqa: F401
    except ImportError as e:
        sys.exit(f'the PyTorch port is not importable ({e}); set PYTHONPATH to its checkout')

    with tempfile.TemporaryDirectory() as workdir:
        u = load_stimulus(args.stimulus)
        stimulus_file = args.stimulus or os.path.join(workdir, 'u.json')
        if args.stimulus is None:
            with open(stimulus_file, 'w') as f:
                json.dump(u.tolist(), f)
        results = [compare_trial(args, u, stimulus_file, int(s), workdir)
                   for s in args.seeds.split(',')]
        if args.task:
            compare_grid(args, workdir)
    sys.exit(0 if all(results) else 1)


if __name__ == '__main__':
    main()
