"""Shared fixtures of the Python tests: the repository root and a scratch copy of the shipped
Go-NoGo model (tests that write into a model never touch the shipped one)."""

import os
import shutil

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GO_NOGO = os.path.join(ROOT, "models", "go_nogo_N200_taus4-20_sigmoid.mat")
# Go-NoGo trials of 61 columns scored late: short enough for grid searches in tests.
SHORT_GO_NOGO = {"columns": 61, "stim_on": 20, "stim_dur": 10, "score_from_step": 3500}


@pytest.fixture
def model_copy(tmp_path):
    path = tmp_path / "go.mat"
    shutil.copy(GO_NOGO, path)
    return str(path)


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()
