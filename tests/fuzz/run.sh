#!/usr/bin/env bash
# Runs every libFuzzer target (or the ones named) for a chosen time from its seed corpus, and
# prints one Markdown row per target: executions, executions per second, coverage (cov, ft) and
# crashes. The coverage comes from every dnspath library, built with -fsanitize=fuzzer-no-link.
# Usage: tests/fuzz/run.sh SECONDS [TARGET...]   (needs clang; ./setup.sh installs it)
#        DNSPATH_FUZZ_RUNS=10000000 tests/fuzz/run.sh 3600 message   (stop at 10 M executions)
#        DNSPATH_FUZZ_ARGS="-max_len=8192" tests/fuzz/run.sh 600 result   (more libFuzzer flags)
# Crash inputs go to build-fuzz/crashes/TARGET/; add them to tests/fuzz/corpus/TARGET/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(message packet profile capture_file result echo pcapng dnssec request)
command -v clang++ >/dev/null || { echo "run.sh: clang++ is not installed (./setup.sh installs it)" >&2; exit 2; }
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DDNSPATH_FUZZ=ON \
  -DDNSPATH_SANITIZERS="address;undefined" >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null
echo "| target | seconds | executions | exec/s | cov | ft | crashes |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
status=0
for target in "${targets[@]}"; do
  corpus=build-fuzz/corpus-$target crashes=build-fuzz/crashes/$target
  mkdir -p "$corpus" "$crashes"
  log=build-fuzz/fuzz-$target.log
  rc=0
  "build-fuzz/tests/fuzz_$target" -max_total_time="$seconds" -runs="${DNSPATH_FUZZ_RUNS:--1}" -print_final_stats=1 -artifact_prefix="$crashes/" \
    ${DNSPATH_FUZZ_ARGS:-} \
    "$corpus" "tests/fuzz/corpus/$target" >"$log" 2>&1 || rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  last=$(grep -E '#[0-9]+.*cov: [0-9]+' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo ?)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo ?)
  found=$(find "$crashes" -type f | wc -l)
  [ "$rc" -eq 0 ] && [ "$found" -eq 0 ] || status=1
  took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "$seconds")
  echo "| \`fuzz_$target\` | $took | $runs | $speed | $cov | $ft | $found |"
done
exit $status
