#!/usr/bin/env bash
# Fuzzes every reader of user-supplied bytes with libFuzzer: film.toml, the prompt weighting syntax,
# safetensors, .cube LUTs, PNG, video and the review server's request handling. Usage: scripts/fuzz.sh [SECONDS per target, default 60].
# Builds fuzz/ with clang (ASan + UBSan + coverage) in build-fuzz/, runs each target from its seed
# corpus fuzz/corpus/<target>/ (the inputs of every crash found so far are kept there, so each run
# replays them first), writes new inputs to build-fuzz/corpus/<target>/ and prints, per target,
# the executions and the coverage reached. A crash leaves its input in build-fuzz/crashes/<target>/
# and makes the script exit 1. Packages: scripts/setup.sh (clang, libclang-rt-14-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
targets=(film_toml weighting safetensors cube png video http_request)

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DSHOTGEN_FUZZ=ON -DSHOTGEN_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz --target "${targets[@]/#/fuzz_}"

# Fixtures a target makes for itself (fuzz_http_request's workspace) go under build-fuzz/tmp.
rm -rf build-fuzz/tmp && mkdir -p build-fuzz/tmp
export TMPDIR=$PWD/build-fuzz/tmp
# LeakSanitizer stays on; libFuzzer reports a leak as a crash.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
failed=0
printf '%-12s %12s %8s %8s %8s\n' target executions cov ft corpus
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/crashes/$t"
  log="build-fuzz/$t.log"
  # -rss_limit_mb: an input that makes a reader allocate without bound is a finding, not an OOM kill.
  if ! "build-fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
      -artifact_prefix="build-fuzz/crashes/$t/" "build-fuzz/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
    failed=1
    echo "fuzz_$t FOUND A CRASH: $(ls "build-fuzz/crashes/$t" | head -n1) (log: $log)" >&2
    grep -m5 -E "ERROR|SUMMARY|runtime error" "$log" >&2 || true
  fi
  execs=$(grep -oP 'stat::number_of_executed_units:\s*\K[0-9]+' "$log" | tail -n1 || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n1 || true)
  cov=$(grep -oP 'cov: \K[0-9]+' <<<"$last" || true)
  ft=$(grep -oP 'ft: \K[0-9]+' <<<"$last" || true)
  corpus=$(grep -oP 'corp: \K[0-9]+' <<<"$last" || true)
  printf '%-12s %12s %8s %8s %8s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corpus:-?}"
done
exit $failed
