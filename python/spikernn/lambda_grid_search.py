"""The λ grid search, at the port's module path (``spiking.lambda_grid_search``) and with its
command line::

    python -m spikernn.lambda_grid_search --model_dir DIR --task_name go-nogo \\
        --n_trials 100 --scaling_factors 20:76:5

The search runs on spikernn's engine, every core at once, instead of one process per trial."""

import argparse
import os

from . import _core
from ._port_cli import run_main
from .errors import InvalidArgument
from .runs import _run, _settings

def lambda_grid_search(model_path=None, scaling_range=None, n_trials_per_factor=None,
                       task_type=None, parallel=None, *, model_dir=None, task_name=None,
                       n_trials=None, scaling_factors=None, scaling_step=None, task_settings=None,
                       seed=None, batch_size=None, config=None, write_to_model=True,
                       progress=True):
    """Finds the scaling factor λ at which the LIF network performs the task best, and stores
    ``opt_scaling_factor``, ``all_perfs`` and ``scaling_factors`` in each model file searched as
    soon as its search is done (unless ``write_to_model=False``; Ctrl-C during a folder leaves
    the models searched before it written, the others untouched).

    The port's form, ``lambda_grid_search(model_dir, task_name, n_trials, scaling_factors)``
    (positional, or with the keyword ``model_dir``, ``task_name`` or ``n_trials``), prints what
    the port prints and returns the optimum λ as a float. Given a folder of several models it
    searches all of them, where the port stops after the first, and returns a dict of each model
    file's path to its optimum.

    The seed's form, ``lambda_grid_search(model_path, scaling_range=(20, 75),
    n_trials_per_factor=100, task_type='go-nogo', parallel=True)``, returns the search's result
    as a dict (``opt_scaling_factor``, ``best_accuracy``, ``accuracy`` per factor, ...), or a
    list of them for a folder. Settings left out take the C++ library's defaults (the grid 20,
    25, ..., 75 with 100 trials per factor, fast noise, seed 0)."""
    positional_port_form = isinstance(scaling_range, str)
    if positional_port_form:  # (model_dir, task_name, n_trials, scaling_factors)
        model_dir, task_name, n_trials, scaling_factors = (
            model_path, scaling_range, n_trials_per_factor, task_type)
        model_path = scaling_range = n_trials_per_factor = task_type = None
    port_form = positional_port_form or any(
        v is not None for v in (model_dir, task_name, n_trials))
    path = model_dir if model_dir is not None else model_path
    if path is None:
        raise TypeError("lambda_grid_search needs model_path (or the port's model_dir)")
    task = task_name if task_name is not None else task_type
    settings = _settings(
        scaling_range=scaling_range, scaling_step=scaling_step,
        scaling_factors=None if scaling_factors is None else list(scaling_factors),
        n_trials_per_factor=n_trials if n_trials is not None else n_trials_per_factor,
        task_type=task, task_settings=task_settings, parallel=parallel, seed=seed,
        batch_size=batch_size, config=config)
    results = []
    for f in _core.model_files(os.fspath(path)):
        if port_form:
            print(f"Analyzing {os.path.basename(f)} for {task or 'go-nogo'} task")
        results.append(_run(_core.grid_search, f"λ grid search {os.path.basename(f)}", progress,
                            f, settings, write_to_model))
        if port_form:
            _print_like_the_port(results[-1], scaling_factors)
    if port_form:
        optima = {r["model"]: float(r["opt_scaling_factor"]) for r in results}
        return next(iter(optima.values())) if len(optima) == 1 else optima
    return results if len(results) > 1 else results[0]


def _print_like_the_port(result, given_factors):
    # The factors as the caller wrote them (the port prints 20, not 20.0, for parse_range's ints).
    shown = list(given_factors) if given_factors is not None else result["scaling_factors"]
    if len(shown) != len(result["scaling_factors"]):
        shown = result["scaling_factors"]
    for factor, accuracy in zip(shown, result["accuracy"]):
        print(f"Performance for {factor}: {accuracy:.3f}")
    best = result["scaling_factors"].index(result["opt_scaling_factor"])
    print(f"Best scaling factor: {shown[best]}")
    if result["written_to_model"]:
        print("Saved results.")


def evaluate_single_trial(args):
    """The port's one-trial score: ``args`` is ``(model_path, scaling_factor, task_name,
    use_initial_weights, down_sample)``; returns 1 when the LIF network performs a random trial
    of the task (drawn from numpy's global generator, its noise from torch's) correctly, else 0.
    Unlike the port, an error is raised, not counted as a wrong trial."""
    from .conversion import LIF_network_fnc
    from .tasks import SpikingTaskFactory

    model_path, scaling_factor, task_name, use_initial_weights, down_sample = args
    task = SpikingTaskFactory.create_task(task_name)
    trial = task.generate_trial()
    out = LIF_network_fnc(model_path, scaling_factor, trial.u, {"mode": "none"}, down_sample,
                          use_initial_weights, record="out")[5]
    return int(task.evaluate_output(out, trial))


def parse_range(range_str):
    """The port's ``A:B:C`` (or ``A:B``) as the list ``A, A+C, ..., <= B``: ``20:76:5`` is 20,
    25, ..., 75. Raises InvalidArgument (a ValueError) for anything else."""
    try:
        parts = [int(p) for p in str(range_str).split(":")]
    except ValueError:
        parts = []
    if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] <= 0):
        raise InvalidArgument(f"expected 'start:stop:step' or 'start:stop' with integers and a "
                         f"positive step, found '{range_str}'")
    step = parts[2] if len(parts) == 3 else 1
    factors = list(range(parts[0], parts[1] + 1, step))
    if not factors:
        raise InvalidArgument(f"'{range_str}' holds no factor (start > stop)")
    return factors


def _factors(text):
    try:
        return parse_range(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m spikernn.lambda_grid_search",
        description="Find the scaling factor λ of every model of a folder by grid search and "
                    "store it in the model file (the port's command line).")
    parser.add_argument("--model_dir", type=str, required=True)
    parser.add_argument("--task_name", type=str, choices=["go-nogo", "xor", "mante"],
                        required=True)
    parser.add_argument("--n_trials", type=int, default=100)
    parser.add_argument("--scaling_factors", type=_factors, default="20:75:5")
    args = parser.parse_args(argv)
    lambda_grid_search(args.model_dir, args.task_name, args.n_trials, args.scaling_factors)
    return 0


if __name__ == "__main__":
    run_main(main, "spikernn.lambda_grid_search")
