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
