#!/usr/bin/env bash
# The Python package as a user of PyPI's torch installs it: `pip install --no-build-isolation .`
# into the virtual environment of the LibTorch 2.x stage (tools/torch_wheel.sh), which builds it
# against that torch, then the Python tests (tests/python) with that interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/packages.sh
source tools/torch_wheel.sh

venv=build-sanitize/venv
torch_wheel "$venv"
# scipy and matplotlib: the port's tutorial and figures (tests/python/test_port_clients.py).
"$venv/bin/python3" -m pip install -q scikit-build-core numpy pytest scipy matplotlib
# The fused CUDA kernel for one architecture: nothing runs it on a machine without a GPU.
CMAKE_ARGS="${torch_wheel_cmake_args[*]} -DTORCH_CUDA_ARCH_LIST=8.0" \
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) \
  "$venv/bin/python3" -m pip install -q --no-build-isolation \
  --config-settings=build-dir=build-wheel .
"$venv/bin/python3" -m pytest -q -p no:cacheprovider tests/python
