#!/usr/bin/env bash
# Installs spikernn's Debian 12 build dependencies (as root) and builds the library and the
# `spikernn` executable into ./build: what the main job needs, and the Python package into
# build/python where Debian's python3-torch and pybind11-dev are installed (the test command
# installs them). The test command (tools/test.sh) builds the tests, examples and benchmarks on
# top. Used by both commands of the README.
set -euo pipefail
cd "$(dirname "$0")/.."

source tools/packages.sh
install_packages build-essential cmake pkg-config libtorch-dev libmatio-dev zlib1g-dev nlohmann-json3-dev \
  libgtest-dev libcli11-dev libbenchmark-dev libplplot-dev plplot-driver-cairo libopenmpi-dev openmpi-bin

# Debian's Python, whose torch (python3-torch) is the build of libtorch-dev.
python=()
[ -x /usr/bin/python3 ] && python=(-DPython3_EXECUTABLE=/usr/bin/python3)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${python[@]}" ${SPIKERNN_CMAKE_ARGS:-}
targets=(spikernn_cli)
grep -q '^SPIKERNN_PYTHON_PACKAGE:INTERNAL=1' build/CMakeCache.txt && targets+=(spikernn_python)
cmake --build build -j "$(nproc)" --target "${targets[@]}"
