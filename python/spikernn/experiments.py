"""Trial datasets and their analyses (docs/experiments.md, docs/analysis.md): many trials of every
condition of a task on one converted network, with the spikes as lists, and the neuronal
timescales, Fano factor, cross-temporal decoding and PSTHs of Kim & Sejnowski (2021)."""

import os

from . import _core, _json
from .config import settings_dict
from .runs import _progress


def _dataset(d):
    d["config"] = _json.loads(d["config"])
    return d


def simulate_dataset(model_path, task="go-nogo", trials_per_condition=100, scaling_factor=None,
                     *, task_settings=None, seed=0, batch_size=25, config=None,
                     perturbations=None, output=None, progress=True):
    """Simulates ``trials_per_condition`` trials of every condition of ``task`` at λ
    (``scaling_factor``, else the model's ``opt_scaling_factor``) and returns the dataset as a
    dict of torch tensors and values under the file's variable names (``spike_trial``,
    ``spike_unit``, ``spike_step``, ``condition``, ``conditions``, ``labels``, ``correct``,
    ``out``, ``exc``, ``inh``, ``n_trials``, ``N``, ``n_steps``, ``dt``, ``config``); with
    ``output``, also writes it as MAT v7.3 there. ``config``: network settings (a SpikingConfig
    or dict; fast noise by default); ``perturbations``: the circuit manipulations as a dict
    (``{"scale_synapses": {"ii": 1.3}, "lesion_fraction": {"inh": 0.1}}``)."""
    settings = settings_dict(config)
    if perturbations is not None:
        settings["perturbations"] = perturbations
    update, close = _progress(progress, "dataset")
    try:
        d = _core.simulate_dataset(
            os.path.abspath(os.fspath(model_path)), task, _json.dumps(task_settings or {}),
            _json.integer(trials_per_condition, "trials_per_condition"),
            None if scaling_factor is None else float(scaling_factor),
            _json.seed(seed), _json.integer(batch_size, "batch_size"), _json.dumps(settings),
            "" if output is None else os.fspath(output), update)
    finally:
        close()
    return _dataset(d)


def read_dataset(path):
    """A dataset file (MAT v7.3 or v5, as ``spikernn dataset`` writes it) as
    ``simulate_dataset`` returns one; raises ``FileError`` or ``ModelFormatError`` naming the file
    and the variable that is wrong."""
    return _dataset(_core.read_dataset(os.fspath(path)))


def analyze_dataset(path, *, plots_dir=None, progress=True, **settings):
    """The analyses of a dataset file as a dict (the results of ``spikernn analyze``'s JSON:
    ``timescale_ms_median``, ``fano_factor_mean``, ``decoding_accuracy``, ``timescales``,
    ``fano_factor``, ``decoding``, ``psth``, ...), with figures in ``plots_dir`` when given (their
    files under ``plots``).
    ``settings`` are the analysis settings by their config keys, e.g.
    ``timescale_window=(0, 0.5)``, ``bin=0.05``, ``decoding_folds=5``."""
    if "timescale_window" in settings:
        settings["timescale_window"] = list(settings["timescale_window"])
    update, close = _progress(progress, "analyze")
    try:
        return _json.loads(_core.analyze_dataset(
            os.fspath(path), _json.dumps(settings),
            "" if plots_dir is None else os.fspath(plots_dir), update))
    finally:
        close()
