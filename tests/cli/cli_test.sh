#!/usr/bin/env bash
# The command-line contract: --help everywhere, documented exit codes, one-line errors that say
# what and where. Usage: cli_test.sh PATH/TO/dnspath SOURCE_DIR
set -u
bin=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0
check() {  # check NAME EXPECTED_EXIT PATTERN -- command...
  local name=$1 want=$2 pattern=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, wanted $want"; echo "$out" | head -5; failures=$((failures + 1)); return
  fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: output lacks /$pattern/"; echo "$out" | head -5; failures=$((failures + 1)); return
  fi
  passes=$((passes + 1))
}

check "top-level help" 0 "Exit codes" -- "$bin" --help
check "version flag" 0 "^dnspath [0-9]+\.[0-9]+" -- "$bin" --version
check "version subcommand" 0 "^dnspath [0-9]" -- "$bin" version
for sub in run respond keygen report compare name capture analyze lab version; do
  check "$sub --help" 0 "Usage|usage" -- "$bin" "$sub" --help
done
# Every command's help in both languages comes whole from the catalogue: an option without its
# line there shows "[help: …]". Japanese help is Japanese.
check "top-level help in Japanese" 0 "終了コード" -- "$bin" --help --lang ja
for sub in run respond keygen report compare name capture analyze diagnose bench version "lab up" "lab run" "lab down" "lab reproduce"; do
  for lang in en ja; do
    # shellcheck disable=SC2086  # "lab up" is two words on purpose
    out=$("$bin" $sub --help --lang "$lang" 2>&1)
    if grep -q "\[help: " <<<"$out"; then
      echo "FAIL $sub --help --lang $lang: $(grep -o '\[help: [^]]*\]' <<<"$out" | head -3 | tr '\n' ' ')"; failures=$((failures + 1))
    elif [ "$lang" = ja ] && ! grep -q "使い方" <<<"$out"; then
      echo "FAIL $sub --help --lang ja: not in Japanese"; failures=$((failures + 1))
    else
      passes=$((passes + 1))
    fi
  done
done
check "no subcommand" 2 "" -- "$bin"
check "unknown option" 2 "" -- "$bin" run --frobnicate
check "unknown probe kind" 2 "" -- "$bin" run --target 127.0.0.1 --probes warp

cat > "$work/typo.toml" <<'TOML'
[target]
addresses = ["198.18.2.2"]
port = "53"
TOML
check "profile type error" 2 "typo.toml:3:8: target.port: expected an integer, got a string" -- "$bin" run --profile "$work/typo.toml" --check
printf '[target\n' > "$work/syntax.toml"
check "profile syntax error" 2 "syntax.toml:1:[0-9]+: " -- "$bin" run --profile "$work/syntax.toml" --check
out=$("$bin" run --profile "$work/missing.toml" 2>&1); rc=$?
if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && grep -q "^dnspath: profile .*missing.toml: no such file" <<<"$out"; then
  passes=$((passes + 1))
else
  echo "FAIL missing profile: exit $rc, output: $out"; failures=$((failures + 1))
