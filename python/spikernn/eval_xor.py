"""XOR evaluation at the port's module path (``spiking.eval_xor``) and its command line::

    python -m spikernn.eval_xor --model_dir DIR [--scaling_factor 45]"""

import os

import numpy as np

from . import _port_plots
from ._port_cli import model_parser, run_main
from .conversion import LIF_network_fnc
from .eval_go_nogo import port_single_trials

# The port's eval_xor trial when no settings are given.
_PORT_SETTINGS = {"T": 400, "stim_on": 50, "stim_dur": 50, "delay": 20}


def eval_xor(model_dir="models/xor/", optimal_scaling_factor=None, settings=None):
    """The port's ``eval_xor``: one '++' trial of the first model of ``model_dir`` at
    ``optimal_scaling_factor`` (else the stored ``opt_scaling_factor``), its noise from torch's
    global generator, and the port's figure of its output in ``model_dir/plots``; returns None,
    as the port does. For accuracy over many trials, use ``spikernn.evaluate(path, "xor")``."""
    model, factor, plot_dir, (T, stim_on, stim_dur, delay) = port_single_trials(
        model_dir, optimal_scaling_factor, "Using scaling factor", settings, _PORT_SETTINGS)
    u = np.zeros((2, T))
    u[0, stim_on:stim_on + stim_dur] = 1
    u[1, stim_on + stim_dur + delay:stim_on + 2 * stim_dur + delay] = 1
    print("Running simulation for a single '++' trial...")
    out, params = LIF_network_fnc(model, factor, u, {"mode": "none"}, 1, False)[5:]
    print("...Simulation finished.")
    _port_plots.plot_outputs(_port_plots.step_times(params), [("++ Trial Output", "g", out)],
                             "XOR Network Output",
                             os.path.join(plot_dir, "xor_single_trial_output.png"))
    print("--- Evaluation complete ---")


def main(argv=None):
    parser = model_parser("eval_xor", "One '++' trial of an XOR model's spiking network, with the "
                          "port's figure", "models/xor/")
    args = parser.parse_args(argv)
    eval_xor(model_dir=args.model_dir, optimal_scaling_factor=args.scaling_factor)
    return 0


if __name__ == "__main__":
    run_main(main, "spikernn.eval_xor")
