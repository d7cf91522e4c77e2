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
        u = torch.tensor(np.asarray(trial.u, dtype=np.float64))  # a copy: trials outlive buffers
        return u, str(trial.condition), float(trial.label), {k: float(v) for k, v in
                                                               trial.inputs.items()}

    def _score(self, out, condition, label, inputs):
        return bool(self.evaluate_trial(out.numpy(), Trial(None, condition, label, inputs)))


class BuiltinTask:
    """A built-in task of the C++ engine with the port's task interface (``GoNogoSpikingTask``,
    ``XORSpikingTask``, ``ManteSpikingTask``): settings validated by the engine's table,
    ``generate_stimulus(trial_type=None)`` returning ``(u, trial_type)`` with the engine's stimulus,
    ``evaluate_output(out, trial)`` scoring one output per LIF step as the grid search does."""

    task_name = None

    def __init__(self, settings=None, task_name=None):
        self.task_name = task_name or self.task_name
        self._task = _core.make_task(self.task_name, _json.dumps(settings or {}))
        self.settings = _json.loads(self._task.settings_json)

    def get_default_settings(self):
        return _json.loads(_core.make_task(self.task_name, "{}").settings_json)

    def validate_settings(self):
        """Settings are validated when the task is made (ConfigError naming the key)."""

    def get_sample_trial_types(self):
        return list(self._task.conditions)

    def generate_trial(self, trial_type=None, seed=None):
        """A ``Trial`` of ``trial_type`` (a random condition when None); its random parts come
        from ``seed``, or from numpy's global generator (``np.random.seed`` repeats them)."""
        if seed is None:
            seed = int(np.random.randint(0, 2**63 - 1, dtype=np.int64))
        u, condition, label, inputs = self._task.trial(trial_type or "", seed)
        return Trial(u.numpy(), condition, label, inputs)

    def generate_stimulus(self, trial_type=None):
        trial = self.generate_trial(trial_type)
        return trial.u, trial.condition

    def evaluate_output(self, out, trial):
        out = torch.as_tensor(np.asarray(out, dtype=np.float64)).ravel()
        return self._task.correct(out, trial.condition, float(trial.label), dict(trial.inputs))


class GoNogoSpikingTask(BuiltinTask):
    task_name = "go-nogo"


class XORSpikingTask(BuiltinTask):
    task_name = "xor"


class ManteSpikingTask(BuiltinTask):
    task_name = "mante"


class SpikingTaskFactory:
    """The port's task factory over the engine's registry."""

    @classmethod
    def create_task(cls, task_name, settings=None):
        builtin = {c.task_name: c for c in (GoNogoSpikingTask, XORSpikingTask, ManteSpikingTask)}
        if task_name in _python_tasks:
            return _python_tasks[task_name](settings)
        # Any other task of the engine's registry, found by the engine's rules ("go_nogo" too).
        return builtin.get(task_name.replace("_", "-"), BuiltinTask)(settings, task_name)

    @classmethod
    def register_task(cls, task_name, task_class):
        register_task(task_name, task_class)

    @classmethod
    def list_available_tasks(cls):
        return registered_tasks()


_python_tasks = {}


def register_task(name, task_class):
    """Registers ``task_class`` (a ``Task`` subclass, called with the run's task settings) under
    ``name``, as the port's ``SpikingTaskFactory.register_task`` does."""
    if not (isinstance(task_class, type) and issubclass(task_class, Task)):
        raise TypeError(f"{task_class!r} is not a subclass of spikernn.Task")
    _core.register_python_task(name, lambda settings: task_class(_json.loads(settings)))
    _python_tasks[name] = task_class


def registered_tasks():
    """The names of the built-in tasks and of those registered from Python."""
    return _core.registered_tasks()
