"""Settings cross into the C++ library as JSON text: numpy and torch values, paths and tuples are
written as the plain numbers, strings and lists they hold."""

import json
import os


def _plain(value):
    if hasattr(value, "tolist"):  # numpy arrays and scalars, torch tensors
        return value.tolist()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"cannot pass a {type(value).__name__} as a setting")


def dumps(value):
    return json.dumps(value, default=_plain, allow_nan=False)


def loads(text):
    return json.loads(text)
