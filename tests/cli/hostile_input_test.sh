#!/usr/bin/env bash
# Every subcommand fed inputs of every wrong kind — a folder, a FIFO, an unreadable file, an empty,
# a truncated, an enormous (sparse) and a random-bytes file where a file is read; a folder, a FIFO
# and an unwritable place where one is written; and hostile flag values. Each case must end within
# 20 s in exit 2 with exactly one error line ("dnspath: …") naming the problem: never an abort, a
# signal, a hang, an internal error, or a stack of messages. Usage: hostile_input_test.sh dnspath SOURCE_DIR
set -u
bin=$1
src=$2
work=$(mktemp -d)
chmod 755 "$work"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
failures=0
cases=0
port=$((30000 + RANDOM % 20000))  # nothing listens there: a run that got that far would time out, not hang

# Valid inputs to hold the other arguments still.
good_result=$src/tests/reports/golden/two-devices.result.json
good_pcap=$src/tests/pcaps/knot.pcap
"$bin" keygen "$work/key" >/dev/null

# The wrong kinds of input file, each made from a valid file of that role.
make_inputs() {  # make_inputs ROLE VALID_FILE
  local role=$1 valid=$2 dir=$work/in-$1
  mkdir -p "$dir/folder"
  mkfifo "$dir/fifo"
  cp "$valid" "$dir/unreadable"
  chmod 000 "$dir/unreadable"
  : >"$dir/empty"
  head -c $(( $(stat -c %s "$valid") / 2 )) "$valid" >"$dir/truncated"
  truncate -s 3G "$dir/enormous"
  head -c 4096 /dev/urandom >"$dir/garbage"
}
make_inputs result "$good_result"
make_inputs pcap "$good_pcap"
make_inputs profile "$src/profiles/default.toml"
make_inputs key "$work/key"
make_inputs pem "$work/key"
kinds="folder fifo unreadable empty truncated enormous garbage"

# try NAME -- command...: exit 2, one stderr line, within 20 s. The unreadable kind runs as nobody
# (root reads any file).
try() {
  local name=$1
  shift 2
  cases=$((cases + 1))
  local as=()
  if [[ "$name" == *unreadable* ]]; then
    [ "$(id -u)" -eq 0 ] || { echo "skip $name (needs root to become nobody)"; return; }
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  fi
  (cd "$work" && timeout -s KILL 20 "${as[@]}" "$@" >"$work/out" 2>"$work/err")
  local rc=$? lines
  # Progress lines ("[3/18] tcp ipv4") and a subcommand's notes ("dnspath respond: …") may come
  # before; the error itself is one line, "dnspath: …".
  lines=$(grep -c '^dnspath: ' "$work/err")
  # A profile's own errors are FILE:LINE:COL lines instead, one per problem (and no "dnspath: ").
  local located
  located=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: ' "$work/err")
  if [ "$lines" -eq 0 ] && [ "$located" -ge 1 ]; then lines=1; elif [ "$located" -gt 0 ]; then lines=$((lines + located)); fi
  if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || grep -qiE 'terminate|abort|internal error|what\(\)' "$work/err"; then
    echo "FAIL $name: exit $rc (want 2), $lines error lines (want 1)"
    head -c 600 "$work/err"
    failures=$((failures + 1))
  fi
}

