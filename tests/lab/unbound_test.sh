#!/usr/bin/env bash
# A real validating resolver (Unbound) on the probe side of the lab, with the responder's DS as its
# trust anchor: the responder's signed answers must validate (AD=1) on a clean path, and when the
# router drops large UDP answers and resets TCP/53 — so the rollover-sized DNSKEY RRset (about
# 1.4 KB) cannot get through while the small signed answer still can — validation must fail with
# SERVFAIL and an EDE.
# Needs root and unbound + dig; exits 77 (skipped) without them. Usage: unbound_test.sh dnspath
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
command -v unbound >/dev/null && command -v dig >/dev/null || { echo "skipped: needs unbound and dig"; exit 77; }
prefix=dtub
state=/run/dnspath-$prefix
work=$(mktemp -d)
cleanup() { "$bin" lab down --prefix "$prefix" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
failures=0
passes=0
expect() { if eval "$2"; then passes=$((passes + 1)); else echo "FAIL $1"; failures=$((failures + 1)); fi; }

"$bin" lab up --profile "$here/unbound.toml" >"$work/up.log" 2>&1 || { cat "$work/up.log"; echo "0 passed, 1 failed"; exit 1; }
cat > "$work/unbound.conf" <<CONF
server:
    interface: 127.0.0.1
    port: 53
    do-daemonize: no
    chroot: ""
    username: ""
    directory: "$work"
    pidfile: "$work/unbound.pid"
    use-syslog: no
    logfile: "$work/unbound.log"
    module-config: "validator iterator"
    trust-anchor: "$(cat "$state/ds")"
    ede: yes
    val-log-level: 2
    do-not-query-localhost: no
    qname-minimisation: no
    # .test is a special-use name Unbound answers itself unless told otherwise
    local-zone: "test." nodefault
    access-control: 127.0.0.0/8 allow
    infra-host-ttl: 1
    cache-max-ttl: 0
    # Give up on an unreachable authority within seconds, not minutes.
    infra-cache-max-rtt: 400
    outbound-msg-retry: 2
stub-zone:
    name: "probe.dnspath.test."
    stub-addr: 198.18.1.2
CONF
start_unbound() {
  ip netns exec $prefix-probe unbound -c "$work/unbound.conf" &
  resolver=$!
  for _ in $(seq 50); do ip netns exec $prefix-probe dig +time=1 +tries=1 @127.0.0.1 . SOA >/dev/null 2>&1 && break; sleep 0.1; done
}
start_unbound
ask() { ip netns exec $prefix-probe dig +time=25 +tries=1 +dnssec @127.0.0.1 "$1" TXT; }

small=$("$bin" name --key-file "$state/key" --do --id clean1)
large=$("$bin" name --key-file "$state/key" --do --size 3000 --id clean2)
ask "$small" > "$work/small.txt"
ask "$large" > "$work/large.txt"
expect "small signed answer validates (NOERROR, ad)" "grep -q 'status: NOERROR' '$work/small.txt' && grep -qE 'flags:.* ad[ ;]' '$work/small.txt'"
expect "3000-octet signed answer validates" "grep -q 'status: NOERROR' '$work/large.txt' && grep -qE 'flags:.* ad[ ;]' '$work/large.txt'"

# The router now drops UDP answers above 1232 octets and resets TCP/53: the DNSKEY cannot arrive.
ip netns exec $prefix-router nft -f - <<'NFT'
table inet breakage {
  chain forward {
    type filter hook forward priority 0; policy accept;
    udp sport 53 udp length > 1240 drop
    tcp dport 53 reject with tcp reset
  }
}
NFT
# A fresh resolver, so the DNSKEY is not already in its key cache.
kill "$resolver"; wait "$resolver" 2>/dev/null
start_unbound
broken=$("$bin" name --key-file "$state/key" --do --id broken1)
ask "$broken" > "$work/broken.txt"
expect "validation fails with SERVFAIL" "grep -q 'status: SERVFAIL' '$work/broken.txt'"
expect "the failure carries an EDE" "grep -q 'EDE' '$work/broken.txt'"
grep -h 'EDE' "$work/broken.txt" | head -2


kill "$resolver" 2>/dev/null; wait 2>/dev/null
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
