"""Grid search, evaluation and batched simulation from Python: known answers on the shipped
Go-NoGo model (λ = 20 performs it, λ = 60 does not), what is written into the model file, and
Ctrl-C stopping a run with the file untouched."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import spikernn
from conftest import GO_NOGO, SHORT_GO_NOGO, file_bytes


def short_search(path, **kwargs):
    return spikernn.lambda_grid_search(path, scaling_factors=[20, 60], n_trials_per_factor=8,
                                       task_settings=SHORT_GO_NOGO, progress=False, **kwargs)


def test_grid_search_finds_the_factor_that_works_and_stores_it(model_copy):
    # The full task: at λ = 65 the output no longer reaches the threshold on Go trials.
    result = spikernn.lambda_grid_search(model_copy, scaling_factors=[65, 20],
                                         n_trials_per_factor=20, seed=2, progress=False)
    assert result["opt_scaling_factor"] == 20.0 and result["written_to_model"]
    assert result["accuracy"][1] >= 0.9 and result["accuracy"][0] < 0.75
    stored = spikernn.load_rate_model(model_copy)
    assert stored["opt_scaling_factor"].item() == 20.0
    np.testing.assert_array_equal(stored["all_perfs"].ravel(), result["accuracy"])


def test_grid_search_without_writing_leaves_the_file_as_it_was(model_copy):
    before = file_bytes(model_copy)
    assert not short_search(model_copy, write_to_model=False)["written_to_model"]
    assert file_bytes(model_copy) == before


def test_the_ports_form_returns_the_optimum_and_searches_every_model_of_a_folder(model_copy,
                                                                              capsys):
    folder = os.path.dirname(model_copy)
    best = spikernn.lambda_grid_search(folder, "go-nogo", 8, [20, 60],
                                       task_settings=SHORT_GO_NOGO, progress=False)
    assert isinstance(best, float) and best == 20.0
    lines = capsys.readouterr().out.splitlines()  # what the port prints
    assert lines[0] == "Analyzing go.mat for go-nogo task" and len(lines) == 5
    assert lines[1].startswith("Performance for 20: ")
    assert lines[2].startswith("Performance for 60: ")
    assert lines[3:] == ["Best scaling factor: 20", "Saved results."]
    stored = spikernn.load_rate_model(model_copy)
    assert stored["opt_scaling_factor"].item() == 20.0
    seed_form = short_search(model_copy, write_to_model=False)
    np.testing.assert_array_equal(stored["all_perfs"].ravel(), seed_form["accuracy"])
    # A second model: the port would stop after the first; spikernn searches both.
    shutil.copy(model_copy, os.path.join(folder, "second.mat"))
    both = spikernn.lambda_grid_search(folder, task_name="go-nogo", n_trials=8,
                                       scaling_factors=[20, 60], task_settings=SHORT_GO_NOGO,
                                       progress=False)
    assert both == {model_copy: 20.0, os.path.join(folder, "second.mat"): 20.0}


def test_progress_only_grows_and_reaches_the_total(model_copy):
    seen = []
    spikernn.lambda_grid_search(model_copy, scaling_factors=[20, 30], n_trials_per_factor=12,
                                batch_size=2, task_settings=SHORT_GO_NOGO, write_to_model=False,
                                progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (24, 24) and all(t == 24 for _, t in seen)
    assert [d for d, _ in seen] == sorted(set(d for d, _ in seen))


def test_the_default_progress_is_a_tqdm_bar(model_copy, capsys):
    pytest.importorskip("tqdm", reason="the default progress bar is tqdm's")
    spikernn.lambda_grid_search(model_copy, scaling_factors=[20], n_trials_per_factor=4,
                                task_settings=SHORT_GO_NOGO, write_to_model=False)
    assert "grid search go.mat" in capsys.readouterr().err


def test_a_config_keeps_the_runs_fast_noise_for_the_keys_it_leaves_out():
    def response_times(config):
        return spikernn.eval_go_nogo(GO_NOGO, 20.0, n_trials=6, plot_results=False,
                                     config=config, progress=False)["response_times"]

    plain = response_times(None)
    assert plain and response_times({"device": "cpu"}) == plain  # still fast noise
    assert response_times({"noise": "torch"}) != plain


def test_evaluation_known_answer():
    with pytest.warns(UserWarning, match="negative"):
        result = spikernn.eval_go_nogo(GO_NOGO, 20.0, n_trials=20, plot_results=False,
                                       progress=False)
    assert result["overall_accuracy"] >= 0.9 and result["n_trials"] == 20
    assert set(result["condition_accuracy"]) == {"go", "nogo"}
    port_form = spikernn.evaluate_task("go-nogo", GO_NOGO, 20.0, save_plots=False, n_trials=20,
                                       progress=False)
    assert port_form["overall_accuracy"] == result["overall_accuracy"]


def test_simulate_batch_returns_what_is_recorded_and_repeats_with_its_seed():
    u = torch.zeros(3, 1, 201, dtype=torch.float64)
    u[:2, 0, 30:50] = 1
    first = spikernn.simulate_batch(GO_NOGO, 20.0, u, seed=5, noise="fast")
    again = spikernn.simulate_batch(spikernn.load_model(GO_NOGO), 20.0, u, seed=5, noise="fast")
    assert {"spk", "out"} <= set(first) and "REC" not in first
    assert first["spk"].shape == (3, 200, first["nt"]) and first["out"].shape == (3, first["nt"])
    assert torch.equal(first["spk"], again["spk"])
    go, nogo = first["out"][:, -1000:].mean(dim=1)[[0, 2]]
    assert go > 0.5 and abs(nogo) < 0.5  # the Go trials respond, the NoGo trial does not


def test_simulate_factors_equals_simulate_batch_at_each_factor():
    u = torch.zeros(2, 1, 61, dtype=torch.float64)
    u[0, 0, 20:40] = 1
    for noise in ("fast", "torch"):
        together = spikernn.simulate_factors(GO_NOGO, [20, 60], u, seed=4, noise=noise)
        assert [r["scaling_factor"] for r in together] == [20.0, 60.0]
        for r, factor in zip(together, (20.0, 60.0)):
            alone = spikernn.simulate_batch(GO_NOGO, factor, u, seed=4, noise=noise)
            assert torch.equal(r["spk"], alone["spk"]) and torch.equal(r["out"], alone["out"])
        assert not torch.equal(together[0]["spk"], together[1]["spk"])
    with pytest.raises(spikernn.InvalidArgument, match="scaling factors"):
        spikernn.simulate_factors(GO_NOGO, [], u)


def test_ctrl_c_stops_a_search_between_batches_and_writes_nothing(model_copy):
    script = textwrap.dedent(f"""
        import sys, spikernn
        def started(done, total):
            print("started", flush=True)
        try:
            spikernn.lambda_grid_search({model_copy!r}, n_trials_per_factor=400, batch_size=2,
                                        progress=started)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(3)
    """)
    before = file_bytes(model_copy)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert child.stdout.readline().strip() == "started"
    child.send_signal(signal.SIGINT)
    assert child.wait(timeout=120) == 3 and "interrupted" in child.stdout.read()
    assert file_bytes(model_copy) == before
