#!/usr/bin/env bash
# The second build of the test command, which proves two things at once: spikernn builds and
# passes its tests against the LibTorch 2.x inside PyPI's torch wheel (with the fused CUDA kernel
# compiled where a CUDA toolkit is), and nothing in it trips AddressSanitizer or
# UndefinedBehaviorSanitizer. It builds the library, the CLI, the test suite and the two libFuzzer
# harnesses with clang under both sanitizers (the library also carries libFuzzer's coverage hooks)
# against that LibTorch, runs the test suite (every test but the configs, which the first build ran
# at full length; the CLI tests run the instrumented CLI, the downstream project builds with the
# same compiler and flags), then each fuzzer from its seed corpus for a fixed
# number of inputs with a fixed seed. Any report fails it. Examples and benchmarks use only the API
# the tests cover, and the first build built and ran them: they are left out here, and the CUDA
# kernel is compiled for one architecture (nothing runs it on a machine without a GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/packages.sh
source tools/torch_wheel.sh
# llvm-14 for llvm-symbolizer: the leak suppressions (tools/lsan.supp) match function names,
# which unsymbolized stacks do not have.
install_packages clang libclang-rt-14-dev llvm-14

build=build-sanitize
torch_wheel "$build/venv"
# Line tables are all the reports need (file:line in every frame), and far lighter than full
# debug information of LibTorch's templates.
flags="-O1 -gline-tables-only -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link"
flags+=" -fno-sanitize-recover=undefined"
# A fresh configuration each time: a cache keeps the libraries it found first. Without MPI: its
# MPI tests run in the default build (stage 2), and OpenMPI's own allocations are not ours to
# sanitize. Without the Python package: the next stage builds it against this LibTorch as pip
# does, and an extension under ASan would need the sanitizer runtime preloaded into Python.
rm -f "$build/CMakeCache.txt"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=None "${torch_wheel_cmake_args[@]}" \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DSPIKERNN_BUILD_FUZZERS=ON \
  -DSPIKERNN_BUILD_EXAMPLES=OFF -DSPIKERNN_BUILD_BENCH=OFF -DTORCH_CUDA_ARCH_LIST=8.0 \
  -DSPIKERNN_WITH_MPI=OFF -DSPIKERNN_BUILD_PYTHON=OFF
cmake --build "$build" -j "$(nproc)" --target spikernn_tests spikernn_cli fuzz_model_loader \
  fuzz_config

export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
# allocator_may_return_null: an allocation beyond what the machine has fails (returns NULL) as it
# does without ASan, instead of being reported: SimulationTest.TracesThatCannotBeAllocatedAreRefused
# asks for 256 GB on purpose and checks the refusal.
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:check_initialization_order=1:allocator_may_return_null=1
export LSAN_OPTIONS="suppressions=$PWD/tools/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Everything below runs side by side, to keep both cores busy: the downstream project (a build
# against the installed package, by ctest with the layers check), the GoogleTest suite as one
# process per core, each running a shard of it (under ASan a process that loads LibTorch takes
# seconds to start, too long to pay once per test as ctest would), then the fuzzers together.
# TrainingTest.GoNoGoIsLearned trains to convergence, 2.5 minutes under ASan: the trainer's code
# runs in the other TrainingTests, and the first build runs that one.
logs=()
start() {  # start NAME COMMAND...: runs COMMAND in the background, its output in NAME's log
  local log="$build/$1.log"
  shift
  logs+=("$log")
  "$@" > "$log" 2>&1 &
}
finish() {  # waits for every started command; prints the log of each that failed
  local failed=0 pid
  for pid in $(jobs -p); do wait "$pid" || failed=1; done
  if [ "$failed" = 1 ]; then
    cat "${logs[@]}"
    echo "check_sanitizers.sh: a run failed (its log is above)" >&2
    exit 1
  fi
  for log in "${logs[@]}"; do tail -n 2 "$log"; done
  logs=()
}
start downstream ctest --test-dir "$build" --output-on-failure -R '^(InstalledPackage|Layers)\.'
shards=$(nproc)
for ((i = 0; i < shards; ++i)); do
  GTEST_TOTAL_SHARDS=$shards GTEST_SHARD_INDEX=$i \
    start "shard-$i" "$build/tests/spikernn_tests" --gtest_filter=-TrainingTest.GoNoGoIsLearned
done
finish

# A fixed seed and number of runs (about a minute each here); SPIKERNN_FUZZ_RUNS scales both.
# Allocations beyond 2 GB fail as on a small machine: a damaged file may make matio ask for one,
# and what is tested is that the failure is handled.
export ASAN_OPTIONS="$ASAN_OPTIONS:max_allocation_size_mb=2048"
runs=${SPIKERNN_FUZZ_RUNS:-1}
for fuzzer in model_loader:12000 config:150000; do
  name=${fuzzer%%:*}
  corpus="$build/corpus-$name"
  rm -rf "$corpus" && mkdir -p "$corpus"
  start "fuzz-$name" "$build/tests/fuzz/fuzz_$name" -seed=1 -runs=$((${fuzzer##*:} * runs)) \
    -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 -artifact_prefix="$build/" "$corpus" \
    "tests/fuzz/corpus/${name/model_loader/model}"
done
finish