fi
for profile in "$src"/profiles/*.toml; do
  check "shipped $(basename "$profile") --check" 0 "valid profile" -- "$bin" run --profile "$profile" --check
done
check "check needs a profile" 2 "--check needs --profile" -- "$bin" run --check
check "no target" 2 "give --target" -- "$bin" run
check "bad target" 2 "not an IPv4 or IPv6 address" -- "$bin" run --target not-an-ip --out "$work/o"
check "missing key file" 2 "cannot read key file" -- "$bin" run --target 127.0.0.1 --key-file "$work/nokey" --out "$work/o"
check "keygen" 0 "wrote a 256-bit key" -- "$bin" keygen "$work/key"
check "keygen keeps keys" 2 "not overwriting" -- "$bin" keygen "$work/key"
check "respond on an address not here" 2 "no interface here has that address" -- "$bin" respond --listen 198.18.255.254 --port 5399
check "respond bad address" 2 "not an IPv4 or IPv6 address" -- "$bin" respond --listen nowhere
check "report on garbage" 2 "not a JSON document" -- bash -c "echo '{x' > '$work/r.json'; '$bin' report '$work/r.json'"
check "report on a missing file" 2 "no such file" -- "$bin" report "$work/none.json"
check "report on a folder without a result" 2 "a folder with no result.json in it" -- "$bin" report "$work"
check "report on a result from before schema versions" 2 "reads version 1" -- bash -c "printf '{\"tool\": \"dnspath\"}' > '$work/old.json'; '$bin' report '$work/old.json'"
# report and compare in every format and language, on two recorded lab results.
golden="$src/tests/reports/golden"
for format in text html md junit json; do
  for lang in en ja; do
    check "report --format $format --lang $lang" 1 "" -- "$bin" report "$golden/two-devices.result.json" --format "$format" --lang "$lang" --out "$work/report.$format.$lang"
  done
done
check "a JUnit consumer's parser accepts the JUnit report: one case per verdict, each failure once (junitparser)" 0 "cases 30 failures 8 tcp-direct.ipv4" -- /usr/bin/python3 -c "
from junitparser import JUnitXml
suites = list(JUnitXml.fromfile('$work/report.junit.ja'))
print('cases', sum(s.tests for s in suites), 'failures', sum(s.failures for s in suites), [c.name for c in suites[1]][0])"
check "the HTML report is one file in the language asked" 0 "" -- bash -c "grep -q '<html lang=\"ja\">' '$work/report.html.ja' && ! grep -qE '(src|href)=\"http' '$work/report.html.ja'"
# --bundle: a run folder copied elsewhere (its taps beside result.json) packs into one .tar.gz whose
# report links the taps inside it; a result whose taps are gone is packed without them, said so.
mkdir -p "$work/copied/taps"
python3 -c "
import json, sys
d = json.load(open('$golden/two-devices.result.json'))
d['taps'] = d['taps'][:1]
json.dump(d, open('$work/copied/result.json', 'w'))
name = d['taps'][0]['pcapng'].rsplit('/', 1)[-1]
open('$work/copied/taps/' + name, 'wb').write(open('$src/tests/pcaps/bind.pcap', 'rb').read())
"
check "report --bundle packs the result, every format and the taps" 1 "taps: 1" -- "$bin" report "$work/copied" --bundle "$work/ticket.tar.gz"
check "the bundle opens with tar and its report links the tap inside it" 0 "" -- bash -c "mkdir -p '$work/opened' && tar -xzf '$work/ticket.tar.gz' -C '$work/opened' && for f in result.json report.txt report.html report.md report.xml; do [ -s '$work/opened/ticket/'\$f ] || exit 1; done && tap=\$(ls '$work/opened/ticket/taps/') && cmp -s '$work/opened/ticket/taps/'\$tap '$src/tests/pcaps/bind.pcap' && grep -q \"href=\\\"taps/\$tap\\\"\" '$work/opened/ticket/report.html'"
check "report --html elsewhere links the taps relative to the page" 0 "" -- bash -c "mkdir -p '$work/pages' && '$bin' report '$work/copied' --html '$work/pages/p.html' --out /dev/null; grep -q 'href=\"../copied/taps/' '$work/pages/p.html'"
check "report --bundle without the taps says which are missing" 1 "tap edge.in has no pcapng to pack" -- bash -c "python3 -c \"
import json; d = json.load(open('$golden/two-devices.result.json'))
for tap in d['taps']: tap['pcapng'] = '$work/gone/' + tap['name'] + '.pcapng'
json.dump(d, open('$work/lonely.json', 'w'))\" && '$bin' report '$work/lonely.json' --bundle '$work/bare.tar.gz'"
check "report --bundle where nothing can be written" 2 "cannot write" -- "$bin" report "$golden/two-devices.result.json" --bundle "$work/no/such/dir/x.tar.gz"
check "report: unknown format" 2 "unknown format 'xml'" -- "$bin" report "$golden/two-devices.result.json" --format xml
check "report: unknown language" 2 "unknown language 'fr'" -- "$bin" report "$golden/two-devices.result.json" --lang fr
check "report --out a folder" 2 "is a folder" -- "$bin" report "$golden/two-devices.result.json" --out "$work"
check "report --out where nothing can be written" 2 "cannot write" -- "$bin" report "$golden/two-devices.result.json" --out "$work/no/such/dir/x"
check "report on an empty file" 2 "not a JSON document|empty" -- bash -c ": > '$work/empty.json'; '$bin' report '$work/empty.json'"
check "report on a FIFO" 2 "" -- bash -c "mkfifo '$work/fifo'; timeout 5 '$bin' report '$work/fifo'"
check "compare: worse exits 1" 1 "worse" -- "$bin" compare "$golden/clean.result.json" "$golden/two-devices.result.json" --no-color
check "compare: better exits 0" 0 "改善" -- "$bin" compare "$golden/two-devices.result.json" "$golden/clean.result.json" --lang ja --format md
check "compare: the same run exits 0" 0 "nothing changed" -- "$bin" compare "$golden/clean.result.json" "$golden/clean.result.json"
check "compare in JSON" 1 '"worse": true' -- "$bin" compare "$golden/clean.result.json" "$golden/two-devices.result.json" --format json
check "compare: a folder without a result" 2 "a folder with no result.json in it" -- "$bin" compare "$work" "$golden/clean.result.json"
check "compare: a missing file" 2 "no such file" -- "$bin" compare "$golden/clean.result.json" "$work/none.json"
# lab reproduce (issue 27): a result with failures becomes a profile that validates; bad input is
# one line and exit 2, and nothing is written for it.
check "lab reproduce --help" 0 "--tries" -- "$bin" lab reproduce --help
check "lab reproduce writes a profile naming the faulty device" 0 "wrote .*profile.toml" -- "$bin" lab reproduce "$golden/two-devices.result.json" --out "$work/rep"
check "the reproduced profile validates" 0 "" -- "$bin" run --profile "$work/rep/profile.toml" --check
check "lab reproduce --json names the devices and what is expected" 0 '"expected": \[' -- "$bin" lab reproduce "$golden/two-devices.result.json" --out "$work/rep-json" --json
check "lab reproduce of a run with no failure" 2 "nothing to reproduce" -- "$bin" lab reproduce "$golden/clean.result.json" --out "$work/rep-clean"
check "lab reproduce with a bad prefix" 2 "" -- "$bin" lab reproduce "$golden/two-devices.result.json" --out "$work/rep-bad" --prefix "Bad!"
check "lab reproduce --tries out of range" 2 "" -- "$bin" lab reproduce "$golden/two-devices.result.json" --out "$work/rep-tries" --tries 0
check "lab reproduce of a missing file" 2 "no such file" -- "$bin" lab reproduce "$work/none.json"
check "lab reproduce of another schema version" 2 "schema" -- bash -c "sed 's/\"schema_version\": 1/\"schema_version\": 99/' '$golden/two-devices.result.json' > '$work/v99.json'; '$bin' lab reproduce '$work/v99.json' --out '$work/rep99'"
check "lab reproduce of a bad result is one line" 0 "^1$" -- bash -c "'$bin' lab reproduce '$work/v99.json' --out '$work/rep99' 2>&1 | wc -l"
check "capture needs a device" 2 "required" -- "$bin" capture
check "capture on a missing interface" 2 "no interface 'nosuchif0'|CAP_NET_RAW" -- "$bin" capture --device d=nosuchif0, --seconds 1 --out "$work/c1"
check "analyze --tap needs a side" 2 "expected DEVICE.in=FILE" -- "$bin" analyze --tap x=y --result "$work/none.json"

check "lab needs an action" 2 "" -- "$bin" lab
check "lab with a missing profile" 2 "no such file|needs CAP_NET_ADMIN" -- "$bin" lab up --profile "$work/none.toml"
check "lab down needs a prefix" 2 "give --profile or --prefix|needs CAP_NET_ADMIN" -- "$bin" lab down
check "lab on a profile without [lab]" 2 "no \[lab\] section|needs CAP_NET_ADMIN" -- "$bin" lab run --profile "$src/profiles/cpe-field.toml"
[ "$(id -u)" -eq 0 ] && check "lab down of nothing is fine" 0 "removed 0 namespaces" -- "$bin" lab down --prefix zzqq

check "analyze needs its inputs" 2 "required" -- "$bin" analyze --device x=a,b
check "analyze with a missing tap file" 2 "cannot read capture" -- bash -c "'$bin' keygen '$work/k2' >/dev/null; printf '{\"tool\": \"dnspath\", \"schema_version\": 1}' > '$work/r2.json'; '$bin' analyze --device x='$work/none.pcap',  --result '$work/r2.json' --out '$work/a2'"
check "run with a bad --device" 2 "expected NAME=TAP_IN,TAP_OUT" -- "$bin" run --target 127.0.0.1 --device justaname --out "$work/o3"
check "run with a tap on a missing interface" 2 "no interface 'nosuchif0'|CAP_NET_RAW" -- "$bin" run --target 127.0.0.1 --device d=nosuchif0, --out "$work/o4"

# --lang ja: a mistake on the command line, in a profile or in a flag's value is said in Japanese,
# on one line, exit 2: no English sentence left (CLI11's, the profile reader's or a part's). What
# stands in 「」 is quoted as it was typed or said elsewhere (a value, toml++'s own description).
check_ja() {  # check_ja NAME -- command...
  local name=$1
  shift 2
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -ne 2 ] || [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ] || ! grep -qP '[\p{Hiragana}\p{Katakana}\p{Han}]' <<<"$out" ||
     sed 's/「[^」]*」//g' <<<"$out" | grep -qiE '\b(is required|not expected|not in range|not in \{|excludes|expected|must be|needs|give|no such|is a folder|not a|unknown)\b'; then
    echo "FAIL ja: $name: exit $rc: $out"; failures=$((failures + 1)); return
  fi
  passes=$((passes + 1))
}
printf '[lab]\nprefix = "TOOLONGPREFIX"\n' > "$work/prefix.toml"
printf '[target]\naddresses = ["198.18.0.1"]\n[[topology.device]]\nname = "a"\n[[topology.device]]\nname = "a"\n' > "$work/twice.toml"
check_ja "no subcommand" -- "$bin" --lang ja
check_ja "an unknown subcommand" -- "$bin" nosuch --lang ja
check_ja "a port out of range" -- "$bin" run --lang ja --port 70000
check_ja "a family not known" -- "$bin" run --lang ja --families ipv5
check_ja "a negative seed" -- "$bin" run --lang ja --seed -1
check_ja "an unknown option" -- "$bin" run --lang ja --frobnicate
check_ja "a flag with no value" -- "$bin" run --lang ja --port
check_ja "--request with another input flag" -- "$bin" run --lang ja --request x --target 198.18.0.1
check_ja "a missing positional" -- "$bin" report --lang ja
check_ja "--check without a profile" -- "$bin" run --lang ja --check
check_ja "a bad --device" -- "$bin" run --lang ja --target 198.18.0.1 --device justaname --out "$work/o5"
check_ja "a bad --resolver" -- "$bin" run --lang ja --target 198.18.0.1 --resolver =198.18.0.1 --out "$work/o5"
check_ja "a bad --device-model" -- "$bin" run --lang ja --target 198.18.0.1 --device-model x --out "$work/o5"
check_ja "a profile's TOML syntax" -- "$bin" run --lang ja --profile "$work/syntax.toml" --check
check_ja "a profile's type error" -- "$bin" run --lang ja --profile "$work/typo.toml" --check
check_ja "a profile's lab prefix" -- "$bin" run --lang ja --profile "$work/prefix.toml" --check
check_ja "a profile's device named twice" -- "$bin" run --lang ja --profile "$work/twice.toml" --check
check_ja "a missing profile" -- "$bin" run --lang ja --profile "$work/missing.toml"
check_ja "a folder for a profile" -- "$bin" run --lang ja --profile "$work"
check_ja "a lab profile given to run" -- "$bin" run --lang ja --profile "$src/profiles/default.toml"
check_ja "analyze without taps" -- "$bin" analyze --lang ja --result "$work/none.json"
check_ja "analyze --tap without a side" -- "$bin" analyze --lang ja --tap x=y --result "$work/none.json"
check_ja "bench --lan alone without a target" -- "$bin" bench --lang ja --lan nosuchif0
check_ja "report on a missing file" -- "$bin" report "$work/none.json" --lang ja
check_ja "report: unknown language" -- "$bin" report "$golden/two-devices.result.json" --lang fr --lang ja
check_ja "lab down without a prefix" -- "$bin" lab down --lang ja
check "a valid profile in Japanese" 0 "正しいプロファイル" -- "$bin" run --lang ja --profile "$src/profiles/default.toml" --check

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
