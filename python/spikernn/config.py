"""``SpikingConfig``: the port's configuration dataclass, whose fields, defaults and validation are
the C++ library's (one table, ``spiking_config_table()``), plus the options spikernn adds: seed,
dtype, engine, noise and clamp_negative_weights."""

from . import _core, _json


def _validated(values):
    return _json.loads(_core.config_json(_json.dumps(values)))


class SpikingConfig:
    """The LIF network's settings as attributes (``N``, ``dt``, ``downsample``, ``scaling_factor``,
    ``tref``, ``tm``, ``vreset``, ``vpeak``, ``tr``, ``use_initial_weights``, ``device``, and
    spikernn's ``seed``, ``dtype``, ``engine``, ``noise``, ``clamp_negative_weights``).

    Every assignment is validated: an unknown name or a bad value raises ``ConfigError`` (a
    ``ValueError``) naming the key, what was expected and what was found."""

    def __init__(self, *values, **fields):
        keys = _core.config_keys()  # the table's order, which is the port's dataclass order
        if len(values) > len(keys):
            raise TypeError(f"SpikingConfig takes at most {len(keys)} positional fields")
        for key, value in zip(keys, values):
            if key in fields:
                raise TypeError(f"SpikingConfig got '{key}' twice")
            fields[key] = value
        object.__setattr__(self, "_values", _validated(fields))

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"SpikingConfig has no field '{name}'")

    def __setattr__(self, name, value):
        object.__setattr__(self, "_values", _validated({**self._values, name: value}))

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._values))

    def __eq__(self, other):
        return isinstance(other, SpikingConfig) and self._values == other._values

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"SpikingConfig({fields})"

    def to_dict(self):
        return dict(self._values)

    @classmethod
    def from_dict(cls, values):
        return cls(**values)

    def to_json(self, **dumps_options):
        import json

        return json.dumps(self._values, **dumps_options)

    @classmethod
    def from_json(cls, text):
        return cls.from_dict(_json.loads(text))


def settings_dict(config):
    """A SpikingConfig, a dict or None as a dict of settings."""
    if config is None:
        return {}
    return config.to_dict() if isinstance(config, SpikingConfig) else dict(config)


def create_default_spiking_config(**kwargs):
    """The port's defaults with ``kwargs`` applied: ``create_default_spiking_config(N=300)``."""
    return SpikingConfig(**kwargs)
