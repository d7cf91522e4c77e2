#!/usr/bin/env bash
# The main job on the shipped Go-NoGo model: a 12-factor λ grid search (20 to 75 by 5, 100 trials
# each) that stores the optimum in a working copy of the model, then an evaluation at that λ with
# plots. Everything lands in build/main-job/; the shipped model itself is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p build/main-job
install -m 644 models/go_nogo_N200_taus4-20_sigmoid.mat build/main-job/
set -x
build/spikernn grid-search --config configs/grid_search_go_nogo.json
build/spikernn eval --config configs/eval_go_nogo.json
