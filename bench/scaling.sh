#!/usr/bin/env bash
# Strong scaling of the 12 x 100 Go-NoGo grid search of the shipped model (the defaults: fast
# noise, 20:75:5, 100 trials per factor): 1 -> N cores of one process (taskset), and 1 -> N MPI
# ranks of one core each (mpirun --bind-to core). Every run must print the same table; the
# script checks that and prints the seconds and speed-ups, from start to exit and of the search
# alone.
#
#   bash bench/scaling.sh [N]      (N: cores to scale to, default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
spikernn=${SPIKERNN:-build/spikernn}
model=models/go_nogo_N200_taus4-20_sigmoid.mat
n=${1:-$(nproc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs "$@" (a grid search writing $work/$1.json), checks its table, and prints its wall time
# (from start to exit) and the search's own time (the JSON's "seconds": the throughput, without
# loading LibTorch and the model, which no number of cores shortens).
time_run() {
  local name=$1
  shift
  local start end
  start=$(date +%s.%N)
  "$@" grid-search --model "$model" --no-write --json "$work/$name.json" > "$work/$name.log" 2>&1 ||
    { cat "$work/$name.log" >&2; return 1; }
  end=$(date +%s.%N)
  python3 - "$work/$name.json" "$work/reference.json" "$start" "$end" <<'PY'
import json, os, sys
result = json.load(open(sys.argv[1]))["results"][0]
if os.path.exists(sys.argv[2]):
    if json.load(open(sys.argv[2]))["results"][0]["accuracy"] != result["accuracy"]:
        sys.exit("scaling.sh: a run's table differs from the first run's")
else:
    json.dump({"results": [{"accuracy": result["accuracy"]}]}, open(sys.argv[2], "w"))
print(float(sys.argv[4]) - float(sys.argv[3]), result["seconds"])
PY
}
# report LABEL ONE MANY "wall search" "wall search": both times and both speed-ups.
report() {
  python3 - "$@" <<'PY'
import sys
label, one, many, (w1, s1), (wn, sn) = *sys.argv[1:4], *(map(float, a.split()) for a in sys.argv[4:])
print(f"{label}: {one} {w1:.1f} s, {many} {wn:.1f} s, speed-up {w1 / wn:.2f}x from start to exit; "
      f"search alone {s1:.1f} s and {sn:.1f} s, {s1 / sn:.2f}x")
PY
}

# The first $1 of the CPUs this process may run on (a cpuset or a scheduler's allocation need not
# start at CPU 0).
cores() {
  python3 -c "import os, sys; print(','.join(map(str, sorted(os.sched_getaffinity(0))[:int(sys.argv[1])])))" "$1"
}
t1=$(time_run threads1 taskset -c "$(cores 1)" "$spikernn")
tn=$(time_run threads$n taskset -c "$(cores "$n")" "$spikernn")
report threads "1 core" "$n cores" "$t1" "$tn"
if ! "$spikernn" --version | grep -q "MPI built in"; then
  echo "MPI: $spikernn was built without MPI (Debian: libopenmpi-dev)"
elif command -v mpirun > /dev/null; then
  mpi="mpirun --allow-run-as-root --bind-to core --map-by core"
  r1=$(time_run ranks1 $mpi -np 1 "$spikernn")
  rn=$(time_run ranks$n $mpi -np "$n" "$spikernn")
  report "MPI ranks of one core" "1 rank" "$n ranks" "$r1" "$rn"
else
  echo "MPI: mpirun not found (Debian: openmpi-bin)"
fi
