"""Go-NoGo evaluation at the port's module path (``spiking.eval_go_nogo``), in the seed's form and
the port's, and the port's command line::

    python -m spikernn.eval_go_nogo --model_dir DIR [--optimal_scaling_factor 50]"""

import os

import numpy as np

from . import _core, _json, _port_plots
from ._port_cli import model_parser, run_main
from .conversion import LIF_network_fnc
from .eval_tasks import model_and_factor
from .runs import _run, _settings

_PORT_MODEL_DIR = "models/go-nogo/P_rec_0.2_Taus_4.0_20.0"
# The port's eval_go_nogo trial when no settings are given (its Go-NoGo task's defaults).
_PORT_SETTINGS = {"T": 201, "stim_on": 30, "stim_dur": 20, "delay": 10}


def eval_go_nogo(model_path=None, scaling_factor=None, n_trials=None, plot_results=None, *,
                 model_dir=None, optimal_scaling_factor=None, settings=None, seed=None,
                 config=None, progress=True):
    """Go-NoGo evaluation in two forms.

    The seed's, ``eval_go_nogo(model_path, scaling_factor=50.0, n_trials=100,
    plot_results=True)`` for a model file: spikernn's metrics as a dict, with figures beside the
    model in a folder named after it (``go.mat`` → ``go_plots/``) when ``plot_results``.

    The port's, ``eval_go_nogo(model_dir=..., optimal_scaling_factor=None, settings=None)``
    (also positional, for a folder): one NoGo and one Go trial of the first model of the folder
    at ``optimal_scaling_factor`` (else the stored ``opt_scaling_factor``), their noise drawn from
    torch's global generator as the port draws it, and the port's three figures in
    ``model_dir/plots``; returns None, as the port does."""
    if model_dir is None and (model_path is None or os.path.isdir(os.fspath(model_path))
                              or optimal_scaling_factor is not None or settings is not None):
        model_dir = _PORT_MODEL_DIR if model_path is None else model_path
    if model_dir is not None:
        factor = optimal_scaling_factor if optimal_scaling_factor is not None else scaling_factor
        return _eval_go_nogo_port_form(os.fspath(model_dir), factor,
                                       settings if settings is not None else n_trials)
    options = _settings(seed=seed, config=config)
    return _run(_core.eval_go_nogo, "evaluate go-nogo", progress, os.fspath(model_path),
                50.0 if scaling_factor is None else float(scaling_factor),
                100 if n_trials is None else _json.integer(n_trials, "n_trials"),
                True if plot_results is None else bool(plot_results), options)


def port_single_trials(model_dir, factor, factor_label, settings, defaults):
    """What the port's eval_go_nogo and eval_xor do before their trials, with its printing: the
    first model of ``model_dir``, λ (``factor`` or the stored one), the ``plots`` folder beside
    the model, and the trial's ``T``, ``stim_on``, ``stim_dur`` and ``delay`` (``settings``, else
    ``defaults``, printed as the port does)."""
    model_path, model, factor = model_and_factor(model_dir, factor, False)
    print(f"Using model file: {model_path}")
    plot_dir = _port_plots.plots_dir(os.path.dirname(model_path))
    print(f"Plots will be saved to: {plot_dir}")
    print(f"{factor_label}: {factor}")
    keys = ("T", "stim_on", "stim_dur", "delay")
    if settings is None:
        print("Using default task settings: " + ", ".join(f"{k}={defaults[k]}" for k in keys))
        settings = defaults
    return model, factor, plot_dir, [int(settings[k]) for k in keys]


def _eval_go_nogo_port_form(model_dir, factor, settings):
    model, factor, plot_dir, (T, stim_on, stim_dur, _) = port_single_trials(
        model_dir, factor, "Optimal scaling factor", settings, _PORT_SETTINGS)
    u_nogo = np.zeros((1, T))
    u_go = np.zeros((1, T))
    u_go[0, stim_on:stim_on + stim_dur] = 1
    trials = {}
    for name, u in (("NoGo", u_nogo), ("Go", u_go)):  # the port's order: its noise draws
        _, _, spk, _, _, out, params = LIF_network_fnc(model, factor, u, {"mode": "none"}, 1,
                                                       False)
        trials[name] = (spk, out)
    t = _port_plots.step_times(params)
    _port_plots.plot_outputs(t, [("NoGo", "m", trials["NoGo"][1]), ("Go", "g", trials["Go"][1])],
                             "Network Output Comparison",
                             os.path.join(plot_dir, "network_output.png"))
    for name in ("NoGo", "Go"):
        _port_plots.plot_raster(t, trials[name][0], model.exc.numpy(),
                                f"{name} Spike Raster (Red: Exc, Blue: Inh)",
                                os.path.join(plot_dir, f"{name.lower()}_spike_raster.png"))
    print("--- Evaluation complete ---")


def main(argv=None):
    parser = model_parser("eval_go_nogo", "One NoGo and one Go trial of a Go-NoGo model's spiking "
                          "network, with the port's figures", _PORT_MODEL_DIR,
                          "--optimal_scaling_factor")
    args = parser.parse_args(argv)
    eval_go_nogo(model_dir=args.model_dir, optimal_scaling_factor=args.optimal_scaling_factor)
    return 0


if __name__ == "__main__":
    run_main(main, "spikernn.eval_go_nogo")
