#!/usr/bin/env bash
# Benchmark: queries per second that dnsperf gets from the dnspath responder and from BIND 9
# (authoritative, the same kind of small TXT answer), both on loopback, in one run, and the ratio.
# Needs dnsperf, bind9 and a built dnspath. Usage: tests/bench/responder_vs_bind.sh [dnspath] [seconds]
set -euo pipefail
bin=${1:-build/probe/cli/dnspath}
seconds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT

"$bin" keygen "$work/key" >/dev/null
"$bin" respond --listen 127.0.0.1 --port 5391 --key-file "$work/key" --rate 1000000 2>"$work/responder.log" &
pids+=($!)
"$here/../lab/signed-zone.sh" "$work/zone" >/dev/null
cat > "$work/named.conf" <<CONF
options { directory "$work/zone"; pid-file "$work/named.pid"; listen-on port 5392 { 127.0.0.1; };
          listen-on-v6 { none; }; recursion no; dnssec-validation no; };
zone "example.test" { type primary; file "example.test.unsigned"; };
CONF
named -g -c "$work/named.conf" -u root >"$work/named.log" 2>&1 &
pids+=($!)
sleep 1.5
for i in $(seq 1000); do echo "p$i.probe.dnspath.test TXT"; done > "$work/responder.queries"
for i in $(seq 1000); do echo "small.example.test TXT"; done > "$work/bind.queries"

qps() {  # qps PORT FILE
  dnsperf -s 127.0.0.1 -p "$1" -d "$2" -l "$seconds" -c 4 -q 200 2>/dev/null | awk '/Queries per second/ {print $4}'
}
ours=$(qps 5391 "$work/responder.queries")
theirs=$(qps 5392 "$work/bind.queries")
echo "dnspath responder: ${ours} queries/s (one thread)"
echo "BIND 9 (named):    ${theirs} queries/s"
python3 -c "print(f'ratio dnspath/BIND: {float(\"$ours\")/float(\"$theirs\"):.2f}')"
