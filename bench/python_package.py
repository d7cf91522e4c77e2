#!/usr/bin/env python3
"""The Python package beside the port's `spiking`, called from one Python process: one Go trial
of the shipped model with every trace (the port's streams, after torch.manual_seed), the same
trial with fast noise through simulate_batch, and the 12 x 100 Go-NoGo grid search with
lambda_grid_search's defaults.

The port's side needs `spiking` importable (PYTHONPATH=/path/to/spikeRNN). Its grid search takes
about 40 minutes here: it runs with --port-full, and is otherwise extrapolated from its single
trial, spread over the cores as its multiprocessing pool does.

    PYTHONPATH=build/python:/path/to/spikeRNN /usr/bin/python3 bench/python_package.py [--port-full]
"""
import argparse
import os
import shutil
import tempfile
import time

import numpy as np
import torch

import spikernn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "models", "go_nogo_N200_taus4-20_sigmoid.mat")
FACTORS = list(range(20, 80, 5))


def best_of(repeat, call):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def go_trial(module):
    u = np.zeros((1, 201))
    u[0, 50:75] = 1
    torch.manual_seed(1)
    return module.LIF_network_fnc(MODEL, 50.0, u, {"mode": "none"}, 1, False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-full", action="store_true", help="run the port's grid search")
    args = parser.parse_args()
    try:
        import spiking
    except ImportError:
        spiking = None
    rows = []
    ours = best_of(3, lambda: go_trial(spikernn))
    theirs = best_of(1, lambda: go_trial(spiking)) if spiking else None
    rows.append(("one Go trial, all traces, port's streams", ours, theirs))

    u = torch.zeros(1, 1, 201, dtype=torch.float64)
    u[0, 0, 50:75] = 1
    fast = best_of(3, lambda: spikernn.simulate_batch(MODEL, 50.0, u, seed=1, record="out",
                                                      noise="fast"))
    rows.append(("one Go trial, output only, fast noise", fast, theirs))

    work = tempfile.mkdtemp()
    copy = shutil.copy(MODEL, work)
    start = time.perf_counter()
    spikernn.lambda_grid_search(copy, write_to_model=False, progress=False)
    ours = time.perf_counter() - start
    if spiking and args.port_full:
        start = time.perf_counter()
        spiking.lambda_grid_search(work, "go-nogo", 100, FACTORS)
        theirs = time.perf_counter() - start
        label = "12 x 100 grid search (port measured)"
    elif spiking:
        theirs = theirs * len(FACTORS) * 100 / os.cpu_count()
        label = "12 x 100 grid search (port extrapolated)"
    else:
        label = "12 x 100 grid search"
    rows.append((label, ours, theirs))
    shutil.rmtree(work)

    print(f"torch {torch.__version__}, {os.cpu_count()} cores")
    for name, ours, theirs in rows:
        ratio = f"{theirs:9.2f} s  {theirs / ours:6.1f}x" if theirs else "   (port not importable)"
        print(f"{name:45s} spikernn {ours:8.3f} s   port {ratio}")


if __name__ == "__main__":
    main()
