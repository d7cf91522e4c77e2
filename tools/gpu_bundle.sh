#!/usr/bin/env bash
# Usage: bash tools/gpu_bundle.sh [DEST]   (DEST: default .gpu, a folder git ignores)
#
# Builds, on this machine, what tools/gpu_check.sh runs on a GPU machine that has PyTorch but none
# of spikernn's other dependencies (no matio, CLI11, GoogleTest, and no root to install them):
# the CLI, the test suite, the benchmarks and the CUDA core check, against the LibTorch of PyPI's
# torch wheel (SPIKERNN_TORCH_WHEEL, default the version the test command checks), with the fused
# CUDA kernel for TORCH_CUDA_ARCH_LIST (default 9.0: H100, H200). DEST gets bin/ (the programs),
# lib/ (the libraries they load that the GPU machine's torch, CUDA and C and C++ runtimes do not
# provide) and torch_version (the GPU machine's torch must be the same).
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
# A fresh configuration each time: a cache keeps the LibTorch it found first.
mkdir -p "$build"
rm -f "$build/CMakeCache.txt"
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
site=$(realpath "$(dirname "$torch_wheel_dir")")
while read -r lib; do
  case $(realpath "$lib") in "$site"/*) continue ;; esac  # torch's, and its CUDA libraries
  case $(basename "$lib") in
    lib[cm].so.* | libdl.so.* | librt.so.* | libpthread.so.* | libresolv.so.* | libutil.so.* | \
      libstdc++.so.* | libgcc_s.so.* | libcuda.so.* | libcudart.so.*) continue ;;
  esac
  cp -L "$lib" "$dest/lib/"
done < <(ldd "${programs[@]}" | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u)
"$venv/bin/python3" -c 'import torch; print(torch.__version__)' > "$dest/torch_version"
du -sh "$dest"
