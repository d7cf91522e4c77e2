#!/usr/bin/env bash
# The λ grid search of every model in a folder as a Slurm job array: each array task runs one
# shard of the search's units and writes its part; `spikernn merge` then gives the one-process
# result and stores each model's opt_scaling_factor (docs/cluster.md).
#
#   jobid=$(sbatch --parsable examples/cluster/grid_search_array.sh MODELS PARTS [flags...])
#   sbatch --dependency=afterok:$jobid --wrap "spikernn merge PARTS/part_*.json --json grid.json"
#
# The flags after PARTS go to `spikernn grid-search` (--trials, --scaling-factors, --seed, ...);
# every task must get the same ones. SPIKERNN names the executable (default: spikernn on PATH).
#SBATCH --job-name=spikernn-grid
#SBATCH --array=1-8
#SBATCH --cpus-per-task=16
#SBATCH --time=01:00:00
set -euo pipefail
models=${1:?usage: grid_search_array.sh MODELS PARTS [grid-search flags]}
parts=${2:?usage: grid_search_array.sh MODELS PARTS [grid-search flags]}
shift 2
mkdir -p "$parts"
"${SPIKERNN:-spikernn}" grid-search --model "$models" \
  --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" \
  --json "$parts/part_$SLURM_ARRAY_TASK_ID.json" "$@"
