#!/usr/bin/env bash
# The sanitizer job of the test command: builds the library, the CLI, the test suite and the two
# libFuzzer harnesses with clang under AddressSanitizer and UndefinedBehaviorSanitizer (the library
# also carries libFuzzer's coverage hooks), runs the whole suite, then each fuzzer from its seed
# corpus for a fixed number of inputs with a fixed seed. Any report fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/packages.sh
# llvm-14 for llvm-symbolizer: the leak suppressions (tools/lsan.supp) match function names,
# which unsymbolized stacks do not have.
install_packages clang libclang-rt-14-dev llvm-14

build=build-sanitize
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link"
flags+=" -fno-sanitize-recover=undefined"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DSPIKERNN_BUILD_FUZZERS=ON
cmake --build "$build" -j "$(nproc)" --target spikernn_tests spikernn_cli fuzz_model_loader \
  fuzz_config

export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
# allocator_may_return_null: an allocation beyond what the machine has fails (returns NULL) as it
# does without ASan, instead of being reported: SimulationTest.TracesThatCannotBeAllocatedAreRefused
# asks for 256 GB on purpose and checks the refusal.
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:check_initialization_order=1:allocator_may_return_null=1
export LSAN_OPTIONS="suppressions=$PWD/tools/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$build/tests/spikernn_tests"

# A fixed seed and number of runs (about a minute each here); SPIKERNN_FUZZ_RUNS scales both.
# Allocations beyond 2 GB fail as on a small machine: a damaged file may make matio ask for one,
# and what is tested is that the failure is handled.
export ASAN_OPTIONS="$ASAN_OPTIONS:max_allocation_size_mb=2048"
runs=${SPIKERNN_FUZZ_RUNS:-1}
for fuzzer in model_loader:20000 config:300000; do
  name=${fuzzer%%:*}
  corpus="$build/corpus-$name"
  rm -rf "$corpus" && mkdir -p "$corpus"
  "$build/tests/fuzz/fuzz_$name" -seed=1 -runs=$((${fuzzer##*:} * runs)) -rss_limit_mb=4096 \
    -timeout=20 -print_final_stats=1 -artifact_prefix="$build/" "$corpus" \
    "tests/fuzz/corpus/${name/model_loader/model}"
done
