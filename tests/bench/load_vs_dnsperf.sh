#!/usr/bin/env bash
# Benchmark: the load kind's engine (tests/bench/load_bench: net::udp_load, as the `load`
# checkpoint runs it) against dnsperf, each driving the same Knot 3 on loopback for the same time
# with the same number of flows and queries in flight, in one run, and the ratio.
# Installs dnsperf and knot when missing (root). Usage: tests/bench/load_vs_dnsperf.sh [BUILD] [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
seconds=${2:-5}
[ -x "$build/tests/load_bench" ] || { echo "benchmark: no $build/tests/load_bench (build first)" >&2; exit 2; }
source "$here/lib.sh"
need dnsperf dnsperf; need knotd knot
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT
"$here/../lab/signed-zone.sh" "$work/zone" >/dev/null
start_knot "$work" 5394 "$(nproc)" "$work/zone"
sleep 1
for i in $(seq 1000); do echo "small.example.test TXT"; done > "$work/queries"
flows=8 in_flight=64
theirs=$(qps 5394 "$work/queries" "$seconds" -c "$flows" -q "$in_flight")
line=$("$build/tests/load_bench" 127.0.0.1 5394 small.example.test "$seconds" "$flows" "$in_flight")
ours=$(awk '{print $2}' <<<"$line")
echo "dnspath load engine: ${ours} queries/s ($flows flows, $in_flight in flight; $line)"
echo "dnsperf:             ${theirs:-none} queries/s (-c $flows -q $in_flight)"
echo "ratio load engine/dnsperf: $(ratio "$ours" "$theirs")"
[ -n "$theirs" ] || { echo "benchmark: dnsperf got no answers" >&2; exit 1; }
