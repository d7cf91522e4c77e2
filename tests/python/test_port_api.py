"""The port's API: the goldens made by running the port (tests/data/golden, tools/make_golden.py)
are reproduced spike for spike after torch.manual_seed, and, where the port itself is importable
(``spiking``), both give the same spikes in one interpreter."""

import json
import os

import numpy as np
import pytest
import torch

import spikernn
from conftest import GO_NOGO, ROOT

with open(os.path.join(ROOT, "tests", "data", "golden", "cases.json")) as f:
    CASES = json.load(f)["cases"]


def run(case, module=spikernn):
    u = spikernn.load_rate_model(golden_path(case))["u"]
    stims = {"mode": case["stims_mode"], "dur": case["stims_dur"], "units": case["stims_units"]}
    torch.manual_seed(case["seed"])
    return module.LIF_network_fnc(os.path.join(ROOT, case["model"]), case["scaling_factor"], u,
                                  stims, case["downsample"], case["use_initial_weights"])


def golden_path(case):
    return os.path.join(ROOT, "tests", "data", "golden", case["name"] + ".mat")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_goldens_spike_for_spike(case):
    W, REC, spk, rs, all_fr, out, params = run(case)
    golden = spikernn.load_rate_model(golden_path(case))
    neurons, steps = np.nonzero(spk)
    np.testing.assert_array_equal(neurons, golden["spike_neurons"].ravel())
    np.testing.assert_array_equal(steps, golden["spike_steps"].ravel())
    np.testing.assert_allclose(out, golden["out"].ravel(), rtol=0, atol=1e-9)
    np.testing.assert_allclose(all_fr, golden["all_fr"].ravel(), rtol=0, atol=1e-9)
    assert params["nt"] == golden["nt"].item() and params["dt"] == golden["dt"].item()
    assert spk.shape == REC.shape == rs.shape == params["IPSCs"].shape == (W.shape[0], params["nt"])


def test_returns_the_ports_types():
    u = np.zeros((1, 201))
    u[0, 30:50] = 1
    W, REC, spk, rs, all_fr, out, params = spikernn.LIF_network_fnc(
        GO_NOGO, 50.0, u, {"mode": "none"}, downsample=1, use_initial_weights=False)
    for array in (W, REC, spk, rs, all_fr, out, params["IPSCs"], params["td"]):
        assert isinstance(array, np.ndarray) and array.dtype == np.float64
    assert out.shape == (params["nt"],) and W.shape == (200, 200)
    assert set(params) == {"dt", "T", "nt", "w_out", "td", "td0", "IPSCs"}


def test_a_dict_model_gives_what_its_file_gives():
    u = np.zeros((1, 101))
    u[0, 30:50] = 1
    torch.manual_seed(3)
    from_file = spikernn.LIF_network_fnc(GO_NOGO, 30.0, u, None, 1, False)
    torch.manual_seed(3)
    from_dict = spikernn.LIF_network_fnc(spikernn.load_rate_model(GO_NOGO), 30.0, u, None, 1, False)
    np.testing.assert_array_equal(from_file[2], from_dict[2])


def test_the_port_gives_the_same_spikes_in_this_interpreter():
    spiking = pytest.importorskip("spiking",
                                  reason="the port's `spiking` package is not importable")
    for case in CASES[:3]:
        ours, theirs = run(case), run(case, spiking)
        np.testing.assert_array_equal(ours[2], theirs[2])
        np.testing.assert_allclose(ours[5], theirs[5], rtol=0, atol=1e-9)


def test_spike_utilities():
    spk = np.zeros((3, 10))
    spk[0, 2] = spk[2, 5] = spk[2, 7] = 1
    data = spikernn.format_spike_data(spk, dt=0.001)
    np.testing.assert_allclose(data["spike_times"], [0.002, 0.005, 0.007])
    np.testing.assert_array_equal(data["spike_neurons"], [0, 2, 2])
    np.testing.assert_allclose(data["firing_rates"], [100.0, 0.0, 200.0])
    assert data["total_spikes"] == 3
    np.testing.assert_array_equal(data["active_neurons"], [0, 2])
    assert spikernn.validate_stimulus(np.zeros((2, 50)), "xor")
    with pytest.raises(ValueError, match="2"):
        spikernn.validate_stimulus(np.zeros((1, 50)), "xor")
    available, name = spikernn.check_gpu_availability()
    assert available == torch.cuda.is_available() and isinstance(name, str)
