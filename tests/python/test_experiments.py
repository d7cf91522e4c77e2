"""Trial datasets and their analyses from Python: the dataset written, read back and analysed,
circuit manipulations recorded, errors as the package's exceptions."""

import pytest
import torch

import spikernn
from conftest import GO_NOGO, SHORT_GO_NOGO


def test_a_dataset_is_written_read_back_and_analysed(tmp_path):
    path = tmp_path / "d.mat"
    d = spikernn.simulate_dataset(
        GO_NOGO, "go-nogo", 12, 20.0, task_settings=SHORT_GO_NOGO, seed=3, output=path,
        perturbations={"scale_synapses": {"ii": 1.3}}, progress=False)
    assert d["n_trials"] == 24 and d["conditions"] == ["go", "nogo"]
    assert d["config"]["perturbations"]["scale_synapses"]["ii"] == 1.3
    assert d["spike_trial"].dtype == torch.int64 and d["spike_trial"].numel() > 0
    back = spikernn.read_dataset(path)
    for key in ("spike_trial", "spike_unit", "spike_step", "condition", "labels", "out"):
        assert torch.equal(back[key], d[key]), key
    assert back["config"] == d["config"]

    a = spikernn.analyze_dataset(path, timescale_window=(0, 0.1), bin=0.02, progress=False)
    assert len(a["decoding_accuracy"]) == len(a["decoding"]["time_s"])
    assert a["fano_factor_mean"] > 0
    assert "timescale_ms_median" in a


def test_bad_files_and_settings_raise_the_packages_errors(tmp_path):
    with pytest.raises(spikernn.FileNotFoundError):
        spikernn.read_dataset(tmp_path / "missing.mat")
    with pytest.raises(spikernn.ModelFormatError, match="missing"):
        spikernn.read_dataset(GO_NOGO)  # a model, not a dataset
    with pytest.raises(spikernn.ConfigError, match="perturbations"):
        spikernn.simulate_dataset(GO_NOGO, trials_per_condition=2, scaling_factor=20.0,
                                  perturbations={"scale_synapse": {"ii": 2}}, progress=False)
