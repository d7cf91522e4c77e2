#!/usr/bin/env bash
# Usage: bash tools/gpu_check.sh [BUNDLE [LOG_DIR]]
#
# Every check and figure that needs a GPU, in one run, on a machine with an NVIDIA GPU and
# PyTorch (python3 -c 'import torch' must work, with the version the bundle was built against):
# run from the repository root, with BUNDLE (default .gpu) made by tools/gpu_bundle.sh.
#   1. the CUDA core check and the tests that need a GPU (they skip elsewhere);
#   2. the GPU table of docs/performance.md (spikernn_bench, best of 3), with a grid search of one
#      factor against one of all 12 (one launch either way: the time should barely grow);
#   3. strong scaling of the CPU grid search over all of the machine's cores (bench/scaling.sh,
#      which checks that every run gives the same table).
# Everything goes to LOG_DIR/gpu_check.log (default $OUT, else /tmp/spikernn-gpu). Exit status:
# 0 when every step passed, 1 when one failed, 77 when there is no GPU.
set -uo pipefail
cd "$(dirname "$0")/.."
bundle=$(cd "${1:-.gpu}" 2> /dev/null && pwd) || {
  echo "gpu_check.sh: no bundle at ${1:-.gpu} (make it with tools/gpu_bundle.sh)" >&2
  exit 1
}
logs=${2:-${OUT:-/tmp/spikernn-gpu}}
mkdir -p "$logs" || exit 1
exec > >(tee "$logs/gpu_check.log") 2>&1

torch_dir=$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))') || exit 1
torch_version=$(python3 -c 'import torch; print(torch.__version__)') || exit 1
if [ "$torch_version" != "$(cat "$bundle/torch_version")" ]; then
  echo "gpu_check.sh: torch $torch_version here; the bundle was built against" \
    "$(cat "$bundle/torch_version")" >&2
  exit 1
fi
# Only the bundled programs see the bundle's libraries (Debian's, which python3 and the system's
# programs should not load), then torch's and the CUDA libraries of its wheel (nvidia/*/lib).
libs=("$bundle/lib" "$torch_dir/lib")
for dir in "$(dirname "$torch_dir")"/nvidia/*/lib; do
  if [ -d "$dir" ]; then libs+=("$dir"); fi
done
libpath=$(IFS=:; echo "${libs[*]}")
bundled() { LD_LIBRARY_PATH=$libpath "$@"; }
bin=$bundle/bin
if bundled ldd "$bin"/* | grep "not found"; then
  echo "gpu_check.sh: the libraries above are missing" >&2
  exit 1
fi
python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name(0)
            if torch.cuda.is_available() else "sees no GPU")'
python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 77)' || exit
nvidia-smi -L
echo "$(nproc) cores"
# The tests and the bench read the models and fixtures of this copy of the repository.
export SPIKERNN_SOURCE_DIR=$PWD

failed=0
step() {  # step NAME COMMAND...: runs one step, counts its failure
  echo "== $1"
  shift
  "$@" || { echo "FAILED (exit $?)"; failed=1; }
}
bench() { bundled "$bin/spikernn_bench" --device cuda --repeat 3 "$@" | tee -a "$logs/bench.jsonl"; }
gpu_table() (
  set -e
  bench --noise fast --workload grid
  bench --noise fast --workload grid --factors 20
  bench --noise fast --workload grid --dtype float32
  bench --noise fast --workload mante
  bench --noise fast --workload single-out
  bench --noise fast --workload single
  for n in 200 1000 4000; do bench --noise fast --workload scale --N "$n"; done
  # The torch-op reference engine: what noise "torch" runs on a GPU.
  bench --noise torch --workload single --repeat 1
)
end_to_end() {  # `spikernn grid-search` as a user runs it, model loading included
  local TIMEFORMAT="spikernn grid-search --device cuda: %R s from start to exit"
  time bundled "$bin/spikernn" grid-search --model models/go_nogo_N200_taus4-20_sigmoid.mat \
    --device cuda --no-write --json "$logs/grid_search.json" > "$logs/grid_search.log" 2>&1
}
# bench/scaling.sh runs spikernn under taskset: a wrapper gives it the bundle's libraries alone.
wrapper=$(mktemp -d)
trap 'rm -rf "$wrapper"' EXIT
printf '#!/bin/sh\nLD_LIBRARY_PATH="%s" exec "%s" "$@"\n' "$libpath" "$bin/spikernn" \
  > "$wrapper/spikernn"
chmod +x "$wrapper/spikernn"

: > "$logs/bench.jsonl"
step "CUDA core check" bundled "$bin/spikernn_cuda_core_check"
step "tests that need a GPU" bundled "$bin/spikernn_tests" \
  --gtest_filter='*Cuda*:SimulateFactors.*:SimulationTest.*'
step "GPU table (best of 3; one JSON line each, also in bench.jsonl)" gpu_table
step "grid search end to end" end_to_end
step "strong scaling of the CPU grid search" \
  env SPIKERNN="$wrapper/spikernn" bash bench/scaling.sh "$(nproc)"

echo "== $([ "$failed" = 0 ] && echo "every step passed" || echo "a step FAILED")"
exit "$failed"
