#!/usr/bin/env bash
# Usage: bash tools/gpu_check.sh [BUNDLE [LOG_DIR]]
#
# Every check and figure that needs a GPU, in one run, on a machine with an NVIDIA GPU and
# PyTorch (python3 -c 'import torch' must work; its version must be the one the bundle was built
# against): run from the repository root, with BUNDLE (default .gpu) made by tools/gpu_bundle.sh.
#   1. correctness: the CUDA core check and the tests that need a GPU (they skip elsewhere);
#   2. the GPU table of docs/performance.md (spikernn_bench, best of 3), and a grid search of one
#      factor against one of all 12 (one launch either way: the time should barely grow);
#   3. strong scaling of the CPU grid search over all of the machine's cores (bench/scaling.sh).
# Everything goes to LOG_DIR/gpu_check.log (default $OUT, else /tmp/spikernn-gpu); the exit status
# is non-zero when a check of step 1 failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bundle=$(cd "${1:-.gpu}" && pwd)
logs=${2:-${OUT:-/tmp/spikernn-gpu}}
mkdir -p "$logs"
exec > >(tee "$logs/gpu_check.log") 2>&1

torch_dir=$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))') || exit 1
# The wheel's CUDA libraries sit beside torch in site-packages (nvidia/<name>/lib).
cuda_libs=$(find "$(dirname "$torch_dir")/nvidia" -maxdepth 2 -name lib -type d 2> /dev/null |
  paste -sd:)
export LD_LIBRARY_PATH="$bundle/lib:$torch_dir/lib:$cuda_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The tests read their fixtures from the source folder they were built in.
source_dir=$(cat "$bundle/source_dir")
if [ ! -e "$source_dir" ]; then
  mkdir -p "$(dirname "$source_dir")" && ln -s "$PWD" "$source_dir"
fi
bin=$bundle/bin
model=models/go_nogo_N200_taus4-20_sigmoid.mat

nvidia-smi -L
python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name(0))' ||
  exit 77  # no GPU here
echo "$(nproc) cores"
if ldd "$bin"/* | grep "not found"; then
  echo "gpu_check.sh: libraries above are missing" >&2
  exit 1
fi

failed=0
step() {  # step NAME COMMAND...: runs a check, counts its failure
  echo "== $1"
  shift
  "$@" || { echo "FAILED (exit $?)"; failed=1; }
}
step "CUDA core check" "$bin/spikernn_cuda_core_check"
step "tests that need a GPU" "$bin/spikernn_tests" \
  --gtest_filter='*Cuda*:SimulateFactors.*:SimulationTest.*'

echo "== GPU table (best of 3; one JSON line each)"
bench() { "$bin/spikernn_bench" --device cuda --noise fast --repeat 3 "$@" | tee -a "$logs/bench.jsonl"; }
bench --workload grid
bench --workload grid --dtype float32
bench --workload mante
bench --workload single-out
bench --workload single
for n in 200 1000 4000; do bench --workload scale --N "$n"; done
# The torch-op reference engine: what noise "torch" runs on a GPU.
"$bin/spikernn_bench" --device cuda --noise torch --workload single --repeat 1 |
  tee -a "$logs/bench.jsonl"

echo "== grid search end to end: 1 factor, then all 12 (each in one launch)"
for factors in 20 20:75:5; do
  for run in 1 2; do
    start=$(date +%s.%N)
    "$bin/spikernn" grid-search --model "$model" --device cuda --scaling-factors "$factors" \
      --no-write --json "$logs/grid_$run.json" > "$logs/grid.log" 2>&1 ||
      { cat "$logs/grid.log"; failed=1; continue; }
    end=$(date +%s.%N)
    python3 - "$factors" "$run" "$start" "$end" "$logs/grid_$run.json" <<'PY'
import json, sys
factors, run, start, end, path = sys.argv[1:]
result = json.load(open(path))["results"][0]
print(f"factors {factors} (run {run}): search {result['seconds']:.2f} s, "
      f"{float(end) - float(start):.2f} s from start to exit; accuracy {result['accuracy']}")
PY
  done
done

echo "== strong scaling of the CPU grid search"
SPIKERNN="$bin/spikernn" bash bench/scaling.sh "$(nproc)"

echo "== $([ "$failed" = 0 ] && echo "all checks passed" || echo "a check FAILED")"
exit "$failed"
