"""The port's clients with `spiking` renamed `spikernn` and nothing else: its module paths and
names, its command lines (`python -m spikernn.lambda_grid_search`, `eval_tasks`, `eval_go_nogo`,
`eval_xor`) with their flags, output, model-file writes and errors, and the walk through its
tutorial (examples/python/port_tutorial.py)."""

import importlib
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

import spikernn
from conftest import GO_NOGO, ROOT

XOR = os.path.join(ROOT, "models", "xor_N200_taus4-20_sigmoid.mat")

# Every module of the port's `spiking` package and the names it defines there.
PORT_NAMES = {
    "LIF_network_fnc": ["LIF_network_fnc"],
    "lambda_grid_search": ["lambda_grid_search", "evaluate_single_trial", "parse_range"],
    "eval_tasks": ["evaluate_task", "load_model_and_scaling_factor", "LIFNetworkAdapter", "main"],
    "eval_go_nogo": ["eval_go_nogo"],
    "eval_xor": ["eval_xor"],
    "utils": ["load_rate_model", "create_connectivity_masks", "generate_lif_params",
              "validate_stimulus", "check_gpu_availability", "set_random_seed",
              "format_spike_data", "validate_scaling_factor"],
    "abstract": ["SpikingConfig", "AbstractSpikingRNN", "AbstractSpikingConverter",
                 "AbstractSpikingEvaluator", "SpikingRNNFactory", "validate_spiking_config",
                 "create_default_spiking_config"],
    "tasks": ["AbstractSpikingTask", "GoNogoSpikingTask", "XORSpikingTask", "ManteSpikingTask",
              "SpikingTaskFactory"],
}
PACKAGE_NAMES = ["LIF_network_fnc", "lambda_grid_search", "evaluate_task", "load_rate_model",
                 "create_connectivity_masks", "generate_lif_params", "validate_stimulus",
                 "AbstractSpikingRNN", "AbstractSpikingConverter", "AbstractSpikingEvaluator",
                 "SpikingConfig", "SpikingRNNFactory", "create_default_spiking_config",
                 "AbstractSpikingTask", "GoNogoSpikingTask", "XORSpikingTask",
                 "ManteSpikingTask", "SpikingTaskFactory"]


def folder_with(tmp_path, model, name="model.mat"):
    folder = tmp_path / "models"
    folder.mkdir(exist_ok=True)
    shutil.copy(model, folder / name)
    os.chmod(folder / name, 0o644)
    return folder


def run_module(module, *args, cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-m", f"spikernn.{module}", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.mark.parametrize("module", sorted(PORT_NAMES))
def test_every_module_path_of_the_port_holds_its_names(module):
    loaded = importlib.import_module(f"spikernn.{module}")
    for name in PORT_NAMES[module]:
        assert hasattr(loaded, name), f"spikernn.{module}.{name}"
    for name in PACKAGE_NAMES:
        assert name in spikernn.__all__ and hasattr(spikernn, name)
    # Importing a module named after its function leaves the package's function callable.
    assert callable(spikernn.LIF_network_fnc) and callable(spikernn.lambda_grid_search)
    assert callable(spikernn.eval_go_nogo) and callable(spikernn.eval_xor)


def test_the_grid_search_command_line_prints_and_writes_what_the_port_does(tmp_path):
    folder = folder_with(tmp_path, GO_NOGO)
    done = run_module("lambda_grid_search", "--model_dir", folder, "--task_name", "go-nogo",
                      "--n_trials", 10, "--scaling_factors", "20:65:45")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Analyzing model.mat for go-nogo task"
    assert lines[1].startswith("Performance for 20: ") and lines[2].startswith("Performance for 65")
    assert float(lines[1].rsplit(" ", 1)[1]) >= 0.9  # λ = 20 performs Go-NoGo, 65 does not
    assert lines[3:] == ["Best scaling factor: 20", "Saved results."]
    stored = spikernn.load_rate_model(folder / "model.mat")
    assert stored["opt_scaling_factor"].item() == 20
    np.testing.assert_array_equal(stored["scaling_factors"].ravel(), [20, 65])
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args, message", [
    (["--scaling_factors", "20:x"], "argument --scaling_factors: expected 'start:stop:step'"),
    (["--scaling_factors", "70:20:5"], "'70:20:5' holds no factor"),
    (["--task_name", "dms"], "argument --task_name: invalid choice: 'dms'"),
    (["--n_trials", "0"], "spikernn.lambda_grid_search: error: trials per factor: expected >= 1"),
    (["--model_dir", "nowhere"], "spikernn.lambda_grid_search: error: 'nowhere': no such file"),
])
def test_the_grid_search_command_line_refuses_bad_input(tmp_path, args, message):
    folder = folder_with(tmp_path, GO_NOGO)
    before = (folder / "model.mat").read_bytes()
    flags = {"--model_dir": str(folder), "--task_name": "go-nogo", "--n_trials": "4"}
    flags.update(dict(zip(args[::2], args[1::2])))
    done = run_module("lambda_grid_search", *[x for kv in flags.items() for x in kv])
    assert done.returncode != 0 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (folder / "model.mat").read_bytes() == before


