# Shared by the lab tests (sourced): run a lab profile, query its result.json with a Python
# expression, count passes and failures, and check that nothing of a lab survives it.
# The caller sets $bin (the dnspath binary) before sourcing; results go under $work.
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root for network namespaces"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0

schema="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/docs/result.schema.json"

run_lab() {  # run_lab NAME PROFILE-PATH → $work/NAME/result.json, $work/NAME.out, $work/NAME.rc
  "$bin" lab run --profile "$2" --out "$work/$1" >"$work/$1.out" 2>&1
  echo $? > "$work/$1.rc"
  # A run that wrote no result: show what it said, or the failure cannot be diagnosed afterwards.
  [ -s "$work/$1/result.json" ] || { echo "lab run $1 wrote no result.json (exit $(cat "$work/$1.rc")):"; tail -20 "$work/$1.out"; }
  validate "$1" "$work/$1/result.json"
}

validate() {  # validate NAME RESULT-PATH: every result a test writes must match docs/result.schema.json
  local got
  got=$(python3 "$(dirname "${BASH_SOURCE[0]}")/../validate_result.py" "$schema" "$2" 2>&1)
  if [ "$got" = "valid" ]; then passes=$((passes + 1)); else echo "FAIL $1: result.json against the schema: $got"; failures=$((failures + 1)); fi
}

q() {  # q NAME PYTHON-EXPRESSION over d (the result), v(checkpoint, family), largest(family)
  # Each verdict also gets derived views: device (the one blamed device, or None), devices (all
  # blamed, path order), code and p (the cause), rules (its capture findings' rules).
  python3 - "$work/$1/result.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["verdicts"]:
    x["devices"] = [b["device"] for b in x["blame"]]
    x["device"] = x["devices"][0] if len(x["devices"]) == 1 else None
    x["code"] = x["cause"]["code"]
    x["p"] = x["cause"]["params"]
    x["rules"] = [f["rule"] for f in x["findings"]]
def v(checkpoint, family, via="path"):
    found = [x for x in d["verdicts"] if x["checkpoint"] == checkpoint and x["family"] == family and x.get("via", "path") == via]
    return found[0] if found else {"status": "missing", "device": None, "devices": [], "code": None, "p": {}, "rules": [], "findings": []}
def largest(family):
    return d["summary"][family]["largest_udp_answer"]
print(eval(sys.argv[2]))
PY
}

expect() {  # expect NAME DESCRIPTION PYTHON-EXPRESSION (must print True)
  local got
  got=$(q "$1" "$3" 2>&1)
  if [ "$got" = "True" ]; then passes=$((passes + 1)); else
    echo "FAIL $1: $2 (got: $got)"; grep -E "FAIL|WARN" "$work/$1.out" | head -8
    # What capture said about failing verdicts it named nobody for, to diagnose a rare miss.
    q "$1" "'\\n'.join(x['checkpoint'] + '/' + x['family'] + ': ' + x['code'] + ' ' + json.dumps(f)[:400] for x in d['verdicts'] if x['status'] == 'fail' and not x['device'] for f in x['findings'])" 2>&1 | head -12
    # And their probes as the probe saw them: a TCP probe with no finding at all was never
    # followed (no source port recorded, or no SYN seen at any tap).
    q "$1" "'\\n'.join(x['checkpoint'] + '/' + x['family'] + ' probe ' + json.dumps({k: p.get(k) for k in ('id', 'transport', 'outcome', 'source', 'attempts', 'rtt_ms', 'error')})[:300] for x in d['verdicts'] if x['status'] == 'fail' and not x['device'] for p in d['probes'] if p['id'] in x['probes'])" 2>&1 | head -12
    failures=$((failures + 1)); fi
}

left_behind() {  # left_behind PREFIX: no namespace, process or state folder of the lab may survive
  local prefix=$1 left=""
  ip netns list | grep -q "^$prefix-" && left="namespaces: $(ip netns list | grep "^$prefix-" | tr '\n' ' ')"
  [ -e "/run/dnspath-$prefix" ] && left="$left state folder /run/dnspath-$prefix"
  pgrep -f "dnspath-$prefix/" >/dev/null && left="$left processes: $(pgrep -af "dnspath-$prefix/" | head -3)"
  if [ -n "$left" ]; then echo "FAIL $prefix left behind: $left"; failures=$((failures + 1)); else passes=$((passes + 1)); fi
}

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}

reproduces() {  # reproduces NAME [RESULT [TRIES]]: `lab reproduce --run` on a run's result must exit 0 (issue 27)
  local result=${2:-$work/$1} tries=${3:-3} rc
  # A prefix of its own: lab tests run side by side (ctest -j), each reproduction in its own lab.
  local prefix
  prefix=r$(printf '%s' "$work/$1" | md5sum | cut -c1-5)
  # --tries: a lab run that misses a failure is run again for what it missed (a device whose own
  # behaviour varies, as dnsdist's losses of a burst do); what came back in some runs only is
  # printed as intermittent.
  "$bin" lab reproduce "$result" --out "$work/$1-reproduced" --prefix "$prefix" --run --tries "$tries" >"$work/$1-reproduced.out" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ]; then passes=$((passes + 1)); echo "$1: $(grep 'failing verdicts reproduced' "$work/$1-reproduced.out")"
    grep 'intermittent:' "$work/$1-reproduced.out"; else
    echo "FAIL $1: lab reproduce --run exits $rc, not 0"; grep -E "did not reproduce|dnspath:" "$work/$1-reproduced.out" | head -8
    failures=$((failures + 1)); fi
  left_behind "$prefix"
}

nothing_to_reproduce() {  # nothing_to_reproduce NAME: a run with no failure is one line, exit 2
  local out rc
  out=$("$bin" lab reproduce "$work/$1" --out "$work/$1-reproduced" 2>&1); rc=$?
  if [ "$rc" -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q 'nothing to reproduce'; then
    passes=$((passes + 1)); else echo "FAIL $1: lab reproduce of a run with no failure: exit $rc, said: $out"; failures=$((failures + 1)); fi
}
