#!/usr/bin/env bash
# A lab run stopped midway leaves nothing behind: Ctrl-C (SIGINT) or SIGTERM, at several points,
# tears the lab down by itself and keeps what was measured (schema-valid result.json, pcapng files
# tshark reads); a responder that dies mid-run is named, exit 2; a crash (SIGKILL) leaves the lab and readable pcapng files, and `lab down` then
# removes every namespace, veth, process and nftables table of it. Needs root; exits 77 without it.
# Usage: interrupt_test.sh dnspath
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
profile=$here/interrupt.toml   # a plan long enough to stop midway
prefix=dtcap
work=$(mktemp -d)
trap '"$bin" lab down --prefix $prefix >/dev/null 2>&1; rm -rf "$work"' EXIT
failures=0
passes=0
expect() { if eval "$2"; then passes=$((passes + 1)); else echo "FAIL $1"; failures=$((failures + 1)); fi; }
nothing_left() {
  ! ip netns list | grep -q "^$prefix-" &&
  ! pgrep -f "dnspath-$prefix/key" >/dev/null &&
  [ ! -e "/run/dnspath-$prefix" ] &&
  ! ip link show | grep -qE "^[0-9]+: (in|out)@"
}

# Ctrl-C: the lab goes away by itself, and the partial result is written.
"$bin" lab run --profile "$profile" --out "$work/int" >"$work/int.log" 2>&1 &
run=$!
sleep 5
kill -INT "$run"
wait "$run"
rc=$?
expect "interrupted lab run exits 2" "[ $rc -eq 2 ]"
expect "partial result.json kept" "python3 -c \"import json; d=json.load(open('$work/int/result.json')); assert d['interrupted'] and d['probes']\""
expect "nothing left after Ctrl-C" nothing_left

# SIGINT and SIGTERM at several points of the run (early while the lab comes up, in the middle,
# late): each time exit 2, a partial result.json that validates against the schema, every pcapng
# written so far opens in tshark, and nothing of the lab is left.
schema=$here/../../docs/result.schema.json
pcapngs_open() {  # every tap file of a run folder reads to its end in tshark (none: fine early on)
  local file
  for file in "$1"/taps/*.pcapng; do
    [ -e "$file" ] || continue
    tshark -n -r "$file" >/dev/null 2>&1 || return 1
  done
}
for point in 1 3 7; do
  for signal in INT TERM; do
    out=$work/$signal-$point
    "$bin" lab run --profile "$profile" --out "$out" >"$out.log" 2>&1 &
    run=$!
    sleep "$point"
    kill -"$signal" "$run"
    wait "$run"
    rc=$?
    expect "SIG$signal after ${point}s: exit 2" "[ $rc -eq 2 ]"
    # Before the probe started there is nothing to write; once it has, the result is whole.
    expect "SIG$signal after ${point}s: result.json absent or valid against the schema" \
      "[ ! -e '$out/result.json' ] || [ \"\$(python3 '$here/../validate_result.py' '$schema' '$out/result.json')\" = valid ]"
    expect "SIG$signal after ${point}s: every pcapng opens in tshark" "pcapngs_open '$out'"
    expect "SIG$signal after ${point}s: nothing of the lab left" nothing_left
  done
done
expect "a late interrupt has a partial result to show" "[ -s '$work/INT-7/result.json' ] && [ -s '$work/TERM-7/result.json' ]"

# The far end dies mid-run (the responder did once, to SIGPIPE): not the path's doing, so the lab
# run says which responder died, keeps its log beside the result, exits 2, and tears down.
"$bin" lab run --profile "$profile" --out "$work/dead" >"$work/dead.log" 2>&1 &
run=$!
sleep 5
pkill -KILL -f "respond.*dnspath-$prefix/key"
wait "$run"
rc=$?
expect "a lab run whose responder died exits 2 ($rc)" "[ $rc -eq 2 ]"
expect "it names the responder that died" "grep -q 'lab responder server1 died during the run' '$work/dead.log'"
expect "the responder's log is kept beside the result" "[ -f '$work/dead/server1.responder.log' ] && grep -q serving '$work/dead/server1.responder.log'"
expect "nothing left after the responder died" nothing_left

# A crash: SIGKILL to dnspath and its probe; the lab stays until lab down removes it.
"$bin" lab run --profile "$profile" --out "$work/kill" >"$work/kill.log" 2>&1 &
run=$!
sleep 5
pkill -KILL -f "dnspath run --profile $profile" 2>/dev/null
kill -KILL "$run"
wait "$run" 2>/dev/null
expect "a killed run leaves its lab behind (the case lab down is for)" "ip netns list | grep -q '^$prefix-'"
expect "the killed run's pcapng files open in tshark (each block written whole)" "pcapngs_open '$work/kill'"
"$bin" lab down --profile "$profile" >"$work/down.log" 2>&1
expect "lab down succeeds" "grep -q 'removed 4 namespaces' '$work/down.log' || grep -q 'removed 3 namespaces' '$work/down.log'"
expect "nothing left after lab down" nothing_left
"$bin" lab down --profile "$profile" >"$work/down2.log" 2>&1
expect "lab down again is a no-op" "grep -q 'removed 0 namespaces' '$work/down2.log'"

# A lab with every kind of process (dnsmasq in the cpe, three responders behind the lb) left up,
# as a crash leaves it: lab down removes the processes, the six namespaces and their nftables.
prefix=dtcl
"$bin" lab up --profile "$here/cpe-lb.toml" >"$work/up.log" 2>&1
expect "the cpe's dnsmasq runs" "pgrep -f 'dnsmasq.*dnspath-dtcl/' >/dev/null"
expect "three responders run" "[ \$(pgrep -fc 'respond.*dnspath-dtcl/key') -eq 3 ]"
expect "the lb has its DNAT table" "ip netns exec dtcl-lb nft list table ip dnspath_lb >/dev/null 2>&1"
"$bin" lab down --prefix dtcl >"$work/down3.log" 2>&1
expect "lab down removes all six namespaces" "grep -q 'removed 6 namespaces' '$work/down3.log'"
expect "no dnsmasq or responder left" "! pgrep -f 'dnspath-dtcl/' >/dev/null"
expect "nothing left of the cpe/lb lab" nothing_left
# dnspath capture, stopped by SIGTERM and by SIGKILL: its pcapng files open in tshark either way.
for signal in TERM KILL; do
  "$bin" capture --device "lo=lo,lo" --out "$work/cap-$signal" >"$work/cap-$signal.log" 2>&1 &
  run=$!
  sleep 1
  ping -c 3 -i 0.2 -q 127.0.0.1 >/dev/null 2>&1  # something for the taps (icmp is in their filter)
  dig +time=1 +tries=1 @127.0.0.1 -p 53 example.test >/dev/null 2>&1
  kill -"$signal" "$run"
  wait "$run" 2>/dev/null
  rc=$?
  [ "$signal" = TERM ] && expect "capture stops on SIGTERM with exit 0 or 2 ($rc)" "[ $rc -eq 0 ] || [ $rc -eq 2 ]"
  expect "capture's pcapng files after SIG$signal open in tshark" "ls '$work/cap-$signal'/taps/*.pcapng >/dev/null 2>&1 && pcapngs_open '$work/cap-$signal'"
done
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
