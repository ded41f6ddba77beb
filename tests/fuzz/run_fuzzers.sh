#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang and runs each one for a bounded time on a copy of its
# committed corpus: tests/fuzz/run_fuzzers.sh [BUILD_DIR (build/fuzz)] [SECONDS_PER_FUZZER (60)].
# Prints executions, new corpus entries and findings per fuzzer; exits non-zero on any finding (crash, sanitizer
# report, uncaught exception, leak, timeout or out-of-memory). Findings are kept in BUILD_DIR/fuzz-run/<parser>/
# (reproduce with: BUILD_DIR/tests/fuzz/fuzz_<parser> <file>).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
build="${1:-build/fuzz}"
seconds="${2:-60}"
jobs="$(nproc 2>/dev/null || echo 2)"
parsers=(fhir calibration)

for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "run_fuzzers: $tool not found (bash .ci/install-deps.sh)" >&2; exit 2; }
done

t0=$(date +%s)
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINEMYO_BUILD_FUZZERS=ON \
  -DKINEMYO_BUILD_TESTS=OFF -DKINEMYO_BUILD_BENCHMARKS=OFF -DKINEMYO_BUILD_EXAMPLES=OFF -DKINEMYO_INSTALL=OFF \
  -DKINEMYO_BUILD_PYTHON=OFF -DKINEMYO_RUNTIME_DISPATCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${parsers[@]/#/fuzz_}"
echo "run_fuzzers: built in $(( $(date +%s) - t0 )) s"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

status=0
summary=()
for p in "${parsers[@]}"; do
  run="$build/fuzz-run/$p"
  rm -rf "$run"
  mkdir -p "$run/corpus" "$run/findings"
  cp tests/fuzz/corpus/"$p"/* "$run/corpus/"
  seeds=$(find "$run/corpus" -type f | wc -l)
  dict=()
  if [ -f "tests/fuzz/$p.dict" ]; then dict=(-dict="tests/fuzz/$p.dict"); fi
  echo
  echo "=== fuzz_$p: $seeds seeds, $seconds s"
  rc=0
  "$build/tests/fuzz/fuzz_$p" "$run/corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=1048576 -print_final_stats=1 -artifact_prefix="$run/findings/" \
      >"$run/log.txt" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log.txt" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$run/log.txt" | tail -1)
  found=$(find "$run/findings" -type f | wc -l)
  entries=$(find "$run/corpus" -type f | wc -l)
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    status=1
    [ "$found" -eq 0 ] && found=1  # e.g. a failure before libFuzzer could write the input
    tail -n 60 "$run/log.txt"
    ls -l "$run/findings"
  fi
  summary+=("$(printf '%-18s executions %-10s seconds %-5s corpus %4s -> %-5s findings %s' \
                "fuzz_$p" "${execs:-?}" "${secs:-?}" "$seeds" "$entries" "$found")")
done

echo
echo "=== libFuzzer summary ($(( $(date +%s) - t0 )) s including the build)"
printf '%s\n' "${summary[@]}"
if [ "$status" -ne 0 ]; then echo "run_fuzzers: FINDINGS (inputs in $build/fuzz-run/<parser>/findings)" >&2; fi
exit "$status"
