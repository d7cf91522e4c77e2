"""spikernn: trained rate RNNs converted into leaky integrate-and-fire spiking RNNs (Kim, Li &
Sejnowski, PNAS 2019) on a C++ engine; a drop-in for the PyTorch port's ``spiking`` package.

    >>> import numpy as np
    >>> from spikernn import LIF_network_fnc
    >>> u = np.zeros((1, 201)); u[0, 30:50] = 1
    >>> W, REC, spk, rs, all_fr, out, params = LIF_network_fnc(
    ...     "models/go_nogo_N200_taus4-20_sigmoid.mat", 20.0, u, {"mode": "none"},
    ...     downsample=1, use_initial_weights=False)
"""

import warnings

import torch  # loads the LibTorch that spikernn._core runs on

from . import _core
from .abstract import (AbstractSpikingConverter, AbstractSpikingEvaluator, AbstractSpikingRNN,
                       SpikingRNNFactory, validate_spiking_config)
from .config import SpikingConfig, create_default_spiking_config
from .conversion import (RateModel, check_gpu_availability, format_spike_data, load_model,
                         load_rate_model, simulate_batch, simulate_factors, validate_stimulus)
from .errors import (ConfigError, FileError, FileNotFoundError, InvalidArgument,
                     ModelFormatError, SpikernnError)
from .experiments import analyze_dataset, read_dataset, simulate_dataset
from .runs import evaluate, train_rate_rnn
from .tasks import (AbstractSpikingTask, GoNogoSpikingTask, ManteSpikingTask, SpikingTaskFactory,
                    Task, Trial, XORSpikingTask, register_task, registered_tasks)
from .utils import (create_connectivity_masks, generate_lif_params, set_random_seed,
                    validate_scaling_factor)

# The port's module paths (``from spikernn.eval_tasks import evaluate_task``). Three of them are
# named after the function they hold, which the package exports in their place, as the port's
# __init__ does; so `python -m spikernn.lambda_grid_search` finds its module imported already,
# which runpy would warn about although the module has no side effects to repeat.
warnings.filterwarnings("ignore", message=r"'spikernn\.\w+' found in sys.modules",
                        category=RuntimeWarning, module="runpy")
from .LIF_network_fnc import LIF_network_fnc  # noqa: E402
from .eval_go_nogo import eval_go_nogo  # noqa: E402
from .eval_tasks import evaluate_task  # noqa: E402
from .eval_xor import eval_xor  # noqa: E402
from .lambda_grid_search import lambda_grid_search  # noqa: E402

__version__ = _core.version()

__all__ = [
    "LIF_network_fnc", "lambda_grid_search", "evaluate_task", "eval_go_nogo", "eval_xor",
    "evaluate", "simulate_batch", "simulate_factors", "load_rate_model", "load_model",
    "RateModel", "format_spike_data", "validate_stimulus", "check_gpu_availability",
    "create_connectivity_masks", "generate_lif_params", "set_random_seed",
    "validate_scaling_factor", "SpikingConfig", "create_default_spiking_config",
    "validate_spiking_config", "AbstractSpikingRNN", "AbstractSpikingConverter",
    "AbstractSpikingEvaluator", "SpikingRNNFactory", "AbstractSpikingTask", "Task", "Trial",
    "register_task", "registered_tasks", "SpikernnError", "FileError", "ModelFormatError",
    "ConfigError", "InvalidArgument", "train_rate_rnn", "GoNogoSpikingTask", "XORSpikingTask",
    "ManteSpikingTask", "SpikingTaskFactory", "simulate_dataset", "read_dataset",
    "analyze_dataset",
]
