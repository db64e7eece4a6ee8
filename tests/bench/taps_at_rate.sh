#!/usr/bin/env bash
# Benchmark: `dnspath capture` on both sides of two devices (four live taps) while dnsperf drives
# small queries through them at full speed; the packets per second the taps recorded in total and
# their kernel and interface drops, against what tshark (dumpcap, same ring size) records on the
# same four interfaces at the same load, in one run. Installs dnsperf and tshark when missing (root).
# Usage: tests/bench/taps_at_rate.sh [DNSPATH] [SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-build/probe/cli/dnspath}")
seconds=${2:-10}
[ -x "$bin" ] || { echo "benchmark: no dnspath at $bin (build first)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "benchmark: needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) to build the lab" >&2; exit 2; }
source "$here/lib.sh"
need dnsperf dnsperf; need dumpcap tshark
work=$(mktemp -d)
cleanup() { "$bin" lab down --prefix dtr >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
"$bin" lab up --profile "$here/taps.toml" >"$work/up.txt" 2>&1 || { cat "$work/up.txt" >&2; exit 2; }
server=$(sed -n 's/.*responder on \([0-9.]*\) and.*/\1/p' "$work/up.txt" | head -1)
# "cpe: ..., taps netns:dtr-cpe/IF, netns:dtr-cpe/IF": the node lines give each device's two taps.
mapfile -t taps < <(grep -o 'netns:dtr-[a-z-]*/[a-z0-9-]*' "$work/up.txt")
[ -n "$server" ] && [ ${#taps[@]} -eq 4 ] || { echo "benchmark: lab up said no responder or not four taps" >&2; cat "$work/up.txt" >&2; exit 2; }
devices=(--device "cpe=${taps[0]},${taps[1]}" --device "isp-router=${taps[2]},${taps[3]}")
for i in $(seq 1000); do echo "p$i.probe.dnspath.test TXT"; done >"$work/queries"
load() {  # load: dnsperf from the probe's namespace through both devices, $seconds s; its queries/s
  ip netns exec dtr-probe dnsperf -s "$server" -d "$work/queries" -l "$seconds" -c 8 -q 64 2>/dev/null |
    awk '/Queries per second/ {printf "%d", $4}'
}

# dnspath capture: four taps, pcapng each, until the load ends.
"$bin" capture "${devices[@]}" --out "$work/dnspath" --seconds "$((seconds + 2))" >"$work/dnspath.txt" 2>"$work/dnspath.err" &
capture=$!
sleep 1
ours_qps=$(load)
wait $capture || { cat "$work/dnspath.err" >&2; exit 2; }
read -r ours_frames ours_drops < <(python3 -c '
import re, sys
frames = drops = 0
for m in re.finditer(r"(\d+) frames?, (\d+) dropped by the kernel, (\d+) by the interface", open(sys.argv[1]).read()):
    frames += int(m[1]); drops += int(m[2]) + int(m[3])
print(frames, drops)' "$work/dnspath.txt")

# dumpcap (tshark's capture engine): the same four interfaces, one process per namespace side.
pids=()
for tap in "${taps[@]}"; do
  ns=${tap#netns:}; ns=${ns%%/*}; iface=${tap##*/}
  ip netns exec "$ns" dumpcap -q -i "$iface" -B 16 -f "port 53" -a "duration:$((seconds + 2))" -w "$work/$ns-$iface.pcapng" \
    2>"$work/$ns-$iface.dumpcap" &
  pids+=($!)
done
sleep 1
peer_qps=$(load)
for p in "${pids[@]}"; do wait "$p" || true; done
peer_frames=0 peer_drops=0
for f in "$work"/*.dumpcap; do
  peer_frames=$((peer_frames + $(sed -n 's/.*Packets captured: \([0-9]*\).*/\1/p; s/.*Packets: \([0-9]*\).*/\1/p' "$f" | tail -1)))
  peer_drops=$((peer_drops + $(sed -n 's/.*Dropped: \([0-9]*\).*/\1/p' "$f" | tail -1 | grep . || echo 0)))
done
echo "load through the path: dnsperf $ours_qps q/s (dnspath taps), $peer_qps q/s (dumpcap)"
echo "dnspath capture, 4 taps: $ours_frames frames, $((ours_frames / seconds)) packets/s during the load, $ours_drops dropped"
echo "dumpcap, 4 taps:          $peer_frames frames, $((peer_frames / seconds)) packets/s during the load, $peer_drops dropped"
echo "ratio dnspath/dumpcap frames: $(ratio "$ours_frames" "$peer_frames")"