def test_the_evaluation_command_line_with_a_given_and_a_stored_factor(tmp_path):
    folder = folder_with(tmp_path, GO_NOGO)
    done = run_module("eval_tasks", "--task", "go_nogo", "--model_dir", folder,
                      "--scaling_factor", 20, "--no_plots", "--n_trials", 20)
    assert done.returncode == 0, done.stderr
    assert f"Using model file: {folder / 'model.mat'}" in done.stdout
    assert "Using provided scaling factor: 20.0" in done.stdout
    accuracy = [x for x in done.stdout.splitlines() if x.startswith("Accuracy: ")][0]
    assert float(accuracy.split()[1]) >= 0.9 and "over 20 trials at λ = 20.0" in accuracy
    assert "✓ Evaluation completed successfully!" in done.stdout
    assert not (folder / "plots").exists()

    missing = run_module("eval_tasks", "--task", "go_nogo", "--model_dir", folder)
    assert missing.returncode == 1
    assert "variable 'opt_scaling_factor' not found" in missing.stderr
    spikernn.lambda_grid_search(str(folder), "go-nogo", 8, [20, 65], progress=False)
    stored = run_module("eval_tasks", "--task", "go_nogo", "--model_dir", folder, "--n_trials", 8,
                        "--T", 201, "--stim_on", 50)
    assert stored.returncode == 0, stored.stderr
    assert "Using scaling factor from model: 20.0" in stored.stdout
    assert sorted(os.listdir(folder / "plots"))  # the evaluation's figures beside the model
    bad = run_module("eval_tasks", "--task", "go_nogo", "--model_dir", folder, "--T", 10)
    assert bad.returncode == 1 and "columns 10" in bad.stderr, bad.stderr


def test_evaluate_task_returns_the_metrics_and_the_ports_sample_trial(tmp_path):
    folder = folder_with(tmp_path, GO_NOGO)
    from spikernn.eval_tasks import evaluate_task
    performance = evaluate_task(task_name="go_nogo", model_dir=str(folder),
                                optimal_scaling_factor=20.0, save_plots=False, n_trials=10,
                                progress=False)
    assert performance["overall_accuracy"] >= 0.9 and performance["n_trials"] == 10
    assert performance["go_trials"] + performance["nogo_trials"] == 10
    assert performance["label"] in ("go", "nogo") and isinstance(performance["correct"], bool)
    assert performance["spikes"].shape == (200, 20000) and performance["output"].shape == (20000,)
    assert performance["params"]["nt"] == 20000


def test_the_ports_go_nogo_and_xor_commands_draw_their_figures(tmp_path):
    pytest.importorskip("matplotlib", reason="the port's figures are drawn with matplotlib")
    go = folder_with(tmp_path, GO_NOGO)
    done = run_module("eval_go_nogo", "--model_dir", go, "--optimal_scaling_factor", 20)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "--- Evaluation complete ---"
    for figure in ("network_output.png", "nogo_spike_raster.png", "go_spike_raster.png"):
        assert (go / "plots" / figure).stat().st_size > 10000
    (tmp_path / "x").mkdir()
    xor = folder_with(tmp_path / "x", XOR)
    done = run_module("eval_xor", "--model_dir", xor, "--scaling_factor", 45)
    assert done.returncode == 0, done.stderr
    assert "Running simulation for a single '++' trial..." in done.stdout
    assert (xor / "plots" / "xor_single_trial_output.png").stat().st_size > 10000
    refused = run_module("eval_xor", "--model_dir", xor)
    assert refused.returncode == 1 and "opt_scaling_factor' not found" in refused.stderr


