#!/usr/bin/env bash
# A real probe run against a real responder over loopback (IPv4 and IPv6): every checkpoint that is
# implemented must pass, result.json must follow the documented interface, a wrong key must not
# pass for large answers, and Ctrl-C must keep what was measured. Usage: loopback_test.sh dnspath
set -u
bin=$1
work=$(mktemp -d)
responder=""
cleanup() { [ -n "$responder" ] && kill "$responder" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
failures=0
passes=0
expect() {  # expect NAME CONDITION...
  local name=$1; shift
  if "$@"; then passes=$((passes + 1)); else
    # What the run said, so a failure seen once in CI can be read afterwards.
    echo "FAIL $name"; tail -3 "$work/err.txt" "$work/responder.log" 2>/dev/null; failures=$((failures + 1)); fi
}
port=$((20000 + RANDOM % 20000))
"$bin" keygen "$work/key" >/dev/null
tls_port=$((port + 1))
"$bin" respond --listen 127.0.0.1 --listen ::1 --port "$port" --tls-port "$tls_port" --key-file "$work/key" 2>"$work/responder.log" &
responder=$!
for _ in $(seq 50); do grep -q serving "$work/responder.log" && break; sleep 0.1; done

"$bin" run --target 127.0.0.1 --target ::1 --port "$port" --key-file "$work/key" --out "$work/run" --no-color \
  >"$work/out.txt" 2>"$work/err.txt"
rc=$?
expect "clean loopback run exits 0" test "$rc" -eq 0
json="$work/run/result.json"
expect "result.json written" test -s "$json"
q() { python3 -c "import json,sys; d=json.load(open('$json')); print(eval(sys.argv[1]))" "$1"; }
expect "no failing verdict" test "$(q "sum(v['status']=='fail' for v in d['verdicts'])")" = 0
for checkpoint in udp-large tcp-direct tcp-fallback edns-options edns-version qdcount nat pmtu tsig dot-853; do
  for family in ipv4 ipv6; do
    expect "$checkpoint/$family passes" test "$(q "[v['status'] for v in d['verdicts'] if v['checkpoint']=='$checkpoint' and v['family']=='$family']")" = "['pass']"
  done
done
expect "largest UDP answer ipv4 is 4096" test "$(q "d['summary']['ipv4']['largest_udp_answer']")" = 4096
expect "largest UDP answer ipv6 is 4096" test "$(q "d['summary']['ipv6']['largest_udp_answer']")" = 4096
expect "nat is false" test "$(q "d['summary']['ipv4']['nat']")" = False
expect "path_mtu over loopback is at least 1500" test "$(q "d['summary']['ipv4']['path_mtu']")" = 1500
expect "nobody is blamed without capture" test "$(q "all(v['blame'] == [] and v['findings'] == [] for v in d['verdicts'])")" = True
expect "every pass carries cause ok" test "$(q "all(v['cause']['code'] == 'ok' for v in d['verdicts'] if v['status'] == 'pass')")" = True
expect "dns-interception passes on both families" test "$(q "[v['status'] for v in d['verdicts'] if v['checkpoint']=='dns-interception']")" = "['pass', 'pass']"
expect "result records the command line and kernel" test "$(q "d['command_line'][1] == 'run' and d['host']['kernel'].startswith('Linux') and d['schema_version'] == 1")" = True
expect "result.json matches the schema" test "$(python3 "$(dirname "$0")/../validate_result.py" "$(dirname "$0")/../../docs/result.schema.json" "$json")" = valid
expect "report takes the run folder" bash -c "'$bin' report '$work/run' --no-color | grep -q 'largest UDP answer 4096'"
expect "dnssec passes on both families" test "$(q "[v['status'] for v in d['verdicts'] if v['checkpoint']=='dnssec-passthrough']")" = "['pass', 'pass']"
expect "every probe recorded" test "$(q "len(d['probes']) > 100")" = True
expect "table shows checkpoints" grep -q "udp-large" "$work/out.txt"
expect "report re-renders" bash -c "'$bin' report '$json' --no-color | grep -q 'largest UDP answer 4096'"

# TSIG against a real peer: BIND's dig signs with the key `name --tsig` prints, and verifies the
# responder's signed answer (it warns "could not be validated" otherwise); a wrong secret gets
# NOTAUTH with BADSIG.
tsig_key=$("$bin" name --tsig -k "$work/key")
tsig_name=$("$bin" name -k "$work/key" --echo)
dig @127.0.0.1 -p "$port" "$tsig_name" TXT +norecurse -y "$tsig_key" >"$work/dig-tsig.txt" 2>&1
expect "dig's signed query verified at the responder" grep -q '"tsig=ok"' "$work/dig-tsig.txt"
expect "the responder's signed answer verified by dig" bash -c "grep -q 'TSIG PSEUDOSECTION' '$work/dig-tsig.txt' && ! grep -q 'could not be validated' '$work/dig-tsig.txt'"
dig @127.0.0.1 -p "$port" "$tsig_name" TXT +norecurse -y "hmac-sha256:tsig.dnspath:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" >"$work/dig-badsig.txt" 2>&1
expect "a wrong TSIG secret gets NOTAUTH with BADSIG" bash -c "grep -q 'status: NOTAUTH' '$work/dig-badsig.txt' && grep -q BADSIG '$work/dig-badsig.txt'"

# DNS over TLS against a real peer: BIND's dig +tls completes the handshake with the responder's
# self-signed certificate and gets its answer, the echo saying it came over TLS.
dig @127.0.0.1 -p "$tls_port" +tls "$tsig_name" TXT +norecurse >"$work/dig-tls.txt" 2>&1
expect "dig +tls gets the responder's answer over TLS" bash -c "grep -q 'status: NOERROR' '$work/dig-tls.txt' && grep -q '\"transport=tls\"' '$work/dig-tls.txt'"

# A different key: the responder refuses large answers, so udp-large cannot pass.
"$bin" keygen "$work/otherkey" >/dev/null
"$bin" run --target 127.0.0.1 --port "$port" --key-file "$work/otherkey" --probes edns-size --families ipv4 \
  --out "$work/wrongkey" >/dev/null 2>&1
json="$work/wrongkey/result.json"
expect "wrong key is not a pass" test "$(q "[(v['status'], v['cause']['code']) for v in d['verdicts'] if v['checkpoint']=='udp-large']")" = "[('na', 'refused')]"

# --lang ja: the table and report.html in Japanese, the result.json the same data.
"$bin" run --target 127.0.0.1 --port "$port" --key-file "$work/key" --probes edns-size --families ipv4 --lang ja \
  --no-color --out "$work/ja" >"$work/ja.txt" 2>&1
expect "run --lang ja prints the totals in Japanese" grep -q "^不合格 0、警告 [0-9]*、合格 [1-9]" "$work/ja.txt"
expect "run --lang ja writes report.html in Japanese" grep -q '<html lang="ja">' "$work/ja/report.html"
expect "run --lang xx is a usage error" bash -c "'$bin' run --target 127.0.0.1 --lang xx >/dev/null 2>&1; [ \$? -eq 2 ]"

# Interrupted: a UDP socket that reads nothing makes every probe time out; SIGINT must still write
# result.json with what was measured.
# The sink takes a port the kernel gives it and says which: a port picked here could be taken by
# a concurrent test, and the ICMP refusals of a port nobody holds would end the run at once.
python3 -c "import socket,time,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1], flush=True); time.sleep(30)" >"$work/sink.port" &
sink=$!
for _ in $(seq 50); do [ -s "$work/sink.port" ] && break; sleep 0.1; done
silent=$(cat "$work/sink.port")
"$bin" run --target 127.0.0.1 --port "$silent" --probes edns-size --families ipv4 --out "$work/interrupted" \
  >/dev/null 2>&1 &
run=$!
sleep 1.5
kill -INT "$run"
wait "$run"
rc=$?
json="$work/interrupted/result.json"
expect "interrupted run exits 2" test "$rc" -eq 2
expect "interrupted result.json written" test -s "$json"
expect "interrupted flag set" test "$(q "d['interrupted']")" = True
expect "interrupted run kept its probes" test "$(q "len(d['probes']) > 0")" = True
expect "interrupted probes are timeouts, not passes" test "$(q "all(p['outcome']=='timeout' for p in d['probes'])")" = True
expect "the partial result matches the schema" test "$(python3 "$(dirname "$0")/../validate_result.py" "$(dirname "$0")/../../docs/result.schema.json" "$json")" = valid
kill "$sink" 2>/dev/null

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
