"""The port's utilities (``spiking.utils``): model loading, stimulus and scaling-factor checks,
spike formatting, and the port's connectivity masks, LIF parameters and seeding, with its
names, arguments and return values."""

import warnings

import numpy as np
import torch

from .config import SpikingConfig
from .conversion import (check_gpu_availability, format_spike_data, load_rate_model,
                         validate_stimulus)
from .errors import InvalidArgument

__all__ = ["load_rate_model", "create_connectivity_masks", "generate_lif_params",
           "validate_stimulus", "check_gpu_availability", "set_random_seed", "format_spike_data",
           "validate_scaling_factor"]


def create_connectivity_masks(N, P_inh=0.2, som_N=0, apply_dale=True, seed=None):
    """The port's masks, drawn from numpy's global generator as the port draws them (``seed``
    seeds it first): ``(inh, exc, m, som_m)``, with ``inh`` a boolean per unit (rand < P_inh),
    ``exc`` its complement, ``m`` the N × N sign mask (−1 on the rows of inhibitory units) and
    ``som_m`` the mask that removes the connections of the first ``som_N`` inhibitory units to
    the inhibitory units."""
    if seed is not None:
        np.random.seed(seed)
    inh = np.random.rand(N, 1) < (P_inh if apply_dale else 0)
    exc = ~inh
    inh_units = np.flatnonzero(inh)
    m = np.ones((N, N), dtype=np.float32)
    if apply_dale:
        m[inh_units, :] = -1
    som_m = np.ones((N, N), dtype=np.float32)
    if som_N > 0 and apply_dale:
        for unit in inh_units[:som_N]:
            som_m[unit, inh_units] = 0
    return inh.ravel(), exc.ravel(), m, som_m


def generate_lif_params(dt=None, downsample=1):
    """The port's LIF parameters as a dict (``dt`` × ``downsample``, ``tref``, ``tm``,
    ``vreset``, ``vpeak``, ``tr``), from SpikingConfig's defaults."""
    defaults = SpikingConfig()
    return {"dt": (defaults.dt if dt is None else dt) * downsample, "tref": defaults.tref,
            "tm": defaults.tm, "vreset": defaults.vreset, "vpeak": defaults.vpeak,
            "tr": defaults.tr}


def set_random_seed(seed):
    """Seeds numpy's and torch's global generators (and CUDA's), as the port does."""
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def validate_scaling_factor(scaling_factor, valid_range=(1.0, 1000.0)):
    """The port's check: InvalidArgument (a ValueError) when ``scaling_factor`` is not a
    positive number, a warning when it lies outside ``valid_range``; True otherwise."""
    if isinstance(scaling_factor, bool) or not isinstance(scaling_factor, (int, float, np.number)):
        raise InvalidArgument(f"scaling_factor: expected a number, found "
                              f"{type(scaling_factor).__name__}")
    if not scaling_factor > 0:
        raise InvalidArgument(f"scaling_factor: expected a positive number, found "
                              f"{scaling_factor}")
    low, high = valid_range
    if scaling_factor < low or scaling_factor > high:
        warnings.warn(f"Scaling factor {scaling_factor} is outside recommended range "
                      f"{tuple(valid_range)}", stacklevel=2)
    return True
