#!/usr/bin/env bash
# Strong scaling of the 12 x 100 Go-NoGo grid search of the shipped model (the defaults: fast
# noise, 20:75:5, 100 trials per factor): 1 -> N cores of one process (taskset), and 1 -> N MPI
# ranks of one core each (mpirun --bind-to core). Every run must print the same table; the
# script checks that and prints the seconds and speed-ups.
#
#   bash bench/scaling.sh [N]      (N: cores to scale to, default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
spikernn=${SPIKERNN:-build/spikernn}
model=models/go_nogo_N200_taus4-20_sigmoid.mat
n=${1:-$(nproc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs "$@" (a grid search writing $work/$1.json), prints its wall time and checks its table.
time_run() {
  local name=$1
  shift
  local start end
  start=$(date +%s.%N)
  "$@" grid-search --model "$model" --no-write --json "$work/$name.json" > "$work/$name.log" 2>&1
  end=$(date +%s.%N)
  python3 - "$work/$name.json" "$work/reference.json" <<'PY'
import json, os, sys
result = json.load(open(sys.argv[1]))["results"][0]["accuracy"]
if os.path.exists(sys.argv[2]):
    if json.load(open(sys.argv[2]))["results"][0]["accuracy"] != result:
        sys.exit("scaling.sh: a run's table differs from the first run's")
else:
    json.dump({"results": [{"accuracy": result}]}, open(sys.argv[2], "w"))
PY
  python3 -c "print($end - $start)"
}
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

cores() { seq -s, 0 $(($1 - 1)); }
t1=$(time_run threads1 taskset -c 0 "$spikernn")
tn=$(time_run threads$n taskset -c "$(cores "$n")" "$spikernn")
printf 'threads: 1 core %.1f s, %d cores %.1f s, speed-up %sx\n' "$t1" "$n" "$tn" "$(ratio "$t1" "$tn")"
if ! "$spikernn" --version | grep -q "MPI built in"; then
  echo "MPI: $spikernn was built without MPI (Debian: libopenmpi-dev)"
elif command -v mpirun > /dev/null; then
  mpi="mpirun --allow-run-as-root --bind-to core --map-by core"
  r1=$(time_run ranks1 $mpi -np 1 "$spikernn")
  rn=$(time_run ranks$n $mpi -np "$n" "$spikernn")
  printf 'MPI ranks of one core: 1 rank %.1f s, %d ranks %.1f s, speed-up %sx\n' "$r1" "$n" "$rn" "$(ratio "$r1" "$rn")"
else
  echo "MPI: mpirun not found (Debian: openmpi-bin)"
fi
