"""The port's configuration and base classes (``spiking.abstract``): ``SpikingConfig`` (spikernn's,
validated by the C++ table), the abstract bases a user's own spiking network, converter or
evaluator derives from, and the port's factory of spiking networks."""

from abc import ABC, abstractmethod

from . import _core, _json
from .config import SpikingConfig, create_default_spiking_config
from .errors import InvalidArgument

__all__ = ["SpikingConfig", "create_default_spiking_config", "validate_spiking_config",
           "AbstractSpikingRNN", "AbstractSpikingConverter", "AbstractSpikingEvaluator",
           "SpikingRNNFactory"]


def validate_spiking_config(config):
    """Raises ConfigError (a ValueError, as the port raises) naming the field when ``config``
    (a SpikingConfig, the port's dataclass or any object with its fields, or a dict) holds a
    value the LIF network cannot run: N, dt, tm, tr or the scaling factor not positive,
    downsample below 1, tref negative, vpeak not above vreset. Returns None."""
    if isinstance(config, SpikingConfig):
        values = config.to_dict()
    elif isinstance(config, dict):
        values = dict(config)
    else:
        values = {k: getattr(config, k) for k in _core.config_keys() if hasattr(config, k)}
    _core.config_json(_json.dumps(values))


class AbstractSpikingRNN(ABC):
    """The port's base of a spiking RNN: built from a SpikingConfig (``config``, ``N`` and
    ``device`` set from it); a subclass loads rate weights, initialises its LIF parameters,
    simulates a stimulus (returning ``(spikes, voltages, output, params)``) and computes firing
    rates."""

    def __init__(self, config):
        import torch

        self.config = config
        self.N = config.N
        self.device = torch.device(config.device)

    @abstractmethod
    def load_rate_weights(self, model_path):
        """Loads the weights of a trained rate RNN."""

    @abstractmethod
    def initialize_lif_params(self):
        """Sets the LIF parameters."""

    @abstractmethod
    def simulate(self, stimulus, stims):
        """``(spikes, voltages, output, params)`` of one trial."""

    @abstractmethod
    def compute_firing_rates(self, spikes):
        """Firing rates of a spike matrix."""


class AbstractSpikingConverter(ABC):
    """The port's base of a rate-to-spike converter."""

    @abstractmethod
    def convert(self, rate_model_path, config):
        """An AbstractSpikingRNN made from the rate model."""

    @abstractmethod
    def optimize_scaling_factor(self, rate_model_path, task_type, n_trials=100):
        """The scaling factor λ that performs ``task_type`` best."""


class AbstractSpikingEvaluator(ABC):
    """The port's base of an evaluator of spiking networks."""

    @abstractmethod
    def evaluate_task_performance(self, spiking_rnn, task_type, n_trials=100):
        """Metrics of ``spiking_rnn`` on ``task_type``."""

    @abstractmethod
    def compare_with_rate_model(self, spiking_rnn, rate_model_path):
        """The spiking network beside its rate network."""

    @abstractmethod
    def analyze_spike_dynamics(self, spikes, dt):
        """Statistics of a spike matrix."""


class SpikingRNNFactory:
    """The port's registry of spiking RNN classes by name."""

    _registry = {}

    @classmethod
    def register(cls, name, spiking_rnn_class):
        cls._registry[name] = spiking_rnn_class

    @classmethod
    def create(cls, name, config, **kwargs):
        """An instance of the class registered as ``name``; InvalidArgument (a ValueError)
        listing the registered names otherwise."""
        if name not in cls._registry:
            raise InvalidArgument(f"Spiking RNN '{name}' not found. Available types: "
                                  f"{list(cls._registry)}")
        return cls._registry[name](config, **kwargs)

    @classmethod
    def list_available(cls):
        return list(cls._registry)
