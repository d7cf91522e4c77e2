#!/usr/bin/env bash
# Installs spikernn's Debian 12 build dependencies (as root) and builds it into ./build.
# Used by both set-up commands of the README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

source tools/packages.sh
install_packages build-essential cmake pkg-config libtorch-dev libmatio-dev zlib1g-dev nlohmann-json3-dev \
  libgtest-dev libcli11-dev libbenchmark-dev libplplot-dev plplot-driver-cairo

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${SPIKERNN_CMAKE_ARGS:-}
cmake --build build -j "$(nproc)"
