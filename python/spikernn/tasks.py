"""Tasks written in Python: subclass ``Task``, register it, and the grid search and the evaluation
run it on the C++ engine like the built-in tasks (``registered_tasks()`` lists them all).

    class Pulse(spikernn.Task):
        n_inputs, columns, conditions = 1, 201, ("go", "nogo")
        response_onset_step = 5000

        def generate_stimulus(self, condition, rng):
            condition = condition or rng.choice(self.conditions)
            u = np.zeros((1, self.columns))
            if condition == "go":
                u[0, 50:75] = 1
            return spikernn.Trial(u, condition, label=1.0 if condition == "go" else 0.0)

        def evaluate_trial(self, out, trial):
            responded = out[self.response_onset_step:].max() > self.decision_threshold
            return responded == (trial.label > 0)

    spikernn.register_task("pulse", Pulse)
    spikernn.lambda_grid_search("model.mat", task_type="pulse")
"""

from dataclasses import dataclass, field

import numpy as np
import torch

from . import _core, _json


@dataclass
class Trial:
    """One trial: its stimulus (inputs × columns), its condition, the sign of the response a
    correct network gives (+1 or −1; Go-NoGo: 1 Go, 0 NoGo), and task-specific values."""
    u: object
    condition: str
    label: float = 0.0
    inputs: dict = field(default_factory=dict)


class Task:
    """Base of a task written in Python. A subclass sets ``n_inputs``, ``columns`` (stimulus
    columns of a trial, 100 LIF steps each), ``conditions``, ``response_onset_step`` (first LIF
    step scored) and may set ``decision_threshold`` (the level a response crosses) and
    ``graded_inputs`` (keys of ``Trial.inputs`` for psychometric curves); it defines
    ``generate_stimulus(condition, rng)`` (``condition`` is None for a random one, ``rng`` a numpy
    Generator seeded from the run's seed) and ``evaluate_trial(out, trial)`` (``out``: one output
    per LIF step, numpy). ``settings`` holds the task settings of the run over
    ``default_settings()``."""

    n_inputs = 1
    columns = 201
    conditions = ()
    response_onset_step = 0
    decision_threshold = 0.5
    graded_inputs = ()

    def __init__(self, settings=None):
        self.settings = {**self.default_settings(), **(settings or {})}

    def default_settings(self):
        return {}

    def generate_stimulus(self, condition, rng):
        raise NotImplementedError

    def evaluate_trial(self, out, trial):
        raise NotImplementedError

    # Called by the C++ engine (src/python/bind_tasks.cpp).
    def _settings_json(self):
        return _json.dumps(self.settings)

    def _trial(self, condition, seed):
        trial = self.generate_stimulus(condition or None, np.random.default_rng(seed))
        if not isinstance(trial, Trial):
            trial = Trial(*trial)
        u = torch.as_tensor(np.asarray(trial.u, dtype=np.float64))
        return u, str(trial.condition), float(trial.label), {k: float(v) for k, v in
                                                               trial.inputs.items()}

    def _score(self, out, condition, label, inputs):
        return bool(self.evaluate_trial(out.numpy(), Trial(None, condition, label, inputs)))


def register_task(name, task_class):
    """Registers ``task_class`` (a ``Task`` subclass, called with the run's task settings) under
    ``name``, as the port's ``SpikingTaskFactory.register_task`` does."""
    if not (isinstance(task_class, type) and issubclass(task_class, Task)):
        raise TypeError(f"{task_class!r} is not a subclass of spikernn.Task")
    _core.register_python_task(name, lambda settings: task_class(_json.loads(settings)))


def registered_tasks():
    """The names of the built-in tasks and of those registered from Python."""
    return _core.registered_tasks()
