"""The README's Python quick start runs as written, from the repository root, and the example
script writes its figure."""

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT


def run(args, **kwargs):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, **kwargs)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_readme_quick_start_runs_as_written():
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    section = readme.split("## Quick start: Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    lines = run(["-c", code]).splitlines()
    assert re.fullmatch(r"\d+ spikes, out\[-1\] = -?\d+\.\d{4}", lines[0])
    assert float(lines[1].rsplit(" ", 1)[1]) >= 0.9  # λ = 20 performs the task
    assert lines[2] == "(8, 200, 20000)"


def test_the_example_plots_a_raster(tmp_path):
    pytest.importorskip("matplotlib", reason="the example plots with matplotlib")
    output = run([os.path.join("examples", "python", "grid_search_raster.py"),
                  "models/go_nogo_N200_taus4-20_sigmoid.mat", str(tmp_path)])
    assert "accuracy" in output and (tmp_path / "go_raster.png").stat().st_size > 10000
