"""spikernn: trained rate RNNs converted into leaky integrate-and-fire spiking RNNs (Kim, Li &
Sejnowski, PNAS 2019) on a C++ engine; a drop-in for the PyTorch port's ``spiking`` package.

    >>> import numpy as np
    >>> from spikernn import LIF_network_fnc
    >>> u = np.zeros((1, 201)); u[0, 30:50] = 1
    >>> W, REC, spk, rs, all_fr, out, params = LIF_network_fnc(
    ...     "models/go_nogo_N200_taus4-20_sigmoid.mat", 20.0, u, {"mode": "none"},
    ...     downsample=1, use_initial_weights=False)
"""

import torch  # loads the LibTorch that spikernn._core runs on

from . import _core
from .config import SpikingConfig, create_default_spiking_config
from .conversion import (LIF_network_fnc, RateModel, check_gpu_availability, format_spike_data,
                         load_model, load_rate_model, simulate_batch, simulate_factors,
                         validate_stimulus)
from .errors import (ConfigError, FileError, FileNotFoundError, InvalidArgument,
                     ModelFormatError, SpikernnError)
from .experiments import analyze_dataset, read_dataset, simulate_dataset
from .runs import eval_go_nogo, evaluate, evaluate_task, lambda_grid_search, train_rate_rnn
from .tasks import (GoNogoSpikingTask, ManteSpikingTask, SpikingTaskFactory, Task, Trial,
                    XORSpikingTask, register_task, registered_tasks)

__version__ = _core.version()

__all__ = [
    "LIF_network_fnc", "lambda_grid_search", "evaluate_task", "eval_go_nogo", "evaluate",
    "simulate_batch", "simulate_factors", "load_rate_model", "load_model", "RateModel",
    "format_spike_data", "validate_stimulus", "check_gpu_availability", "SpikingConfig",
    "create_default_spiking_config", "Task", "Trial", "register_task", "registered_tasks",
    "SpikernnError", "FileError", "ModelFormatError", "ConfigError",
    "InvalidArgument", "train_rate_rnn", "GoNogoSpikingTask", "XORSpikingTask", "ManteSpikingTask",
    "SpikingTaskFactory", "simulate_dataset", "read_dataset", "analyze_dataset",
]
