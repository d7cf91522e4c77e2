#!/usr/bin/env python3
"""Run spikernn's benchmark workloads and the same ones through the PyTorch port, side by side.

The port's side needs its `spiking` package importable (e.g. PYTHONPATH=/path/to/spikeRNN) and
runs with /usr/bin/python3 (Debian's python3-torch); without it only spikernn's side is printed.
The port's single trial is measured; its grid search (12 x 100 trials) and 100 Mante trials are
measured with --port-full (about an hour here) and otherwise extrapolated from one trial each,
spread over the cores as its multiprocessing pool does.

    /usr/bin/python3 bench/compare_with_port.py [--build build] [--port-full]
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, 'models', 'go_nogo_N200_taus4-20_sigmoid.mat')


def spikernn(build, workload, **options):
    exe = os.path.join(ROOT, build, 'bench', 'spikernn_bench')
    args = [exe, '--workload', workload]
    for key, value in options.items():
        args += ['--' + key, str(value)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def port_trial(u, repeat=3):
    """Best time of the port's LIF_network_fnc on u at λ = 50 (model loading included). For
    several inputs, the Go-NoGo model's input weights are repeated (timing only), as spikernn's
    Mante workload does."""
    import numpy as np
    import scipy.io as sio
    import torch
    from spiking import LIF_network_fnc
    best = float('inf')
    for i in range(repeat):
        torch.manual_seed(i)
        start = time.perf_counter()
        model = MODEL
        if u.shape[0] > 1:
            model = sio.loadmat(MODEL)
            model['w_in'] = np.tile(model['w_in'], (1, u.shape[0]))
        LIF_network_fnc(model, 50.0, u, {'mode': 'none'}, 1, False)
        best = min(best, time.perf_counter() - start)
    return best


def port_grid_search():
    import shutil
    import tempfile
    from spiking.lambda_grid_search import lambda_grid_search
    folder = tempfile.mkdtemp()
    shutil.copy(MODEL, folder)
    start = time.perf_counter()
    lambda_grid_search(folder, 'go-nogo', 100, list(range(20, 76, 5)))
    return time.perf_counter() - start


def port_training(trials_to_run=10, eval_forwards=10):
    """The rate package's training of the Go-NoGo network (N = 200, its main.py settings), timed
    per Adam step and per evaluation forward pass, and extrapolated to `trials` trials with an
    evaluation of 100 trials every 100 (as its main.py runs them)."""
    import numpy as np
    import torch
    import spiking
    rate_dir = os.path.join(os.path.dirname(os.path.dirname(spiking.__file__)), 'rate')
    sys.path.insert(0, rate_dir)
    from model import FR_RNN_dale, loss_op  # the rate package's own modules
    from tasks import TaskFactory
    settings = {'T': 200, 'stim_on': 50, 'stim_dur': 25, 'DeltaT': 1, 'taus': [4, 20],
                'task': 'go-nogo'}
    params = {'learning_rate': 0.01, 'activation': 'sigmoid', 'loss_fn': 'l2'}
    N = 200
    net = FR_RNN_dale(N, 0.2, 0.2, np.float32(np.random.randn(N, 1)), 0, 'gaus', 1.5, True,
                      np.float32(np.random.randn(1, N) / 100), torch.device('cpu'))
    optimizer = torch.optim.Adam(net.parameters(), lr=params['learning_rate'])
    task = TaskFactory.create_task('go_nogo', settings)
    start = time.perf_counter()
    for _ in range(trials_to_run):
        optimizer.zero_grad()
        u, target, _ = task.simulate_trial()
        o = net.forward(torch.tensor(u, dtype=torch.float32), settings['taus'], params,
                        settings)[3]
        loss_op(o, target, params).backward()
        optimizer.step()
    per_trial = (time.perf_counter() - start) / trials_to_run
    start = time.perf_counter()
    with torch.no_grad():
        for _ in range(eval_forwards):
            u, _, _ = task.simulate_trial()
            net.forward(torch.tensor(u, dtype=torch.float32), settings['taus'], params, settings)
    per_eval = (time.perf_counter() - start) / eval_forwards
    return lambda trials: trials * per_trial + (trials // 100 + 1) * 100 * per_eval


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--build', default='build')
    parser.add_argument('--port-full', action='store_true')
    args = parser.parse_args()
    try:
        import numpy as np
        import spiking  # noqa: F401
        have_port = True
    except ImportError as e:
        print(f'PyTorch port not importable ({e}); printing spikernn only', file=sys.stderr)
        have_port = False

    cores = os.cpu_count() or 1
    rows = []
    go = None
    if have_port:
        go = np.zeros((1, 201))
        go[0, 50:75] = 1
        port_single = port_trial(go)
        mante = np.zeros((4, 501))
        mante[0, 50:250], mante[1, 50:250] = 1, 0.5
        port_mante = port_trial(mante, repeat=1) * 100 / cores
        port_grid = port_grid_search() if args.port_full else port_single * 1200 / cores
    else:
        port_single = port_mante = port_grid = None
    note = '' if args.port_full else ' (port extrapolated)'
    rows.append(('single Go trial, all traces, parity', port_single,
                 spikernn(args.build, 'single')))
    rows.append(('single Go trial, output only, parity', port_single,
                 spikernn(args.build, 'single-out')))
    rows.append(('single Go trial, output only, fast noise', port_single,
                 spikernn(args.build, 'single-out', noise='fast')))
    rows.append(('grid search 12 x 100, parity noise' + note, port_grid,
                 spikernn(args.build, 'grid', repeat=1)))
    rows.append(('grid search 12 x 100, fast noise' + note, port_grid,
                 spikernn(args.build, 'grid', repeat=1, noise='fast')))
    rows.append(('100 Mante trials, parity noise' + note, port_mante,
                 spikernn(args.build, 'mante', repeat=1)))
    for n in (200, 1000, 4000):
        rows.append((f'one trial, N = {n}, fast noise', None,
                     spikernn(args.build, 'scale', N=n, repeat=1, noise='fast')))
    train = spikernn(args.build, 'train', repeat=1)
    port_train = port_training()(train['trials']) if have_port else None
    rows.append((f'train Go-NoGo rate RNN, {train["trials"]} trials (port extrapolated)',
                 port_train, train))

    print(f'{"workload":58} {"port (s)":>9} {"spikernn (s)":>12} {"ratio":>7} {"peak MB":>8}')
    for name, port, ours in rows:
        ratio = f'{port / ours["seconds"]:.0f}x' if port else '-'
        port_text = f'{port:9.2f}' if port else f'{"-":>9}'
        print(f'{name:58} {port_text} {ours["seconds"]:12.3f} {ratio:>7} '
              f'{ours["peak_rss_mb"]:8.0f}')


if __name__ == '__main__':
    main()
