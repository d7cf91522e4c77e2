#!/usr/bin/env bash
# The LibTorch 2.x job of the test command: installs PyPI's torch wheel (CUDA-enabled; it runs on
# the CPU here) into build-torch2/venv, builds spikernn against the LibTorch inside it (with the
# CUDA kernel where a CUDA compiler is installed) and runs the whole test suite there. The wheel's
# version is SPIKERNN_TORCH_WHEEL (default torch==2.11.0, the version this project was last
# checked against); an existing venv is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/packages.sh
install_packages python3-venv

build=build-torch2
venv="$build/venv"
if [ ! -x "$venv/bin/python3" ] || ! "$venv/bin/python3" -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install -q "${SPIKERNN_TORCH_WHEEL:-torch==2.11.0}"
fi
prefix=$("$venv/bin/python3" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix"
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -LE configs
