#!/usr/bin/env bash
# Installs spikernn's Debian 12 build dependencies (as root) and builds the library and the
# `spikernn` executable into ./build: what the main job needs. The test command (tools/test.sh)
# builds the tests, examples and benchmarks on top. Used by both commands of the README.
set -euo pipefail
cd "$(dirname "$0")/.."

source tools/packages.sh
install_packages build-essential cmake pkg-config libtorch-dev libmatio-dev zlib1g-dev nlohmann-json3-dev \
  libgtest-dev libcli11-dev libbenchmark-dev libplplot-dev plplot-driver-cairo libopenmpi-dev openmpi-bin

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${SPIKERNN_CMAKE_ARGS:-}
cmake --build build -j "$(nproc)" --target spikernn_cli
