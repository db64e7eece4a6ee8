# Shared by the lab tests (sourced): run a lab profile, query its result.json with a Python
# expression, count passes and failures, and check that nothing of a lab survives it.
# The caller sets $bin (the dnspath binary) before sourcing; results go under $work.
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root for network namespaces"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0

run_lab() {  # run_lab NAME PROFILE-PATH → $work/NAME/result.json, $work/NAME.out, $work/NAME.rc
  "$bin" lab run --profile "$2" --out "$work/$1" >"$work/$1.out" 2>&1
  echo $? > "$work/$1.rc"
}

q() {  # q NAME PYTHON-EXPRESSION over d (the result), v(checkpoint, family), largest(family)
  python3 - "$work/$1/result.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def v(checkpoint, family):
    found = [x for x in d["verdicts"] if x["checkpoint"] == checkpoint and x["family"] == family]
    return found[0] if found else {"status": "missing", "device": None, "devices": [], "reason": "", "evidence": []}
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
    q "$1" "'\\n'.join(x['checkpoint'] + '/' + x['family'] + ': ' + e[:400] for x in d['verdicts'] if x['status'] == 'fail' and not x['device'] for e in x['evidence'])" 2>&1 | head -12
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