for kind in $kinds; do
  r=$work/in-result/$kind p=$work/in-pcap/$kind f=$work/in-profile/$kind k=$work/in-key/$kind z=$work/in-pem/$kind
  try "run --profile $kind" -- "$bin" run --profile "$f" --check
  # (A key file cut short is still a key, only a different one: not a case.)
  [ "$kind" = truncated ] && continue_key=1 || continue_key=0
  [ "$continue_key" = 1 ] || try "run --key-file $kind" -- "$bin" run --target 127.0.0.1 --port "$port" --key-file "$k" --probes edns-size --out "$work/o"
  [ "$continue_key" = 1 ] || try "respond --key-file $kind" -- "$bin" respond --listen 127.0.0.1 --port "$port" --key-file "$k"
  [ "$kind" = empty ] || try "respond --zone-key $kind" -- "$bin" respond --listen 127.0.0.1 --port "$port" --zone-key "$z"
  [ "$continue_key" = 1 ] || try "name --key-file $kind" -- "$bin" name --key-file "$k" --size 3000
  try "analyze --device $kind" -- "$bin" analyze --device "d=$p,$p" --result "$good_result" --out "$work/o"
  try "analyze --tap $kind" -- "$bin" analyze --tap "d.in=$p" --result "$good_result" --out "$work/o"
  try "analyze --profile $kind" -- "$bin" analyze --profile "$f" --device "d=$good_pcap,$good_pcap" --result "$good_result" --out "$work/o"
  try "analyze --result $kind" -- "$bin" analyze --device "d=$good_pcap,$good_pcap" --result "$r" --out "$work/o"
  try "report $kind" -- "$bin" report "$r"
  try "compare OLD $kind" -- "$bin" compare "$r" "$good_result"
  try "compare NEW $kind" -- "$bin" compare "$good_result" "$r"
  try "lab run --profile $kind" -- "$bin" lab run --profile "$f"
  try "lab up --profile $kind" -- "$bin" lab up --profile "$f"
done
# (An empty --zone-key file is one the responder may create the key in: not an error.)

# Where output goes: a folder where a file is written, a FIFO, a file where a folder is made, and
# a place nobody may write.
mkdir -p "$work/out-folder" "$work/locked" && chmod 555 "$work/locked" && mkfifo "$work/out-fifo" && : >"$work/out-file"
try "keygen into a folder" -- "$bin" keygen "$work/out-folder"
try "keygen into a FIFO" -- "$bin" keygen "$work/out-fifo"
try "keygen unwritable" -- "$bin" keygen /proc/version
try "report --out a folder" -- "$bin" report "$good_result" --out "$work/out-folder"
try "report --out a FIFO" -- "$bin" report "$good_result" --out "$work/out-fifo"
try "compare --out a folder" -- "$bin" compare "$good_result" "$good_result" --out "$work/out-folder"
try "run --out a file" -- "$bin" run --target 127.0.0.1 --port "$port" --key-file "$work/key" --probes edns-size --out "$work/out-file"
try "analyze --out a file" -- "$bin" analyze --device "d=$good_pcap,$good_pcap" --result "$good_result" --out "$work/out-file"
try "respond --ds-file a folder" -- "$bin" respond --listen 127.0.0.1 --port "$port" --ds-file "$work/out-folder"
try "report --html a folder" -- "$bin" report "$good_result" --html "$work/out-folder"

# Hostile flag values.
long=$(head -c 100000 /dev/zero | tr '\0' a)
for value in 0 65536 -1 abc 1e9 ""; do
  try "run --port '$value'" -- "$bin" run --target 127.0.0.1 --port "$value"
  try "respond --port '$value'" -- "$bin" respond --listen 127.0.0.1 --port "$value"
  try "capture --port '$value'" -- "$bin" capture --device "d=lo,lo" --port "$value"
done
for target in 999.1.1.1 not-an-address "" "$long" "1.2.3.4/24" "::ffff:1.2.3.4.5"; do
  try "run --target '${target:0:20}'" -- "$bin" run --target "$target" --port "$port" --probes edns-size --families ipv4
  try "respond --listen '${target:0:20}'" -- "$bin" respond --listen "$target" --port "$port"
