"""The λ grid search and the evaluation, in the seed's and the port's forms, on every core (or the
GPU). Long calls show a progress bar (tqdm, when it is installed); Ctrl-C stops them between
batches with nothing written and raises KeyboardInterrupt."""

import os
import warnings

from . import _core, _json
from .config import settings_dict


def _progress(progress, description):
    """A callable of (done, total) for the C++ run, and a function that closes what it opened."""
    if callable(progress):
        return progress, lambda: None
    if not progress:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, lambda: None
    bar = tqdm(desc=description, unit="trial", leave=False)

    def update(done, total):
        bar.total = total
        bar.n = done
        bar.refresh()

    return update, bar.close


def _run(function, description, progress, *args):
    update, close = _progress(progress, description)
    try:
        result = _json.loads(function(*args, update))
    finally:
        close()
    for message in result.get("warnings", []):  # what mapping the model warned about
        warnings.warn(message, stacklevel=3)
    return result


def _settings(**values):
    if values.get("config") is not None:
        values["config"] = settings_dict(values["config"])
    return _json.dumps({k: v for k, v in values.items() if v is not None})


def lambda_grid_search(model_path=None, scaling_range=None, n_trials_per_factor=None,
                       task_type=None, parallel=None, *, model_dir=None, task_name=None,
                       n_trials=None, scaling_factors=None, scaling_step=None, task_settings=None,
                       seed=None, batch_size=None, config=None, write_to_model=True,
                       progress=True):
    """Finds the scaling factor λ at which the LIF network performs the task best.

    The seed's form, ``lambda_grid_search(model_path, scaling_range=(20, 75),
    n_trials_per_factor=100, task_type='go-nogo', parallel=True)``, searches one model and
    returns its result as a dict (``opt_scaling_factor``, ``best_accuracy``, ``accuracy`` per
    factor, ...). The port's form, ``lambda_grid_search(model_dir, task_name, n_trials,
    scaling_factors)``, searches every ``.mat`` file of a folder and returns a list of them (so
    does the seed's form given a folder). Either stores ``opt_scaling_factor``, ``all_perfs``
    and ``scaling_factors`` in each model file as soon as its search is done, unless
    ``write_to_model=False``: Ctrl-C during a folder leaves the models searched before it
    written, the others untouched. Settings left out take the C++ library's defaults (the grid
    20, 25, ..., 75 with 100 trials per factor, fast noise, seed 0)."""
    port_form = isinstance(scaling_range, str) or model_dir is not None or task_name is not None
    if isinstance(scaling_range, str):  # positional port form: (model_dir, task_name, n, factors)
        model_dir, task_name, n_trials, scaling_factors = (
            model_path, scaling_range, n_trials_per_factor, task_type)
        scaling_range = n_trials_per_factor = task_type = None
    path = model_dir if model_dir is not None else model_path
    if path is None:
        raise TypeError("lambda_grid_search needs model_path (or the port's model_dir)")
    settings = _settings(
        scaling_range=scaling_range, scaling_step=scaling_step, scaling_factors=scaling_factors,
        n_trials_per_factor=n_trials if n_trials is not None else n_trials_per_factor,
        task_type=task_name if task_name is not None else task_type, task_settings=task_settings,
        parallel=parallel, seed=seed, batch_size=batch_size, config=config)
    files = _core.model_files(os.fspath(path))
    results = [_run(_core.grid_search, f"λ grid search {os.path.basename(f)}", progress, f,
                    settings, write_to_model) for f in files]
    return results if port_form or len(results) > 1 else results[0]


def evaluate(model_path, task="go-nogo", scaling_factor=None, n_trials=None, *,
             task_settings=None, seed=None, batch_size=None, parallel=None, config=None,
             plots_dir=None, progress=True):
    """spikernn's evaluation of one model file: accuracy overall and per condition, response
    times, psychometric curves, firing rates and agreement with the rate network, as a dict.
    ``scaling_factor`` defaults to the model's ``opt_scaling_factor``; figures go to ``plots_dir``
    when it is given."""
    settings = _settings(task=task, scaling_factor=scaling_factor, n_trials=n_trials,
                         task_settings=task_settings, seed=seed, batch_size=batch_size,
                         parallel=parallel, config=config)
    return _run(_core.evaluate, "evaluation", progress, os.fspath(model_path),
                os.fspath(plots_dir) if plots_dir else "", settings)


def evaluate_task(task_name, model_dir, optimal_scaling_factor=None, task_settings=None,
                  save_plots=True, *, n_trials=None, seed=None, config=None, progress=True):
    """The port's ``evaluate_task``: evaluates the model file ``model_dir`` names (or the first
    ``.mat`` of that folder) and returns the metrics as a dict; figures go to ``plots`` beside
    the model when ``save_plots``."""
    settings = _settings(n_trials=n_trials, seed=seed, config=config)
    return _run(_core.evaluate_port_form, f"evaluate {task_name}", progress, task_name,
                os.fspath(model_dir), optimal_scaling_factor, _json.dumps(task_settings or {}),
                bool(save_plots), settings)


def eval_go_nogo(model_path, scaling_factor=50.0, n_trials=100, plot_results=True, *, seed=None,
                 config=None, progress=True):
    """The seed's ``eval_go_nogo``: Go-NoGo metrics as a dict; figures go beside the model, into a
    folder named after it (``go.mat`` → ``go_plots/``) when ``plot_results``."""
    settings = _settings(seed=seed, config=config)
    return _run(_core.eval_go_nogo, "evaluate go-nogo", progress, os.fspath(model_path),
                float(scaling_factor), int(n_trials), bool(plot_results), settings)


def train_rate_rnn(output, task="go-nogo", *, progress=True, **settings):
    """Trains a rate RNN with Dale's principle on ``task`` as the ``rate`` package's
    ``FR_RNN_dale`` and main.py do, and saves it to ``output`` (a ``.mat`` file the port and
    spikernn load, with the LibTorch module beside it as ``.pt``). ``settings`` are the keys of
    ``spikernn train`` (docs/training.md): ``N``, ``P_inh``, ``n_trials``, ``learning_rate``,
    ``seed``, ``task_settings``, .... Returns a dict: ``success`` (the termination rule was
    met), ``trials``, ``eval_accuracy``, ``eval_loss``, ``losses``, ``seconds``, ``settings``.
    Ctrl-C stops it with nothing written."""
    return _run(_core.train_rate_rnn, f"train {task}", progress, os.fspath(output),
                _settings(task=task, **settings))
