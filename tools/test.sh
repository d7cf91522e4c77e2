#!/usr/bin/env bash
# The README's test command and CI's (.ci/run): builds spikernn with Debian's LibTorch and runs
# the test suite and the API reference (no Doxygen warning allowed), then the sanitizer and fuzzing
# job, then the build and tests against the LibTorch 2.x of PyPI's torch wheel. Each stage stops
# the run at its first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/packages.sh
install_packages doxygen
bash tools/setup.sh
ctest --test-dir build --output-on-failure
cmake --build build --target spikernn_docs
if [ -s build/docs/warnings.log ]; then
  echo "tools/test.sh: Doxygen warnings (build/docs/warnings.log):" >&2
  cat build/docs/warnings.log >&2
  exit 1
fi
bash tools/check_sanitizers.sh
bash tools/check_libtorch2.sh
