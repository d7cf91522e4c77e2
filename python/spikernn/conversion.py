"""The port's conversion and simulation functions (``spiking.LIF_network_fnc`` and its utilities)
on spikernn's C++ engine, with the port's names, arguments and return types; and
``simulate_batch`` and ``simulate_factors``, which run many trials at once, at one scaling factor
or at several, and return torch tensors."""

import os

import numpy as np
import torch

from . import _core, _json
from .config import settings_dict

RateModel = _core.RateModel


def load_model(model):
    """A ``RateModel`` from a model file path, from a dict of the model's arrays (what
    ``load_rate_model`` or ``scipy.io.loadmat`` returns), or a ``RateModel`` as it is. Load a model
    once this way to simulate it many times without reading the file again."""
    if isinstance(model, RateModel):
        return model
    if isinstance(model, (str, os.PathLike)):
        return _core.load_model(os.fspath(model))
    if isinstance(model, dict):
        arrays = {}
        for name, value in model.items():
            if name.startswith("__"):
                continue  # scipy's __header__, __version__, __globals__
            if isinstance(value, torch.Tensor):
                arrays[name] = value
                continue
            value = np.asarray(value)
            if value.dtype.kind in "biuf":  # numbers and logicals; strings are not the model's
                arrays[name] = torch.from_numpy(np.ascontiguousarray(value))
        activation = np.asarray(model.get("activation", "sigmoid")).ravel()
        return _core.model_from_arrays(arrays, "",
                                       str(activation[0]) if activation.size else "sigmoid")
    raise TypeError(
        f"a model is a path, a dict of arrays or a RateModel, not {type(model).__name__}")


def load_rate_model(model_path):
    """Every variable of a MAT file (v4, v5 or v7.3) as the port's ``load_rate_model`` returns it: a
    dict of float64 numpy arrays (shaped as scipy.io.loadmat shapes them) and strings; cells and
    structs, which no model variable is, are left out."""
    variables = _core.mat_variables(os.fspath(model_path))
    return {k: v.numpy() if isinstance(v, torch.Tensor) else v for k, v in variables.items()}


def _config_json(config, **fields):
    values = settings_dict(config)
    values.update({k: v for k, v in fields.items() if v is not None})
    return _json.dumps(values)


def _indices(values):
    values = [] if values is None else values
    return [int(x) for x in np.asarray(values, dtype=np.int64).ravel()]


def _record(record):
    return record if isinstance(record, str) else ",".join(record)


def _numpy(tensor):
    # C order, as the port's arrays: the traces are transposed views of time-major storage.
    return None if tensor is None else np.ascontiguousarray(tensor.cpu().numpy())


def _value(tensor):
    """The port's form of td and td0: an array per unit, or a number for one fixed constant."""
    return _numpy(tensor) if tensor.dim() > 0 else tensor.item()


def LIF_network_fnc(model_or_path, scaling_factor, u, stims, downsample, use_initial_weights,
                    *, config=None, record="all"):
    """The port's ``LIF_network_fnc``: maps the rate model onto an LIF network with its weights
    divided by ``scaling_factor`` and simulates stimulus ``u`` (inputs × columns).

    Returns the port's ``(W, REC, spk, rs, all_fr, out, params)``: numpy arrays (``REC``, ``spk``,
    ``rs`` are N × steps, ``out`` has one value per step) and the dict ``params`` (``dt``, ``T``,
    ``nt``, ``w_out``, ``td``, ``td0``, ``IPSCs``). With no ``config`` it draws from torch's global
    generator in float64 on the CPU, so ``torch.manual_seed(s)`` before the call gives the port's
    spikes for seed ``s``. ``config`` (a SpikingConfig or dict) may set the device, dtype, seed,
    engine and noise; ``record`` may leave out traces (``"spk,out"``), which come back as None."""
    model = load_model(model_or_path)
    stims = stims or {}
    r = _core.lif_network_fnc(
        model, float(scaling_factor), torch.as_tensor(u, dtype=torch.float64),
        str(stims.get("mode", "none")), _indices(stims.get("dur")), _indices(stims.get("units")),
        _json.integer(downsample, "downsample"), bool(use_initial_weights), _config_json(config),
        _record(record))
    params = {"dt": r["dt"], "T": r["T"], "nt": r["nt"], "w_out": _numpy(r["w_out"]),
              "td": _value(r["td"]), "td0": _value(r["td0"]), "IPSCs": _numpy(r.get("IPSCs"))}
    out = _numpy(r.get("out"))
    return (_numpy(r.get("W")), _numpy(r.get("REC")), _numpy(r.get("spk")), _numpy(r.get("rs")),
            _numpy(r.get("all_fr")), None if out is None else out.ravel(), params)


def simulate_batch(model, scaling_factor, u_batch, seed=None, record=("spk", "out"), noise=None,
                   device=None, *, config=None):
    """Simulates a batch of trials at once: ``u_batch`` is B × inputs × columns. Returns a dict
    of torch tensors with a leading batch dimension (``spk`` is B × N × steps): the traces
    ``record`` names (any of W, REC, spk, rs, all_fr, out, IPSCs, or "all"), and the run's
    ``w_out``, ``td``, ``td0``, ``dt``, ``T``, ``nt``, ``scaling_factor`` and ``seed``. ``seed``
    makes the run reproducible (with no seed, noise "torch" draws from torch's global
    generator); ``noise`` is "torch" (the port's streams) or "fast"; ``device`` "cpu", "cuda" or
    "cuda:I"; ``config`` a SpikingConfig or dict of further settings."""
    return simulate_factors(model, [scaling_factor], u_batch, seed, record, noise, device,
                            config=config)[0]


def simulate_factors(model, scaling_factors, u_batch, seed=None, record=("spk", "out"),
                     noise=None, device=None, *, config=None):
    """``simulate_batch`` at each of ``scaling_factors``, with the same trials and noise for
    every factor: a list of dicts, the k-th equal to ``simulate_batch`` at the k-th factor with
    the same seed. With the fast noise all the factors run together (on a GPU in one kernel
    launch)."""
    model = load_model(model)
    u = torch.as_tensor(u_batch, dtype=torch.float64)
    factors = [float(f) for f in scaling_factors]
    settings = _config_json(config, scaling_factor=factors[0] if factors else None, noise=noise,
                            device=device)
    return _core.simulate_factors(model, u, factors, settings, _record(record), _json.seed(seed))


def format_spike_data(spikes, dt):
    """The port's ``format_spike_data``: spike times (s) and neuron of each spike, firing rates
    (Hz) and total spikes of an N × steps spike matrix, plus the active neurons."""
    d = _core.format_spike_data(torch.as_tensor(np.asarray(spikes), dtype=torch.float64), float(dt))
    return {k: v.numpy() if isinstance(v, torch.Tensor) else v for k, v in d.items()}


def validate_stimulus(u, task_type="go-nogo"):
    """The port's check of a stimulus (inputs × columns) for a task; raises ValueError
    (``InvalidArgument``) naming what is wrong, returns True otherwise."""
    return _core.validate_stimulus(torch.as_tensor(np.asarray(u), dtype=torch.float64), task_type)


def check_gpu_availability():
    """``(True, device name)`` when a CUDA GPU is usable, else ``(False, "CPU")``."""
    return _core.check_gpu_availability()