def test_the_ports_eval_go_nogo_draws_its_trials_from_torchs_generator(tmp_path):
    pytest.importorskip("matplotlib", reason="the port's figures are drawn with matplotlib")
    folder = folder_with(tmp_path, GO_NOGO)
    torch.manual_seed(5)
    assert spikernn.eval_go_nogo(model_dir=str(folder), optimal_scaling_factor=20.0) is None
    after = torch.rand(1)
    # The port's two trials by hand, NoGo then Go (30:50), leave the generator where it did.
    torch.manual_seed(5)
    u = np.zeros((1, 201))
    nogo = spikernn.LIF_network_fnc(GO_NOGO, 20.0, u, {"mode": "none"}, 1, False)
    u[0, 30:50] = 1
    go = spikernn.LIF_network_fnc(GO_NOGO, 20.0, u, {"mode": "none"}, 1, False)
    assert torch.equal(torch.rand(1), after) and go[2].sum() > nogo[2].sum() > 0
    assert (folder / "plots" / "nogo_spike_raster.png").exists()
    # The seed's form of a model file, beside it.
    metrics = spikernn.eval_go_nogo(str(folder / "model.mat"), 20.0, 10, False, progress=False)
    assert metrics["overall_accuracy"] >= 0.9


def test_the_ports_utilities_behave_as_the_ports():
    from spikernn import utils
    inh, exc, m, som_m = utils.create_connectivity_masks(50, P_inh=0.2, som_N=2, seed=3)
    np.random.seed(3)
    assert np.array_equal(inh, np.random.rand(50, 1).ravel() < 0.2) and np.array_equal(exc, ~inh)
    assert (m[inh] == -1).all() and (m[exc] == 1).all() and m.dtype == np.float32
    first_two = np.flatnonzero(inh)[:2]
    assert (som_m[np.ix_(first_two, np.flatnonzero(inh))] == 0).all()
    assert som_m.sum() == 50 * 50 - 2 * inh.sum()
    assert utils.generate_lif_params(downsample=2) == {
        "dt": 0.0001, "tref": 0.002, "tm": 0.01, "vreset": -65.0, "vpeak": -40.0, "tr": 0.002}
    utils.set_random_seed(9)
    a = (np.random.rand(), torch.rand(1).item())
    utils.set_random_seed(9)
    assert a == (np.random.rand(), torch.rand(1).item())
    assert utils.validate_scaling_factor(50)
    with pytest.warns(UserWarning, match="outside recommended range"):
        utils.validate_scaling_factor(5000.0)
    for bad in (0, -3.0, "50", float("nan")):
        with pytest.raises(ValueError, match="scaling_factor"):
            utils.validate_scaling_factor(bad)
    spiking = pytest.importorskip("spiking.utils", reason="the port is not importable")
    assert all(np.array_equal(x, y) for x, y in zip(
        utils.create_connectivity_masks(30, som_N=1, seed=4),
        spiking.create_connectivity_masks(30, som_N=1, seed=4)))


