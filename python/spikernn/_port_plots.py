"""The figures the port's ``eval_go_nogo`` and ``eval_xor`` save, drawn with matplotlib (imported
only when a figure is drawn; without it, ``ImportError`` says how to get it)."""

import os

import numpy as np


def _pyplot():
    try:
        import matplotlib
    except ImportError as e:
        raise ImportError("the port's figures need matplotlib (pip install matplotlib, or "
                          "Debian's python3-matplotlib); pass no plots to run without") from e
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def step_times(params):
    """The port's time axis: dt, 2 dt, ..., nt dt (s)."""
    return np.arange(1, params["nt"] + 1) * params["dt"]


def plot_outputs(t, curves, title, path):
    """``curves``: (label, matplotlib format, output per step)."""
    plt = _pyplot()
    plt.figure(figsize=(10, 6))
    for label, style, out in curves:
        plt.plot(t, np.ravel(out), style, linewidth=2, label=label)
    plt.xlabel("Time (s)")
    plt.ylabel("Network Output")
    plt.legend()
    plt.title(title)
    plt.tight_layout()
    plt.savefig(path)
    plt.close()
    print(f"Saved network output plot: {path}")


def plot_raster(t, spk, exc, title, path):
    """Excitatory units first (red), then inhibitory (blue), from the 10th step on as the port
    draws them."""
    plt = _pyplot()
    exc = np.ravel(exc).astype(bool)
    order = np.concatenate((np.flatnonzero(exc), np.flatnonzero(~exc)))
    plt.figure(figsize=(8, 6))
    for row, unit in enumerate(order):
        steps = np.flatnonzero(spk[unit, 9:] > 0) + 9
        if steps.size:
            plt.plot(t[steps], np.full(steps.size, row), "r." if exc[unit] else "b.",
                     markersize=8)
    plt.xlim([0, 1])
    plt.ylim([-5, len(order) + 5])
    plt.xlabel("Time (s)")
    plt.ylabel("Neuron Index")
    plt.title(title)
    plt.tight_layout()
    plt.savefig(path)
    plt.close()
    print(f"Saved {title.split(' (')[0]}: {path}")


def plots_dir(model_dir):
    path = os.path.join(model_dir, "plots")
    os.makedirs(path, exist_ok=True)
    return path
