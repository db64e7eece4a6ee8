#!/usr/bin/env bash
# The answer's way back located without taps: probe — r1 — r2 — server, r2 dropping DNS answers
# over 1232 octets (answer direction only). The run has no taps; path-trace's answer direction
# (the responder sends TTL-limited copies of the large answer and of a small one, and reports the
# ICMP time exceeded it hears) must name r2's server-side address as the last hop the large answer
# reached, r1 as the first that saw only the small copy, on both families, with the query route
# shown beside it. Needs root; exits 77 without it. Usage: answer_trace_test.sh dnspath
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
trap '"$bin" lab down --prefix dtat >/dev/null 2>&1; rm -rf "$work"' EXIT

"$bin" lab up --profile "$here/answer-trace.toml" >"$work/up.out" 2>&1 || { cat "$work/up.out"; echo "0 passed, 1 failed"; exit 1; }
# No --tap and a profile whose devices name none: nothing but the probe's own packets decides.
timeout 120 ip netns exec dtat-probe "$bin" run --profile "$here/answer-trace.toml" --target 198.18.2.2 --target fd00:2::2 \
  --key-file /run/dnspath-dtat/key --out "$work/trace" >"$work/trace.out" 2>&1
echo $? > "$work/trace.rc"
validate trace "$work/trace/result.json"
expect trace "no taps" "d['taps'] == []"
expect trace "exit 1: the size cap fails" "open('$work/trace.rc').read().strip() == '1'"
for f in ipv4 ipv6; do
  if [ $f = ipv4 ]; then r2=198.18.2.1; r1=198.18.1.1; else r2=fd00:2::1; r1=fd00:1::1; fi
  expect trace "udp-large $f fails (the cap)" "v('udp-large', '$f')['status'] == 'fail'"
  expect trace "path-trace $f: the answer is lost on its way back" "v('path-trace', '$f')['code'] == 'loss-located' and v('path-trace', '$f')['p']['direction'] == 'answer'"
  expect trace "the answer path was traced by the responder on $f" "v('path-trace', '$f')['p']['answer_trace'] == 'traced'"
  expect trace "large answers reach hop 1 ($r2, r2) and die there on $f" "v('path-trace', '$f')['p']['answer_dies_at_hop'] == 1 and v('path-trace', '$f')['p']['answer_dies_at'] == '$r2'"
  expect trace "hop 2 ($r1, r1) saw only the small copy on $f" "v('path-trace', '$f')['p']['answer_next_hop'] == '$r1' and [h for h in v('path-trace', '$f')['p']['answer_hops'] if h['hop'] == 2][0].get('large_from') is None"
  expect trace "the quoted length shows the large copy whole at r2 on $f" "[h for h in v('path-trace', '$f')['p']['answer_hops'] if h['hop'] == 1][0]['quoted_ip_length'] > 1232 and not [h for h in v('path-trace', '$f')['p']['answer_hops'] if h['hop'] == 1][0]['fragment']"
  expect trace "both routes shown: the query's too on $f" "len([h for h in v('path-trace', '$f')['p']['hops'] if h['from']]) >= 2"
done
expect trace "the report says where, in words" "'large answers reach hop 1 (198.18.2.1) and no further' in open('$work/trace/report.html').read()"
"$bin" lab down --prefix dtat >/dev/null 2>&1
left_behind dtat
# No taps, so the run's path is path-trace's: a router per hop, the cap on the one the answer
# trace located (hop2 from the probe); that lab, with taps, must blame hop2 for the same failures.
reproduces trace
expect trace "the reproduced lab puts the cap on the second router" "'name = \"hop2\"' in open('$work/trace-reproduced/profile.toml').read() and 'udp_size_cap = 1232' in open('$work/trace-reproduced/profile.toml').read().split('name = \"hop2\"')[1]"
finish