def test_the_ports_abstract_classes_and_factories():
    from spikernn.abstract import SpikingRNNFactory, validate_spiking_config
    from spikernn.eval_tasks import LIFNetworkAdapter
    validate_spiking_config(spikernn.create_default_spiking_config())
    with pytest.raises(spikernn.ConfigError, match="vpeak"):
        validate_spiking_config({"vpeak": -70.0})
    SpikingRNNFactory.register("lif-adapter", lambda config, path: LIFNetworkAdapter(path, 20.0))
    net = SpikingRNNFactory.create("lif-adapter", spikernn.SpikingConfig(), path=GO_NOGO)
    assert isinstance(net, spikernn.AbstractSpikingRNN) and net.N == 200
    with pytest.raises(ValueError, match="not found. Available types"):
        SpikingRNNFactory.create("izhikevich", spikernn.SpikingConfig())
    # The port's task interface, scored as the grid search scores: λ = 20 performs Go-NoGo.
    task = spikernn.SpikingTaskFactory.create_task("go_nogo", {"T": 201, "stim_on": 50,
                                                              "stim_dur": 25, "delay": 10})
    np.random.seed(1)
    performance = task.evaluate_performance(net, n_trials=6)
    assert performance["overall_accuracy"] >= 0.8
    assert performance["go_trials"] + performance["nogo_trials"] == 6

    class Always(spikernn.AbstractSpikingTask):
        def get_default_settings(self):
            return {"T": 61}

        def validate_settings(self):
            pass

        def generate_stimulus(self, trial_type=None):
            return np.zeros((1, self.settings["T"])), "quiet"

        def evaluate_trial(self, spiking_rnn, stimulus, label):
            spikes, _, output, _ = spiking_rnn.simulate(stimulus, {"mode": "none"})
            return {"correct": True, "spikes": spikes, "output": output}

        def evaluate_performance(self, spiking_rnn, n_trials=100):
            return {"overall_accuracy": 1.0}

    spikernn.SpikingTaskFactory.register_task("always", Always)
    assert "always" in spikernn.SpikingTaskFactory.list_available_tasks()
    result = spikernn.evaluate_task("always", GO_NOGO, 20.0, save_plots=False)
    assert result["correct"] and result["output"].shape == (6000,)
    with pytest.raises(ValueError, match="must inherit"):
        spikernn.SpikingTaskFactory.register_task("nothing", dict)


def test_the_tutorial_runs_with_only_the_import_renamed(tmp_path):
    pytest.importorskip("scipy", reason="the tutorial saves its model with scipy.io")
    pytest.importorskip("matplotlib", reason="the tutorial plots with matplotlib")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, os.path.join("examples", "python", "port_tutorial.py"),
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    best = float([x for x in lines if x.startswith("Using scaling factor: ")][0].split()[-1])
    assert best in (15.0, 20.0)  # the grid 15, 20, ..., 75 at 50 trials a factor
    go = [x for x in lines if x.startswith("Go: ")][0]
    nogo = [x for x in lines if x.startswith("NoGo: ")][0]
    assert float(go.rsplit(" ", 1)[1]) > 0.7 and float(nogo.rsplit(" ", 1)[1]) < 0.3
    saved = spikernn.load_rate_model(tmp_path / "models" / "go-nogo" / "rate_model_go_nogo.mat")
    assert saved["opt_scaling_factor"].item() == best
    for figure in ("outputs.png", "rasters.png"):
        assert (tmp_path / figure).stat().st_size > 10000


def test_bad_values_from_python_name_the_setting(model_copy):
    u = torch.zeros(2, 1, 201, dtype=torch.float64)
    cases = [
        (lambda: spikernn.simulate_batch(model_copy, float("nan"), u),
         spikernn.ConfigError, "setting 'scaling_factor': expected a finite number, found nan"),
        (lambda: spikernn.SpikingConfig(dt=float("nan")), spikernn.ConfigError, "setting 'dt'"),
        (lambda: spikernn.analyze_dataset(model_copy, bin=float("inf")), spikernn.ConfigError,
         "setting 'bin': expected a finite number, found inf"),
        (lambda: spikernn.simulate_batch(model_copy, 20.0, u, seed=-1), spikernn.InvalidArgument,
         "seed: expected an integer from 0 to 18446744073709551615, found -1"),
        (lambda: spikernn.simulate_batch(model_copy, 20.0, u[:0]), spikernn.InvalidArgument,
         "expected a batch of at least one trial (B × 1 × columns), found shape [0, 1, 201]"),
        (lambda: spikernn.simulate_dataset(model_copy, trials_per_condition=12.5,
                                           scaling_factor=20.0, progress=False),
         spikernn.InvalidArgument, "trials_per_condition: expected an integer, found 12.5"),
        (lambda: spikernn.simulate_dataset(model_copy, seed=-1, scaling_factor=20.0,
                                           progress=False),
         spikernn.InvalidArgument, "seed: expected an integer from 0"),
    ]
    for call, error, message in cases:
        with pytest.raises(error) as raised:
            call()
        assert isinstance(raised.value, ValueError) and message in str(raised.value)
