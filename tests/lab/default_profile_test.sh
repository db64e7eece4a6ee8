#!/usr/bin/env bash
# The main job's profile (profiles/default.toml, built into the binary) comes up, gives its
# expected verdicts with the right devices named, and leaves nothing behind:
#   cpe (NAT, drops UDP answers over 1232) — isp-router (drops IPv6 fragments), with four real
#   validating resolvers beside the probe.
# Needs root; exits 77 without it. Usage: default_profile_test.sh dnspath
set -u
bin=$1
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0
"$bin" lab run --out "$work/run" >"$work/out.txt" 2>&1
rc=$?
check() {  # check DESCRIPTION PYTHON-EXPRESSION over d and v(checkpoint, family)
  local got
  got=$(python3 - "$work/run/result.json" "$2" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["verdicts"]:
    x["devices"] = [b["device"] for b in x["blame"]]
    x["device"] = x["devices"][0] if len(x["devices"]) == 1 else None
    x["code"], x["p"] = x["cause"]["code"], x["cause"]["params"]
def v(c, f, via="path"):
    found = [x for x in d["verdicts"] if x["checkpoint"] == c and x["family"] == f and x.get("via", "path") == via]
    return found[0] if found else {"status": "missing", "device": None, "devices": [], "code": None, "p": {}}
print(eval(sys.argv[2]))
PY
)
  if [ "$got" = "True" ]; then passes=$((passes + 1)); else echo "FAIL $1 (got $got)"; failures=$((failures + 1)); fi
}
[ "$rc" -eq 1 ] && passes=$((passes + 1)) || { echo "FAIL the default lab run exits 1 (a checkpoint fails), got $rc"; failures=$((failures + 1)); }
check "result.json matches the schema" "__import__('subprocess').run(['python3', '$(dirname "$0")/../validate_result.py', '$(dirname "$0")/../../docs/result.schema.json', '$work/run/result.json'], capture_output=True, text=True).stdout.strip() == 'valid'"
check "udp-large ipv4 fails as a size cap, blamed on cpe" "v('udp-large', 'ipv4')['status'] == 'fail' and v('udp-large', 'ipv4')['device'] == 'cpe' and v('udp-large', 'ipv4')['code'] == 'size-cap'"
check "udp-large ipv6 fails (cpe and isp-router both drop, in path order)" "v('udp-large', 'ipv6')['status'] == 'fail' and v('udp-large', 'ipv6')['devices'] == ['cpe', 'isp-router']"
check "udp-fragments ipv6 is the isp-router's fragment filter" "v('udp-fragments', 'ipv6')['code'] == 'fragment-filter'"
check "no interception on the default path" "v('dns-interception', 'ipv4')['status'] == 'pass' and v('dns-interception', 'ipv6')['status'] == 'pass'"
check "largest UDP answer is the 1232 cap on both families" "1224 <= d['summary']['ipv4']['largest_udp_answer'] <= 1240 and 1224 <= d['summary']['ipv6']['largest_udp_answer'] <= 1240"
# The result turned into a lab (issue 27): the same failures on the same devices again, exit 0.
"$bin" lab reproduce "$work/run" --out "$work/reproduced" --prefix rdpd --run >"$work/reproduced.out" 2>&1 && passes=$((passes + 1)) ||
  { echo "FAIL lab reproduce --run of the default lab's result exits 0"; grep -E "did not|dnspath:" "$work/reproduced.out"; failures=$((failures + 1)); }
grep 'failing verdicts reproduced' "$work/reproduced.out"
check "udp-fragments ipv6 blamed on isp-router" "v('udp-fragments', 'ipv6')['status'] == 'fail' and v('udp-fragments', 'ipv6')['device'] == 'isp-router'"
check "nat names cpe" "v('nat', 'ipv4')['device'] == 'cpe' and v('nat', 'ipv4')['p']['devices'] == ['cpe'] and d['summary']['ipv4']['nat'] is True"
check "TCP fallback rescues resolution" "v('tcp-fallback', 'ipv4')['status'] == 'pass' and v('tcp-fallback', 'ipv6')['status'] == 'pass'"
check "four real resolvers asked, and this path does not hurt them (1232-octet buffers, TCP fallback)" "[r['name'] for r in d['resolvers']] == ['unbound', 'bind', 'knot-resolver', 'powerdns'] and all(r['failures'] == 0 and len(r['answers']) == 4 for r in d['resolvers'])"
# Standards item by item: 1220-octet answers arrived in both families (the cap is 1232), so A-86
# passes; A-85 passes (EDNS over UDP works); A-87, a "should", falls short; and the cpe's finding
# lists what failed from standards[] alone.
check "JPRS A-86 and F-86 pass: 1220-octet answers arrived" "all([s['status'] for s in d['standards'] if s['item'] == i] == ['pass'] for i in ('JPRS A-86', 'JPRS F-86'))"
check "JPRS A-85 passes: udp-no-edns passed and EDNS over UDP works" "[s['status'] for s in d['standards'] if s['item'] == 'JPRS A-85'] == ['pass']"
check "JPRS A-87 falls short (warn): nothing over 1232 arrived" "[s['status'] for s in d['standards'] if s['item'] == 'JPRS A-87'] == ['warn']"
check "the path's loss was measured on both families" "all(d['summary'][f]['loss_samples'] == 192 and d['summary'][f]['loss_rate'] < 0.05 for f in ('ipv4', 'ipv6'))"
check "four taps, nothing lost" "len(d['taps']) == 4 and all(t['kernel_drops'] == 0 for t in d['taps'])"
if ip netns list | grep -q '^dpd-'; then echo "FAIL namespaces left"; failures=$((failures + 1)); else passes=$((passes + 1)); fi
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
