#!/usr/bin/env bash
# The README's test command and CI's (.ci/run): builds spikernn with Debian's LibTorch and runs
# the test suite (the Python package's included) and the API reference (no Doxygen warning
# allowed), then a second build against the LibTorch 2.x of PyPI's torch wheel under the
# sanitizers, with its tests and the fuzzers, and the Python package installed with pip against
# that torch, with its tests. Each stage stops the run at its first failure and says how long it
# took.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/packages.sh

stage() {
  local name=$1 start=$SECONDS
  shift
  echo "tools/test.sh: stage '$name' starts"
  "$@"
  echo "tools/test.sh: stage '$name' passed in $((SECONDS - start)) s"
}

docs() {
  cmake --build build --target spikernn_docs
  if [ -s build/docs/warnings.log ]; then
    echo "tools/test.sh: Doxygen warnings (build/docs/warnings.log):" >&2
    cat build/docs/warnings.log >&2
    exit 1
  fi
}

# The Python package's build and tests: Debian's Python, its torch (the build of libtorch-dev),
# pybind11, pytest, tqdm for the progress bars and matplotlib for the examples; h5py reads a trial
# dataset as docs/experiments.md does; scipy saves a model as the port's tutorial does.
install_packages doxygen python3-dev python3-torch pybind11-dev python3-pytest python3-tqdm \
  python3-matplotlib python3-h5py python3-scipy
build() {
  bash tools/setup.sh
  cmake --build build -j "$(nproc)"
}
stage "build (Debian LibTorch)" build
stage "tests" ctest --test-dir build --output-on-failure -j "$(nproc)"
stage "API reference" docs
stage "LibTorch 2.x under sanitizers, fuzzers" bash tools/check_sanitizers.sh
stage "Python package on LibTorch 2.x (pip install)" bash tools/check_python_wheel.sh
echo "tools/test.sh: all stages passed in $SECONDS s"
