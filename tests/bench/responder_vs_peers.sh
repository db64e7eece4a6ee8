#!/usr/bin/env bash
# Benchmark: queries per second dnsperf gets from the dnspath responder, from Knot 3 and from
# BIND 9 (authoritative, the same kind of small TXT answer), each with one worker per core, all on
# loopback, in one run, and the ratios. Installs dnsperf, knot and bind9 when missing (root).
# Usage: tests/bench/responder_vs_peers.sh [DNSPATH] [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-build/probe/cli/dnspath}
seconds=${2:-5}
[ -x "$bin" ] || { echo "benchmark: no dnspath at $bin (build first)" >&2; exit 2; }
source "$here/lib.sh"
need dnsperf dnsperf; need knotd knot; need named bind9
workers=$(nproc)
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT

"$bin" keygen "$work/key" >/dev/null
"$bin" respond --listen 127.0.0.1 --port 5391 --key-file "$work/key" --rate 1000000 --workers "$workers" 2>"$work/responder.log" &
pids+=($!)
"$here/../lab/signed-zone.sh" "$work/zone" >/dev/null
start_knot "$work" 5393 "$workers" "$work/zone"
start_bind "$work" 5392 "$workers" "$work/zone"
sleep 1.5
for i in $(seq 1000); do echo "p$i.probe.dnspath.test TXT"; done > "$work/responder.queries"
for i in $(seq 1000); do echo "small.example.test TXT"; done > "$work/peer.queries"
# dnsperf with as many threads as cores, 4 clients and 200 queries in flight: the same for all three.
opts=(-c 4 -q 200 -T "$workers")
ours=$(qps 5391 "$work/responder.queries" "$seconds" "${opts[@]}")
knot=$(qps 5393 "$work/peer.queries" "$seconds" "${opts[@]}")
bind=$(qps 5392 "$work/peer.queries" "$seconds" "${opts[@]}")
echo "dnspath responder: ${ours:-none} queries/s ($workers workers)"
echo "Knot $(knotd -V | awk '{print $NF}'):        ${knot:-none} queries/s ($workers UDP workers)"
echo "BIND $(named -v | awk '{print $2}'):      ${bind:-none} queries/s ($workers threads)"
echo "ratio dnspath/Knot: $(ratio "$ours" "$knot")"
echo "ratio dnspath/BIND: $(ratio "$ours" "$bind")"
[ -n "$ours" ] && [ -n "$knot" ] && [ -n "$bind" ] || { echo "benchmark: a server did not answer" >&2; exit 1; }
