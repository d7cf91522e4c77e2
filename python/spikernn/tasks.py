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

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np
import torch

from . import _core, _json
from .errors import ConfigError, InvalidArgument


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


class AbstractSpikingTask(ABC):
    """The port's base of a task evaluated on a spiking network (``spiking.tasks``): a subclass
    defines its settings, ``generate_stimulus(trial_type=None)`` returning ``(u, label)``,
    ``evaluate_trial(spiking_rnn, stimulus, label)`` (a dict with ``correct``) and
    ``evaluate_performance(spiking_rnn, n_trials)``, where ``spiking_rnn`` is an
    ``AbstractSpikingRNN`` whose ``simulate(stimulus, stims)`` returns ``(spikes, voltages,
    output, params)``. Registered with ``SpikingTaskFactory.register_task``, it runs in
    ``evaluate_task`` and ``python -m spikernn.eval_tasks`` as in the port."""

    def __init__(self, settings=None):
        self.settings = settings or self.get_default_settings()
        self.validate_settings()

    @abstractmethod
    def get_default_settings(self):
        """The task's settings when none are given."""

    @abstractmethod
    def validate_settings(self):
        """Raises ValueError for settings the task cannot run."""

    @abstractmethod
    def generate_stimulus(self, trial_type=None):
        """``(u, label)`` for a trial of ``trial_type`` (random when None)."""

    @abstractmethod
    def evaluate_trial(self, spiking_rnn, stimulus, label):
        """Simulates one trial on ``spiking_rnn``; a dict with at least ``correct``."""

    @abstractmethod
    def evaluate_performance(self, spiking_rnn, n_trials=100):
        """Accuracy over ``n_trials`` trials, as a dict."""

    def create_plots_directory(self, base_dir):
        plot_dir = os.path.join(base_dir, "plots")
        os.makedirs(plot_dir, exist_ok=True)
        return plot_dir

    def get_sample_trial_types(self):
        return []


class TrialType(str):
    """A trial's condition as ``generate_stimulus`` returns it: the name (``"go"``) that carries
    the whole ``Trial``, so that ``evaluate_trial`` scores it as the engine does."""

    def __new__(cls, trial):
        value = super().__new__(cls, trial.condition)
        value.trial = trial
        return value


def engine_task_settings(task_name, settings):
    """The port's task settings in the engine's keys: ``T`` (trial length) is ``columns``; the
    ``delay`` of the port's Go-NoGo defaults, which no Go-NoGo trial uses, is dropped."""
    settings = dict(settings or {})
    if "T" in settings:
        if "columns" in settings:
            raise ConfigError(f"{task_name} task settings: 'T' and 'columns' both given; they "
                              f"are the same setting (the trial's stimulus columns)")
        settings["columns"] = settings.pop("T")
    if task_name.replace("_", "-") == "go-nogo":
        settings.pop("delay", None)
    return settings