done
for zone in "a..b" "$long" "$(head -c 70 /dev/zero | tr '\0' x).test" ".."; do
  try "run --zone '${zone:0:20}'" -- "$bin" run --target 127.0.0.1 --port "$port" --zone "$zone" --probes edns-size --families ipv4
  try "respond --zone '${zone:0:20}'" -- "$bin" respond --listen 127.0.0.1 --port "$port" --zone "$zone"
  try "name --zone '${zone:0:20}'" -- "$bin" name --zone "$zone" --size 100
  try "analyze --zone '${zone:0:20}'" -- "$bin" analyze --device "d=$good_pcap,$good_pcap" --result "$good_result" --zone "$zone" --out "$work/o"
done
try "run --seed -1" -- "$bin" run --target 127.0.0.1 --port "$port" --probes edns-size --families ipv4 --seed -1
try "run --seed too big" -- "$bin" run --target 127.0.0.1 --port "$port" --probes edns-size --families ipv4 --seed 99999999999999999999999
try "run --repeat 0" -- "$bin" run --target 127.0.0.1 --port "$port" --probes edns-size --families ipv4 --repeat 0
try "run --repeat 11" -- "$bin" run --target 127.0.0.1 --port "$port" --probes edns-size --families ipv4 --repeat 11
try "run --repeat word" -- "$bin" run --target 127.0.0.1 --port "$port" --probes edns-size --families ipv4 --repeat five
try "run --probes bogus" -- "$bin" run --target 127.0.0.1 --probes bogus
try "run --families ipv5" -- "$bin" run --target 127.0.0.1 --families ipv5
try "run --lang fr" -- "$bin" run --target 127.0.0.1 --lang fr
try "run --device '=,'" -- "$bin" run --target 127.0.0.1 --port "$port" --device "=,"
try "run --device netns:/" -- "$bin" run --target 127.0.0.1 --port "$port" --device "d=netns:/,netns:x/"
try "run --device no such interface" -- "$bin" run --target 127.0.0.1 --port "$port" --probes edns-size --device "d=nosuch0,nosuch1" --out "$work/o"
for resolver in "x=" "=127.0.0.1" "r=not-an-address" "127.0.0.1#" "127.0.0.1#0" "127.0.0.1#99999999999" "r=$long"; do
  try "run --resolver '${resolver:0:20}'" -- "$bin" run --target 127.0.0.1 --port "$port" --probes edns-size --families ipv4 --resolver "$resolver"
done
for identity in "nodevice" "=model" "d=" ""; do
  try "run --device-model '$identity'" -- "$bin" run --target 127.0.0.1 --port "$port" --probes edns-size --families ipv4 --device-model "$identity"
  try "run --device-firmware '$identity'" -- "$bin" run --target 127.0.0.1 --port "$port" --probes edns-size --families ipv4 --device-firmware "$identity"
