"""A task written in Python runs in the C++ grid search and evaluation: the shipped Go-NoGo model
performs a Go-NoGo task defined here (at λ = 20, not at λ = 60), and its errors reach Python."""

import numpy as np
import pytest

import spikernn


class GoNoGo(spikernn.Task):
    """The built-in Go-NoGo task with its default settings, written in Python."""
    n_inputs, columns, conditions = 1, 201, ("go", "nogo")
    response_onset_step = 10000

    def default_settings(self):
        return {"stim_on": 50, "stim_dur": 25}

    def generate_stimulus(self, condition, rng):
        condition = condition or ("go" if rng.random() < 0.5 else "nogo")
        u = np.zeros((1, self.columns))
        if condition == "go":
            on = self.settings["stim_on"]
            u[0, on:on + self.settings["stim_dur"]] = 1
        return spikernn.Trial(u, condition, label=1.0 if condition == "go" else 0.0)

    def evaluate_trial(self, out, trial):
        peak = out[self.response_onset_step:].max()
        return bool(peak > 0.7) if trial.label > 0 else bool(peak < 0.3)


class WrongShape(GoNoGo):
    def generate_stimulus(self, condition, rng):
        return np.zeros((2, 5)), "go", 1.0


class Failing(GoNoGo):
    def generate_stimulus(self, condition, rng):
        raise ZeroDivisionError("from the task")


def test_a_python_task_runs_in_the_grid_search_and_the_evaluation(model_copy):
    spikernn.register_task("py-go-nogo", GoNoGo)
    assert "py-go-nogo" in spikernn.registered_tasks() and "go-nogo" in spikernn.registered_tasks()
    search, again = (spikernn.lambda_grid_search(model_copy, scaling_factors=[20, 60],
                                                 n_trials_per_factor=12, task_type="py-go-nogo",
                                                 write_to_model=False, progress=False)
                     for _ in range(2))
    assert search["task"] == "py-go-nogo" and search["opt_scaling_factor"] == 20.0
    assert search["accuracy"][0] >= 0.75 and search["accuracy"][0] > search["accuracy"][1]
    assert again["accuracy"] == search["accuracy"]  # the trials come from the run's seed
    result = spikernn.evaluate(model_copy, "py-go-nogo", scaling_factor=20.0, n_trials=16,
                               task_settings={"stim_on": 45}, progress=False)
    assert result["overall_accuracy"] >= 0.75
    assert set(result["condition_accuracy"]) == {"go", "nogo"}


def test_errors_of_a_python_task_reach_the_caller(model_copy):
    spikernn.register_task("py-wrong-shape", WrongShape)
    with pytest.raises(ValueError, match=r"py-wrong-shape.*expected \[1, 201\]"):
        spikernn.evaluate(model_copy, "py-wrong-shape", scaling_factor=20.0, n_trials=2,
                          progress=False)
    spikernn.register_task("py-failing", Failing)
    with pytest.raises(ZeroDivisionError, match="from the task"):
        spikernn.evaluate(model_copy, "py-failing", scaling_factor=20.0, n_trials=2,
                          progress=False)
    with pytest.raises(TypeError):
        spikernn.register_task("not-a-task", dict)


def test_the_ports_task_classes_run_the_engines_tasks():
    go_nogo = spikernn.SpikingTaskFactory.create_task("go_nogo")
    assert isinstance(go_nogo, spikernn.GoNogoSpikingTask)
    assert go_nogo.get_sample_trial_types() == ["go", "nogo"]
    u, trial_type = go_nogo.generate_stimulus("go")
    assert u.shape == (1, 201) and trial_type == "go" and u[0, 50:75].min() == 1 and u.sum() == 25
    trial = go_nogo.generate_trial("nogo")
    assert trial.u.sum() == 0 and trial.label == 0
    out = np.zeros(20000)
    assert go_nogo.evaluate_output(out, trial) and not go_nogo.evaluate_output(
        out, go_nogo.generate_trial("go"))
    xor = spikernn.XORSpikingTask({"delay": 5})
    assert xor.settings["delay"] == 5 and xor.get_default_settings()["delay"] == 10
    np.random.seed(4)
    first = spikernn.ManteSpikingTask().generate_trial()
    np.random.seed(4)
    assert np.array_equal(spikernn.ManteSpikingTask().generate_trial().u, first.u)
    with pytest.raises(spikernn.ConfigError, match="delay"):
        spikernn.XORSpikingTask({"delay": -3})
    spikernn.SpikingTaskFactory.register_task("py-go-nogo-2", GoNoGo)
    assert isinstance(spikernn.SpikingTaskFactory.create_task("py-go-nogo-2"), GoNoGo)
    assert "py-go-nogo-2" in spikernn.SpikingTaskFactory.list_available_tasks()
