"""Training from Python: a short run on a small network writes a model that the conversion loads,
repeats with its seed, and bad settings are refused by the C++ table."""

import numpy as np
import pytest
import torch

import spikernn


def test_training_writes_a_model_that_converts(tmp_path):
    settings = dict(N=40, n_trials=120, eval_trials=20, seed=3, progress=False)
    first = spikernn.train_rate_rnn(tmp_path / "a.mat", **settings)
    again = spikernn.train_rate_rnn(tmp_path / "b.mat", **settings)
    assert first["trials"] == 120 and not first["success"]  # Go-NoGo needs 1,500 trials to stop
    assert first["losses"] == again["losses"] and first["settings"]["N"] == 40
    assert (tmp_path / "a.pt").exists()
    u = np.zeros((1, 201))
    u[0, 50:75] = 1
    torch.manual_seed(1)
    W, REC, spk, rs, all_fr, out, params = spikernn.LIF_network_fnc(
        str(tmp_path / "a.mat"), 20.0, u, None, 1, False)
    assert W.shape == (40, 40) and spk.shape == (40, params["nt"])


def test_bad_training_settings_name_the_key(tmp_path):
    with pytest.raises(ValueError, match="n_trials"):
        spikernn.train_rate_rnn(tmp_path / "a.mat", n_trials=0, progress=False)
    with pytest.raises(spikernn.ConfigError, match="unknown key 'epochs'"):
        spikernn.train_rate_rnn(tmp_path / "a.mat", epochs=5, progress=False)
    assert not list(tmp_path.iterdir())
