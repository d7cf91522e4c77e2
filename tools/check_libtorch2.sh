#!/usr/bin/env bash
# The LibTorch 2.x job of the test command: installs PyPI's torch wheel (CUDA-enabled; it runs on
# the CPU here) into build-torch2/venv, builds spikernn against the LibTorch inside it (with the
# CUDA kernel) and runs the test suite there but the configs. The wheel's CMake config needs a CUDA
# toolkit: without one installed, tools/pypi_cuda_toolkit.sh assembles one from PyPI. Examples and
# benchmarks use only the API the tests cover, and stage 1 built them: they are left out here. The wheel's
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
# The torch package folder (lib/ and share/cmake/ inside) as the prefix, so that the wheel's
# libraries are found before any other LibTorch installed on the system (Debian's, here).
prefix=$("$venv/bin/python3" -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)
cuda_args=()
if ! command -v nvcc >/dev/null && [ ! -x /usr/local/cuda/bin/nvcc ]; then
  echo "check_libtorch2.sh: no CUDA toolkit installed; assembling one from PyPI (its CMake config needs one)"
  toolkit="$PWD/$build/cuda-toolkit"
  bash tools/pypi_cuda_toolkit.sh "$venv" "$toolkit"
  cuda_args=(-DCUDA_TOOLKIT_ROOT_DIR="$toolkit" -DCUDAToolkit_ROOT="$toolkit"
             -DCMAKE_CUDA_COMPILER="$toolkit/bin/nvcc")
fi
# A fresh configuration each time: a cache keeps the libraries it found first.
rm -f "$build/CMakeCache.txt"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" "${cuda_args[@]}" \
  -DSPIKERNN_BUILD_EXAMPLES=OFF -DSPIKERNN_BUILD_BENCH=OFF
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -LE configs -j "$(nproc)"
