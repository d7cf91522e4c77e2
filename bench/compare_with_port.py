#!/usr/bin/env python3
"""Time the same workload through the PyTorch port and spikernn, side by side, in one run.

The port's side needs its `spiking` package importable (e.g. PYTHONPATH=/path/to/spikeRNN) and
runs with /usr/bin/python3 (Debian's python3-torch); without it only spikernn's side is printed.

    /usr/bin/python3 bench/compare_with_port.py [--repeat 3] [--build build]
"""
import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, 'models', 'go_nogo_N200_taus4-20_sigmoid.mat')


def port_single_trial(repeat):
    try:
        import numpy as np
        import torch
        from spiking import LIF_network_fnc
    except ImportError as e:
        print(f'PyTorch port not importable ({e}); printing spikernn only', file=sys.stderr)
        return None
    u = np.zeros((1, 201))
    u[0, 50:75] = 1
    times = []
    for i in range(repeat):
        torch.manual_seed(i)
        start = time.perf_counter()
        LIF_network_fnc(MODEL, 50.0, u, {'mode': 'none'}, 1, False)
        times.append(time.perf_counter() - start)
    return min(times)


def spikernn_single_trial(build, repeat, record):
    exe = os.path.join(ROOT, build, 'bench', 'spikernn_bench_single_trial')
    text = subprocess.run([exe, '--repeat', str(repeat), '--record', record], check=True,
                          capture_output=True, text=True).stdout
    return float(re.search(r'best ([0-9.]+) s', text).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--build', default='build')
    args = parser.parse_args()

    port = port_single_trial(args.repeat)
    rows = [('single Go trial, all traces (port parity)', port,
             spikernn_single_trial(args.build, args.repeat, 'all')),
            ('single Go trial, output only', port,
             spikernn_single_trial(args.build, args.repeat, 'out'))]
    print(f'{"workload":45} {"port (s)":>10} {"spikernn (s)":>13} {"ratio":>7}')
    for name, p, s in rows:
        ratio = f'{p / s:.1f}x' if p else '-'
        print(f'{name:45} {p if p else float("nan"):10.3f} {s:13.4f} {ratio:>7}')


if __name__ == '__main__':
    main()
