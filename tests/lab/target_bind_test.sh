#!/usr/bin/env bash
# Target mode against a real BIND 9 serving a signed zone in the lab's server namespace: on a clean
# path every checkpoint target mode can judge passes; with the router capping UDP answers at 1232
# octets, udp-large fails and TCP still works. Needs root and bind9; exits 77 without them.
# Usage: target_bind_test.sh dnspath
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
command -v named >/dev/null && command -v dnssec-signzone >/dev/null || { echo "skipped: needs bind9"; exit 77; }
prefix=dtt
work=$(mktemp -d)
cleanup() { "$bin" lab down --prefix "$prefix" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
failures=0
passes=0
"$bin" lab up --profile "$here/target.toml" >"$work/up.log" 2>&1 || { cat "$work/up.log"; echo "0 passed, 1 failed"; exit 1; }
"$here/signed-zone.sh" "$work/zone" || { echo "0 passed, 1 failed"; exit 1; }
cat > "$work/named.conf" <<CONF
options {
  directory "$work/zone";
  pid-file "$work/named.pid";
  listen-on port 5300 { 198.18.1.2; };
  listen-on-v6 port 5300 { fd00:1::2; };
  recursion no;
  max-udp-size 4096;
  dnssec-validation no;
};
zone "example.test" { type primary; file "example.test.signed"; };
CONF
ip netns exec $prefix-server named -g -c "$work/named.conf" -u root >"$work/named.log" 2>&1 &
named_pid=$!
for _ in $(seq 50); do ip netns exec $prefix-probe dig +time=1 +tries=1 @198.18.1.2 -p 5300 example.test SOA >/dev/null 2>&1 && break; sleep 0.2; done
cat > "$work/profile.toml" <<TOML
[profile]
name = "BIND in target mode"
[target]
addresses = ["198.18.1.2", "fd00:1::2"]
port = 5300
mode = "target"
[[target.names]]
name = "example.test."
type = "DNSKEY"
dnssec = true
[[target.names]]
name = "t600.example.test."
type = "TXT"
[[target.names]]
name = "t1500.example.test."
type = "TXT"
dnssec = true
[[target.names]]
name = "t3000.example.test."
type = "TXT"
dnssec = true
TOML
# Taps on both sides of the router: in target mode capture follows the listed names by DNS id.
run() { ip netns exec $prefix-probe "$bin" run --profile "$work/profile.toml" --out "$work/$1" \
          --device "router=netns:$prefix-router/in,netns:$prefix-router/out" >"$work/$1.out" 2>&1; }
q() {
  python3 - "$work/$1/result.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["verdicts"]:
    x["devices"] = [b["device"] for b in x["blame"]]
    x["device"] = x["devices"][0] if len(x["devices"]) == 1 else None
    x["code"], x["p"], x["rules"] = x["cause"]["code"], x["cause"]["params"], [f["rule"] for f in x["findings"]]
def v(c, f, via="path"):
    found = [x for x in d["verdicts"] if x["checkpoint"] == c and x["family"] == f and x.get("via", "path") == via]
    return found[0] if found else {"status": "missing", "device": None, "code": None, "p": {}, "rules": []}
print(eval(sys.argv[2]))
PY
}
expect() {
  local got; got=$(q "$1" "$3" 2>&1)
  if [ "$got" = "True" ]; then passes=$((passes + 1)); else echo "FAIL $1: $2 (got $got)"; grep -vE "^\[" "$work/$1.out" | head -30; failures=$((failures + 1)); fi
}
schema_ok() {  # schema_ok NAME: the run's result.json matches docs/result.schema.json
  expect "$1" "result.json matches the schema" "__import__('subprocess').run(['python3', '$here/../validate_result.py', '$here/../../docs/result.schema.json', '$work/$1/result.json'], capture_output=True, text=True).stdout.strip() == 'valid'"
}
run clean
schema_ok clean
for f in ipv4 ipv6; do
  expect clean "udp-large $f passes against BIND" "v('udp-large', '$f')['status'] == 'pass'"
  expect clean "largest answer $f is BIND's 3000-octet TXT with RRSIG" "d['summary']['$f']['largest_udp_answer'] > 3000"
  expect clean "dnssec $f: BIND's RRSIGs verify" "v('dnssec-passthrough', '$f')['status'] == 'pass'"
  expect clean "tcp-direct $f" "v('tcp-direct', '$f')['status'] == 'pass'"
  expect clean "tcp-fallback $f" "v('tcp-fallback', '$f')['status'] == 'pass'"
  expect clean "BIND answers EDNS version 1 with BADVERS on $f" "v('edns-version', '$f')['status'] == 'pass'"
  expect clean "nat needs the echo: na on $f" "v('nat', '$f')['status'] == 'na'"
done
expect clean "nobody is blamed on the clean path" "not [x for x in d['verdicts'] if x.get('device')]"
ip netns exec $prefix-router nft -f - <<'NFT'
table inet cap {
  chain forward {
    type filter hook forward priority 0; policy accept;
    udp sport 5300 udp length > 1240 drop
  }
}
NFT
run capped
schema_ok capped
for f in ipv4 ipv6; do
  expect capped "udp-large $f fails with the cap" "v('udp-large', '$f')['status'] == 'fail' and v('udp-large', '$f')['code'] == 'size-cap' and any('t1500' in n for n in v('udp-large', '$f')['p']['names'])"
  expect capped "largest answer $f is t600" "d['summary']['$f']['largest_udp_answer'] < 1232"
  expect capped "tcp still passes on $f" "v('tcp-fallback', '$f')['status'] == 'pass'"
  expect capped "capture blames the router for the lost answers on $f (target mode)" "v('udp-large', '$f')['device'] == 'router' and 'answer-dropped' in v('udp-large', '$f')['rules']"
  expect capped "udp-large $f names the smallest answer lost, a figure over the cap" "v('udp-large', '$f')['p'].get('size', 0) > 1240"
done
# The sentence has its figure and the fix fits the cap: a buffer no larger than what arrived, not 1232.
report_text=$("$bin" report "$work/capped" --no-color --wide 2>&1)
if grep -qE "UDP answers of [0-9]+ octets \(DNS message\) and more vanish" <<<"$report_text" &&
   grep -qE "EDNS buffer size to [0-9]+ octets or less" <<<"$report_text" && ! grep -q "buffer size to 1232" <<<"$report_text"; then
  passes=$((passes + 1)); else echo "FAIL capped: the report's sentence or fix does not follow the cap"; failures=$((failures + 1)); fi
kill "$named_pid" 2>/dev/null; wait 2>/dev/null
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
