#!/usr/bin/env bash
# Capture on both sides of every device names the guilty one: a clean NAT ("edge") and a faulty
# router ("core") in one lab. Every failing verdict must name core, nat must name edge, no verdict
# may blame edge for a loss; the saved pcapng must open in tshark; and `dnspath analyze` on the
# saved taps must name the same devices as the live run. Needs root; exits 77 without it.
# Usage: attribution_test.sh dnspath
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0
expect() { if eval "$2"; then passes=$((passes + 1)); else echo "FAIL $1"; failures=$((failures + 1)); fi; }
"$bin" lab run --profile "$here/fault-two.toml" --out "$work/live" >"$work/live.out" 2>&1
devices() {  # devices RESULT → "checkpoint/family=device" for every fail and warn, sorted
  python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
for v in d['verdicts']:
    if v['status'] in ('fail', 'warn'):
        devices = [b['device'] for b in v['blame']]
        print(f\"{v['checkpoint']}/{v['family']}={'+'.join(devices) or None}\")" "$1" | sort
}
causes() {  # causes RESULT → "checkpoint/family=cause code" for every verdict, sorted
  python3 -c "
import json, sys
for v in json.load(open(sys.argv[1]))['verdicts']:
    print(f\"{v['checkpoint']}/{v['family']}={v['cause']['code']}\")" "$1" | sort
}
devices "$work/live/result.json" > "$work/live.devices"
cat "$work/live.devices"
# Two devices, one faulty: the result turned into a lab shows the same failures on core again.
expect "lab reproduce --run of the two-device result exits 0" "'$bin' lab reproduce '$work/live' --out '$work/reproduced' --prefix rdtab --run >'$work/reproduced.out' 2>&1"
grep -E "failing verdicts reproduced|did not" "$work/reproduced.out"
expect "udp-fragments ipv4 blamed on core" "grep -qx 'udp-fragments/ipv4=core' '$work/live.devices'"
expect "tcp-direct ipv4 blamed on core" "grep -qx 'tcp-direct/ipv4=core' '$work/live.devices'"
expect "tcp-direct ipv6 blamed on core" "grep -qx 'tcp-direct/ipv6=core' '$work/live.devices'"
expect "nat ipv4 names edge" "grep -qx 'nat/ipv4=edge' '$work/live.devices'"
expect "edge is blamed for nothing else" "! grep -v '^nat/' '$work/live.devices' | grep -q '=edge'"
expect "ipv6 fragments are not failing" "! grep -q 'udp-fragments/ipv6' '$work/live.devices'"
for tap in edge.in edge.out core.in core.out; do
  expect "tap $tap written and readable by tshark" "[ -s '$work/live/taps/$tap.pcapng' ] && tshark -n -r '$work/live/taps/$tap.pcapng' -c 1 >/dev/null 2>&1"
done
# RFC 3225: the responder copies DO into its answers, as Wireshark reads them at the core's far tap.
expect "signed answers carry DO=1 (dns.resp.z.do)" "[ \"\$(tshark -n -r '$work/live/taps/core.out.pcapng' -Y 'dns.flags.response == 1 && dns.resp.type == 46 && dns.resp.z.do == 1' 2>/dev/null | wc -l)\" -gt 0 ]"
expect "no signed answer without DO" "[ \"\$(tshark -n -r '$work/live/taps/core.out.pcapng' -Y 'dns.flags.response == 1 && dns.resp.type == 46 && dns.resp.z.do == 0' 2>/dev/null | wc -l)\" -eq 0 ]"
# Each frame of a probe carries its id as a packet comment; the file ends with the drop counts.
expect "frames carry their probe id as a comment (frame.comment)" "tshark -n -r '$work/live/taps/core.out.pcapng' -Y 'dns.qry.name contains \"p0\" && frame.comment contains \"probe=p0\"' 2>/dev/null | grep -q . && [ \"\$(tshark -n -r '$work/live/taps/core.out.pcapng' -Y 'dns.qry.name contains \"p0\" && !frame.comment' 2>/dev/null | wc -l)\" -eq 0 ]"
expect "each tap's pcapng ends with an Interface Statistics Block" "capinfos -I '$work/live/taps/edge.in.pcapng' 2>/dev/null | grep -q 'Number of stat entries = 1'"
expect "taps lost nothing" "python3 -c \"import json; d=json.load(open('$work/live/result.json')); assert len(d['taps']) == 4 and all(t['kernel_drops'] == 0 for t in d['taps'])\""
t=$work/live/taps
"$bin" analyze --device "edge=$t/edge.in.pcapng,$t/edge.out.pcapng" --device "core=$t/core.in.pcapng,$t/core.out.pcapng" \
  --result "$work/live/result.json" --out "$work/offline" >"$work/offline.out" 2>&1
devices "$work/offline/result.json" > "$work/offline.devices"
expect "offline analysis names the same devices" "diff -u '$work/live.devices' '$work/offline.devices'"
causes "$work/live/result.json" > "$work/live.causes"
causes "$work/offline/result.json" > "$work/offline.causes"
expect "offline analysis judges the same causes" "diff -u '$work/live.causes' '$work/offline.causes'"
expect "the core's fragment filter is the cause on ipv4" "grep -qx 'udp-fragments/ipv4=fragment-filter' '$work/live.causes'"
expect "the core's TCP reset is the cause" "grep -qx 'tcp-direct/ipv4=tcp-filter' '$work/live.causes'"
# Analyzing the same taps again replaces what the first analysis found, never appends to it.
"$bin" analyze --device "edge=$t/edge.in.pcapng,$t/edge.out.pcapng" --device "core=$t/core.in.pcapng,$t/core.out.pcapng" \
  --result "$work/offline/result.json" --out "$work/offline-again" >/dev/null 2>&1
expect "re-analysis keeps the same findings, not twice as many" "python3 -c \"import json; a=json.load(open('$work/offline/result.json')); b=json.load(open('$work/offline-again/result.json')); assert [len(v['findings']) for v in a['verdicts']] == [len(v['findings']) for v in b['verdicts']] and a['taps'] == b['taps']\""
# The same with --tap files given out of order (the NAT's as lan/wan) and the profile putting the
# devices in path order.
"$bin" analyze --tap "core.out=$t/core.out.pcapng" --tap "edge.lan=$t/edge.in.pcapng" --tap "core.in=$t/core.in.pcapng" \
  --tap "edge.wan=$t/edge.out.pcapng" --profile "$here/fault-two.toml" \
  --result "$work/live/result.json" --out "$work/offline2" >"$work/offline2.out" 2>&1
devices "$work/offline2/result.json" > "$work/offline2.devices"
expect "--tap with --profile names the same devices" "diff -u '$work/live.devices' '$work/offline2.devices'"

# Standalone capture: the lab left up, `dnspath capture` tapping both devices while a run without
# taps probes the path, then analyze on those taps: the same devices once more.
"$bin" lab up --profile "$here/fault-two.toml" >"$work/up.out" 2>&1
"$bin" capture --device "edge=netns:dtab-edge/in,netns:dtab-edge/out" --device "core=netns:dtab-core/in,netns:dtab-core/out" \
  --out "$work/cap" --seconds 120 >"$work/cap.out" 2>&1 &
capture_pid=$!
sleep 1
ip netns exec dtab-probe "$bin" run --profile "$here/fault-two.toml" --target 198.18.2.2 --target fd00:2::2 --port 53 \
  --key-file /run/dnspath-dtab/key --out "$work/separate" >"$work/separate.out" 2>&1
kill -INT "$capture_pid"
wait "$capture_pid"
expect "capture stops on Ctrl-C and says what each tap saw" "grep -q 'edge.in (netns:dtab-edge/in): [1-9][0-9]* frames, 0 dropped' '$work/cap.out'"
"$bin" lab down --prefix dtab >/dev/null 2>&1
"$bin" analyze --device "edge=$work/cap/taps/edge.in.pcapng,$work/cap/taps/edge.out.pcapng" \
  --device "core=$work/cap/taps/core.in.pcapng,$work/cap/taps/core.out.pcapng" \
  --result "$work/separate/result.json" --out "$work/separate-a" >"$work/separate-a.out" 2>&1
devices "$work/separate-a/result.json" > "$work/separate.devices"
expect "taps from dnspath capture name the same devices" "diff -u '$work/live.devices' '$work/separate.devices'"
expect "nothing of the lab is left" "! ip netns list | grep -q '^dtab-'"
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
