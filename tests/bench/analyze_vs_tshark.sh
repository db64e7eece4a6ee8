#!/usr/bin/env bash
# Benchmark: dnspath's offline analysis against `tshark -n -r F -Y dns` on the same capture, in one
# run, with the ratio. The capture is a real lab tap (IPv4+IPv6, fragments, TCP) repeated to
# FRAMES frames. Usage: tests/bench/analyze_vs_tshark.sh BUILD_DIR [FRAMES] [TAP.pcapng]
set -euo pipefail
build=${1:-build}
frames=${2:-200000}
tap=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$tap" ]; then
  "$build/probe/cli/dnspath" lab run --out "$work/run" >/dev/null 2>&1 || true
  tap="$work/run/taps/cpe.out.pcapng"
fi
tcpdump -n -r "$tap" -w "$work/one.pcap" 2>/dev/null
python3 - "$work/one.pcap" "$work/big.pcap" "$frames" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
header, body = data[:24], data[24:]
records, offset = [], 0
while offset + 16 <= len(body):
    length = int.from_bytes(body[offset + 8:offset + 12], "little")
    records.append(body[offset:offset + 16 + length]); offset += 16 + length
want = int(sys.argv[3])
with open(sys.argv[2], "wb") as out:
    out.write(header)
    for i in range(want):
        out.write(records[i % len(records)])
PY
ours=$("$build/tests/analyze_bench" "$work/big.pcap" 5)
# tshark's median of three runs, as ours is a median of five.
times=()
for _ in 1 2 3; do
  start=$(date +%s.%N)
  tshark -n -r "$work/big.pcap" -Y dns > /dev/null 2>&1
  end=$(date +%s.%N)
  times+=("$(python3 -c "print($end - $start)")")
done
python3 - "$ours" "$frames" "${times[@]}" <<'PY'
import statistics, sys
ours = float(sys.argv[1].split(", ")[-1].split()[0])
tshark = int(sys.argv[2]) / statistics.median(float(t) for t in sys.argv[3:])
print(f"dnspath analysis: {sys.argv[1]}")
print(f"tshark -n -r F -Y dns (median of 3): {tshark:.0f} frames/s")
print(f"ratio dnspath/tshark: {ours / tshark:.1f}")
PY