class BuiltinTask(AbstractSpikingTask):
    """A built-in task of the C++ engine with the port's task interface (``GoNogoSpikingTask``,
    ``XORSpikingTask``, ``ManteSpikingTask``): settings validated by the engine's table (the
    port's ``T`` taken for ``columns``), ``generate_stimulus(trial_type=None)`` returning ``(u,
    trial_type)`` with the engine's stimulus, ``evaluate_output(out, trial)`` scoring one output
    per LIF step as the grid search does, and the port's ``evaluate_trial(spiking_rnn, u,
    trial_type)`` and ``evaluate_performance(spiking_rnn, n_trials)`` scored the same way (the
    port's own classes score by other rules, docs/differences.md)."""

    task_name = None
    count_key = "{}_trials"  # the port's name of a condition's trial count in evaluate_performance

    def __init__(self, settings=None, task_name=None):
        self.task_name = task_name or self.task_name
        self._task = _core.make_task(self.task_name,
                                     _json.dumps(engine_task_settings(self.task_name, settings)))
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
        return trial.u, TrialType(trial)

    def evaluate_output(self, out, trial):
        out = torch.as_tensor(np.asarray(out, dtype=np.float64)).ravel()
        return self._task.correct(out, trial.condition, float(trial.label), dict(trial.inputs))

    def evaluate_trial(self, spiking_rnn, stimulus, label):
        """Simulates ``stimulus`` on ``spiking_rnn`` and scores it; ``label`` is the trial type
        ``generate_stimulus`` returned with it (a plain condition name is taken where the
        condition alone decides the answer, as in Go-NoGo and XOR)."""
        trial = getattr(label, "trial", None)
        if trial is None:
            trial = self.generate_trial(str(label))
        trial = Trial(stimulus, trial.condition, trial.label, trial.inputs)
        spikes, voltages, output, params = spiking_rnn.simulate(stimulus, {"mode": "none"})
        return {"stimulus": stimulus, "label": label, "spikes": spikes, "voltages": voltages,
                "output": output, "output_mean": float(np.mean(output)),
                "correct": bool(self.evaluate_output(output, trial)), "params": params}

    def evaluate_performance(self, spiking_rnn, n_trials=100):
        """The port's accuracy over ``n_trials`` random trials on ``spiking_rnn``:
        ``overall_accuracy``, and per condition ``<condition>_accuracy`` and its trial count."""
        counts = {c: [0, 0] for c in self.get_sample_trial_types()}
        for _ in range(n_trials):
            stimulus, label = self.generate_stimulus()
            counts[str(label)][0] += 1
            counts[str(label)][1] += self.evaluate_trial(spiking_rnn, stimulus, label)["correct"]
        result = {"overall_accuracy": sum(c for _, c in counts.values()) / n_trials}
        for condition, (n, correct) in counts.items():
            result[f"{condition}_accuracy"] = correct / n if n else 0
        for condition, (n, _) in counts.items():
            result[self.count_key.format(condition)] = n
        return result


class GoNogoSpikingTask(BuiltinTask):
    task_name = "go-nogo"


class XORSpikingTask(BuiltinTask):
    task_name = "xor"
    count_key = "{}_count"


class ManteSpikingTask(BuiltinTask):
    task_name = "mante"


class SpikingTaskFactory:
    """The port's task factory: the engine's tasks, those registered from Python as
    ``spikernn.Task`` (run on the engine) and the port's ``AbstractSpikingTask`` subclasses."""

    _port_tasks = {}

    @classmethod
    def create_task(cls, task_name, settings=None):
        builtin = {c.task_name: c for c in (GoNogoSpikingTask, XORSpikingTask, ManteSpikingTask)}
        if task_name in cls._port_tasks:
            return cls._port_tasks[task_name](settings)
        if task_name in _python_tasks:
            return _python_tasks[task_name](settings)
        # Any other task of the engine's registry, found by the engine's rules ("go_nogo" too).
        return builtin.get(task_name.replace("_", "-"), BuiltinTask)(settings, task_name)

    @classmethod
    def register_task(cls, task_name, task_class):
        """A ``spikernn.Task`` subclass runs on the engine (grid search, evaluation, datasets);
        an ``AbstractSpikingTask`` subclass runs in Python, as the port runs it. Anything else
        raises InvalidArgument (a ValueError, as the port raises)."""
        if isinstance(task_class, type) and issubclass(task_class, AbstractSpikingTask):
            cls._port_tasks[task_name] = task_class
        elif isinstance(task_class, type) and issubclass(task_class, Task):
            register_task(task_name, task_class)
        else:
            raise InvalidArgument(f"task class {task_class!r} must inherit from "
                                  f"AbstractSpikingTask or spikernn.Task")

    @classmethod
    def list_available_tasks(cls):
        return registered_tasks() + [t for t in cls._port_tasks if t not in registered_tasks()]


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
