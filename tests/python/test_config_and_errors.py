"""SpikingConfig carries the port's fields and defaults, validated by the C++ table; every error
is a SpikernnError and the standard exception that fits, with the C++ library's message."""

import numpy as np
import pytest

import spikernn
from conftest import GO_NOGO

PORT_DEFAULTS = {"N": 200, "dt": 0.00005, "downsample": 1, "scaling_factor": 50.0, "tref": 0.002,
                 "tm": 0.010, "vreset": -65.0, "vpeak": -40.0, "tr": 0.002,
                 "use_initial_weights": False, "device": "cpu"}


def test_defaults_are_the_ports():
    config = spikernn.create_default_spiking_config()
    for key, value in PORT_DEFAULTS.items():
        assert getattr(config, key) == value, key
    assert config.seed is None and config.noise == "torch" and config.dtype == "float64"


def test_round_trips_and_overrides():
    config = spikernn.create_default_spiking_config(N=300, scaling_factor=25.0, seed=4)
    assert (config.N, config.scaling_factor, config.seed) == (300, 25.0, 4)
    assert spikernn.SpikingConfig.from_dict(config.to_dict()) == config
    assert spikernn.SpikingConfig(300, 0.0001).dt == 0.0001  # positional, as the port's dataclass
    assert spikernn.SpikingConfig.from_json(config.to_json()) == config
    config.noise = "fast"
    assert config.noise == "fast" and config != spikernn.SpikingConfig(N=300)


@pytest.mark.parametrize("fields, message", [
    ({"foo": 1}, "unknown key 'foo'"),
    ({"dt": -1.0}, "'dt'"),
    ({"noise": "loud"}, "'noise'"),
    ({"N": "many"}, "'N'"),
])
def test_bad_settings_are_config_errors(fields, message):
    with pytest.raises(spikernn.ConfigError, match=message) as caught:
        spikernn.SpikingConfig(**fields)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, spikernn.SpikernnError)


def test_an_assignment_is_validated_and_leaves_the_config_as_it_was():
    config = spikernn.SpikingConfig()
    with pytest.raises(spikernn.ConfigError, match="'tm'"):
        config.tm = 0
    assert config.tm == 0.010


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    missing = str(tmp_path / "none.mat")
    for call in (lambda: spikernn.load_rate_model(missing),
                 lambda: spikernn.LIF_network_fnc(missing, 50, np.zeros((1, 10)), None, 1, False),
                 lambda: spikernn.lambda_grid_search(missing, progress=False)):
        with pytest.raises(FileNotFoundError, match="none.mat") as caught:
            call()
        assert isinstance(caught.value, spikernn.SpikernnError)


def test_a_file_that_is_not_a_mat_file_is_a_file_error(tmp_path):
    path = tmp_path / "text.mat"
    path.write_text("not a MAT file")
    with pytest.raises(spikernn.FileError, match="text.mat"):
        spikernn.load_model(str(path))


def test_a_model_without_w_names_the_variable():
    arrays = spikernn.load_rate_model(GO_NOGO)
    del arrays["w"]
    with pytest.raises(spikernn.ModelFormatError, match="'w'") as caught:
        spikernn.LIF_network_fnc(arrays, 50, np.zeros((1, 10)), None, 1, False)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("call, message", [
    (lambda: spikernn.LIF_network_fnc(GO_NOGO, -1, np.zeros((1, 10)), None, 1, False),
     "scaling_factor"),
    (lambda: spikernn.LIF_network_fnc(GO_NOGO, 50, np.zeros((3, 10)), None, 1, False), "input"),
    (lambda: spikernn.LIF_network_fnc(GO_NOGO, 50, np.zeros((1, 10)),
                                      {"mode": "exc", "dur": [0, 5], "units": [999]}, 1, False),
     "999"),
])
def test_bad_arguments_are_value_errors(call, message):
    with pytest.raises(ValueError, match=message) as caught:
        call()
    assert isinstance(caught.value, spikernn.SpikernnError)
