"""Settings cross into the C++ library as JSON text: numpy and torch values, paths and tuples are
written as the plain numbers, strings and lists they hold. A value JSON cannot hold (NaN, ±inf)
and a seed out of range are refused here, naming the setting."""

import json
import math
import numbers
import os

from .errors import ConfigError, InvalidArgument

_MAX_SEED = 2**64 - 1


def _plain(value):
    if hasattr(value, "tolist"):  # numpy arrays and scalars, torch tensors
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"cannot pass a {type(value).__name__} as a setting")


def _check_finite(value, key):
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"setting '{key}': expected a finite number, found {value}")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_finite(v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_finite(v, f"{key}[{i}]")


def dumps(value):
    plain = json.loads(json.dumps(value, default=_plain))  # numpy and torch values as numbers
    _check_finite(plain, "")
    return json.dumps(plain, allow_nan=False)


def loads(text):
    return json.loads(text)


def integer(value, name, low=None, high=None):
    """``value`` as an int (None stays None), at least ``low`` and at most ``high`` where given;
    InvalidArgument naming ``name`` for anything else (12.5, True, -1 for a seed) rather than a
    truncated or wrapped number."""
    if value is None:
        return None
    whole = not isinstance(value, bool) and isinstance(value, numbers.Integral)
    if not whole or (low is not None and value < low) or (high is not None and value > high):
        bounds = {(True, True): f" from {low} to {high}", (True, False): f" >= {low}",
                  (False, True): f" <= {high}", (False, False): ""}[low is not None,
                                                                      high is not None]
        raise InvalidArgument(f"{name}: expected an integer{bounds}, found {value!r}")
    return int(value)


def seed(value, name="seed"):
    """``value`` as a seed (an integer from 0 to 2^64 - 1) or None."""
    return integer(value, name, 0, _MAX_SEED)