done
try "run without a target" -- "$bin" run
try "respond --rate 0" -- "$bin" respond --listen 127.0.0.1 --rate 0
try "respond --standby-keys 9" -- "$bin" respond --listen 127.0.0.1 --standby-keys 9
try "respond --server-id huge" -- "$bin" respond --listen 127.0.0.1 --port "$port" --server-id "$long"
try "name --size 70000" -- "$bin" name --size 70000
try "name --id hostile" -- "$bin" name --id 'A!$/..' --size 100
try "name --id too long" -- "$bin" name --id "$long" --size 100
try "capture --seconds -1" -- "$bin" capture --device "d=lo,lo" --seconds -1
try "capture --seconds nan" -- "$bin" capture --device "d=lo,lo" --seconds nan
try "capture --device without =" -- "$bin" capture --device x
try "capture --device no such interface" -- "$bin" capture --device "d=nosuch0,nosuch1" --seconds 1 --out "$work/o"
try "analyze --tap no =" -- "$bin" analyze --tap "d.in" --result "$good_result"
try "analyze --tap bad side" -- "$bin" analyze --tap "d.middle=$good_pcap" --result "$good_result"
try "analyze without taps" -- "$bin" analyze --result "$good_result"
try "report --format xml" -- "$bin" report "$good_result" --format xml
try "report --lang fr" -- "$bin" report "$good_result" --lang fr
try "compare --format pdf" -- "$bin" compare "$good_result" "$good_result" --format pdf
try "diagnose without a server or resolver" -- "$bin" diagnose example.test
try "diagnose --server not an address" -- "$bin" diagnose example.test --server "ns.example.test"
try "diagnose --parent not an address" -- "$bin" diagnose example.test --server 127.0.0.1 --parent "::zz"
try "diagnose --symptom 0" -- "$bin" diagnose example.test --server 127.0.0.1 --symptom 0
try "diagnose --symptom 10" -- "$bin" diagnose example.test --server 127.0.0.1 --symptom 10
try "diagnose --port 0" -- "$bin" diagnose example.test --server 127.0.0.1 --port 0
try "diagnose --opt-out maybe" -- "$bin" diagnose example.test --server 127.0.0.1 --opt-out maybe
try "diagnose a name too long" -- "$bin" diagnose "$long.test" --server 127.0.0.1
try "diagnose a label too long" -- "$bin" diagnose "$(printf 'a%.0s' {1..70}).test" --server 127.0.0.1
try "diagnose --out a file" -- "$bin" diagnose example.test --server 127.0.0.1 --port "$port" --timeout-ms 100 --out "$good_result"
try "diagnose --lang fr" -- "$bin" diagnose example.test --server 127.0.0.1 --lang fr
try "bench without interfaces" -- "$bin" bench
try "bench no such interfaces" -- "$bin" bench --lan nosuch0 --wan nosuch1 --out "$work/o"
try "bench one interface twice" -- "$bin" bench --lan lo --wan lo --out "$work/o"
try "bench --uplink pppoe" -- "$bin" bench --wan nosuch1 --uplink pppoe
try "bench --wan-mtu 100" -- "$bin" bench --wan nosuch1 --wan-mtu 100
try "bench --lan alone without a target" -- "$bin" bench --lan nosuch0
try "bench --lan-address without a gateway" -- "$bin" bench --lan nosuch0 --wan nosuch1 --lan-address 198.19.0.2/24
try "bench --seconds nan" -- "$bin" bench --wan nosuch1 --seconds nan
try "bench --pd-length 40" -- "$bin" bench --wan nosuch1 --pd-length 40
try "bench --resolvers with one side" -- "$bin" bench --wan nosuch1 --resolvers unbound
try "bench --resolvers nosuch" -- "$bin" bench --lan nosuch0 --wan nosuch1 --resolvers nosuch
# A child run's request (what the lab and the bench hand it): not JSON, the wrong types, a field it
# does not have, a port out of range, an unknown kind, a flag beside it, and 1 MiB of nesting.
printf 'not json' >"$work/request-garbage.json"
printf '{"config": {"targets": "198.18.0.2"}}' >"$work/request-type.json"
printf '{"config": {"targets": ["198.18.0.2"], "port": 70000}}' >"$work/request-port.json"
printf '{"config": {"targets": ["198.18.0.2"], "plan": {"probes": ["nosuch"]}}}' >"$work/request-kind.json"
printf '{"targets": ["198.18.0.2"]}' >"$work/request-field.json"
python3 -c "print('[' * 500000 + ']' * 500000)" >"$work/request-deep.json"
for what in garbage type port kind field deep; do
  try "run --request: $what" -- "$bin" run --request "$work/request-$what.json"
done
try "run --request beside --target" -- "$bin" run --request "$work/request-field.json" --target 127.0.0.1
try "run --request from an empty stdin" -- bash -c "'$bin' run --request - </dev/null"
try "lab bogus" -- "$bin" lab bogus
try "lab down without a profile or prefix" -- "$bin" lab down --prefix ""
try "an unknown subcommand" -- "$bin" frobnicate
try "an unknown flag" -- "$bin" run --frobnicate
try "version with an argument" -- "$bin" version extra

echo "$cases cases, $failures failed"
[ "$failures" -eq 0 ]
