#!/usr/bin/env bash
# The working-memory experiment of docs/experiments.md, timed: a 1,000-trial dataset of the shipped
# DMS model (configs/dataset_dms.json: 4 conditions × 250 trials, N = 200) and its analyses
# (configs/analyze_dms.json), then the same with I→I synapses 30% stronger (wmRNN's `ii_inc`).
# Prints each step's seconds and the timescales the analyses found.
#
#   bash bench/experiment.sh
set -euo pipefail
cd "$(dirname "$0")/.."
spikernn=${SPIKERNN:-build/spikernn}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs "$@" and prints the label and its wall time.
timed() {
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  "$@" > "$work/log" 2>&1 || { cat "$work/log"; exit 1; }
  end=$(date +%s.%N)
  python3 -c "print(f'{\"$label\":<28} {$end - $start:6.1f} s')"
}

summary() {
  python3 - "$1" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["timescales"]
ms = lambda key: "none" if t[key] is None else f"{t[key]:.1f} ms"
print(f"  timescales: {t['fitted']} of {t['units']} units fitted, median {ms('median_ms')} "
      f"(E {ms('median_ms_exc')}, I {ms('median_ms_inh')})")
PY
}

for variant in control ii_inc; do
  extra=()
  [ "$variant" = ii_inc ] && extra=(--scale-synapses ii=1.3)
  timed "dataset ($variant)" "$spikernn" dataset --config configs/dataset_dms.json \
    "${extra[@]}" --output "$work/$variant.mat"
  timed "analyze ($variant)" "$spikernn" analyze --dataset "$work/$variant.mat" \
    --json "$work/$variant.json" --plots "$work/$variant-plots"
  summary "$work/$variant.json"
done
