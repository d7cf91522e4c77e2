#!/usr/bin/env bash
# Usage: bash tools/gpu_bundle.sh [DEST]   (DEST: default .gpu, a folder git ignores)
#
# Builds, on this machine, what tools/gpu_check.sh runs on a GPU machine that has PyTorch but none
# of spikernn's other dependencies (no matio, CLI11, GoogleTest, and no root to install them):
# the CLI, the test suite, the benchmarks and the CUDA core check, against the LibTorch of PyPI's
# torch wheel (SPIKERNN_TORCH_WHEEL, default the version the test command checks), with the fused
# CUDA kernel for TORCH_CUDA_ARCH_LIST (default 9.0: H100, H200). DEST gets bin/ (the programs),
# lib/ (every library they load that neither the wheel nor the C library provides) and
# source_dir (where the tests look for their fixtures). The GPU machine's own torch, of the same
# version, provides LibTorch and CUDA's libraries there.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-.gpu}
source tools/packages.sh
source tools/torch_wheel.sh
install_packages cmake g++ pkg-config zlib1g-dev libmatio-dev libcli11-dev nlohmann-json3-dev \
  libgtest-dev libgmock-dev

build=build-gpu
# The venv of the test command's stage 4 when there is one: the same wheel, downloaded once.
venv=${SPIKERNN_TORCH_VENV:-build-sanitize/venv}
torch_wheel "$venv"
mkdir -p "$build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release "${torch_wheel_cmake_args[@]}" \
  -DTORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}" -DSPIKERNN_WITH_MPI=OFF \
  -DSPIKERNN_BUILD_PYTHON=OFF -DSPIKERNN_BUILD_EXAMPLES=OFF | tee "$build/configure.log"
grep -q "fused CUDA kernel 1" "$build/configure.log" || {
  echo "gpu_bundle.sh: the fused CUDA kernel is not in this build (no CUDA compiler found)" >&2
  exit 1
}
cmake --build "$build" -j "$(nproc)" --target spikernn_cli spikernn_tests spikernn_bench \
  spikernn_cuda_core_check

rm -rf "$dest"
mkdir -p "$dest/bin" "$dest/lib"
programs=("$build/spikernn" "$build/tests/spikernn_tests" "$build/bench/spikernn_bench"
          "$build/spikernn_cuda_core_check")
cp "${programs[@]}" "$dest/bin/"
# Every library the programs load from the system, except the C and C++ runtimes, which any
# machine has (newer ones load these programs too).
torch_lib=$("$venv/bin/python3" -c 'import os, torch; print(os.path.dirname(torch.__file__))')
ldd "${programs[@]}" | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u |
  grep -v -e "^$(dirname "$torch_lib")" -e '/lib\(c\|m\|dl\|rt\|pthread\|resolv\|stdc++\|gcc_s\|util\|cudart\|cuda\)\.so' |
  xargs -r cp -L -t "$dest/lib/"
pwd > "$dest/source_dir"
du -sh "$dest"
