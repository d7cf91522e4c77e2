#!/usr/bin/env bash
# The README's test command and CI's (.ci/run): builds spikernn with Debian's LibTorch and runs
# the test suite, then the sanitizer and fuzzing job, then the build and tests against the
# LibTorch 2.x of PyPI's torch wheel. Each stage stops the run at its first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
ctest --test-dir build --output-on-failure
bash tools/check_sanitizers.sh
bash tools/check_libtorch2.sh
