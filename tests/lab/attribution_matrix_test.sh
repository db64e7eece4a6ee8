#!/usr/bin/env bash
# One lab, probe — edge (NAT + dnsmasq) — core (router) — server, with taps on both sides of both
# devices; each fault of the capture issue is injected on one device at a time (nftables, an MTU,
# the CPE's proxy intercepting port 53), the probe runs with taps, the fault is removed again. Every
# failing verdict must name the faulty device — never the other one (edge may be named only for the
# NAT it is) — and at least one must (a warning, for the proxy whose cap comes back as TC=1). Needs root; exits 77 without it.
# Usage: attribution_matrix_test.sh dnspath
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
prefix=dtmx
source "$here/lib.sh"
trap '"$bin" lab down --prefix $prefix >/dev/null 2>&1; rm -rf "$work"' EXIT

"$bin" lab up --profile "$here/matrix.toml" >"$work/up.out" 2>&1 || { cat "$work/up.out"; echo "0 passed, 1 failed"; exit 1; }
taps=(--device "edge=netns:$prefix-edge/in,netns:$prefix-edge/out" --device "core=netns:$prefix-core/in,netns:$prefix-core/out")

probe_with() {  # probe_with NAME DEVICE PROBES NFT-RULESET [MTU]: one run with that fault on DEVICE
  local name=$1 device=$2 probes=$3 rules=$4 mtu=${5:-}
  [ -n "$rules" ] && ip netns exec "$prefix-$device" nft -f - <<<"$rules"
  [ -n "$mtu" ] && ip netns exec "$prefix-$device" ip link set in mtu "$mtu"
  ip netns exec "$prefix-probe" "$bin" run --target 198.18.2.2 --target fd00:2::2 --port 53 \
    --key-file "/run/dnspath-$prefix/key" --probes "$probes" "${taps[@]}" --out "$work/$name" >"$work/$name.out" 2>&1
  ip netns exec "$prefix-$device" nft delete table inet fault 2>/dev/null
  # Flows the fault redirected stay redirected in conntrack after its rule is gone: a later case's
  # query from the same source port went to the CPE's dnsmasq (1 run in 8 after proxy-edge).
  ip netns exec "$prefix-$device" conntrack -F >/dev/null 2>&1
  [ -n "$mtu" ] && ip netns exec "$prefix-$device" ip link set in mtu 1500
  [ -s "$work/$name/result.json" ] || { echo "run $name wrote no result.json:"; grep -v '^\[' "$work/$name.out" | tail -20; }
  validate "$name" "$work/$name/result.json"
}

fault() {  # fault NAME DEVICE PROBES NFT-RULESET [MTU]: that device, and only it, is named
  local name=$1 device=$2
  probe_with "$@"
  local other=edge; [ "$device" = edge ] && other=core
  expect "$name" "a failing (or, for the proxy's TC=1, warning) verdict names $device" "any(x['status'] in ('fail', 'warn') and x['checkpoint'] != 'nat' and (x['device'] == '$device' or '$device' in x['devices']) for x in d['verdicts'])"
  expect "$name" "no failing or warning verdict names anyone but $device (edge only for nat)" \
    "all(set([x['device']] + x['devices']) - {None} <= ({'$device', 'edge'} if x['checkpoint'] == 'nat' else {'$device'}) for x in d['verdicts'] if x['status'] in ('fail', 'warn'))"
  expect "$name" "$other is blamed for no loss" "not [x for x in d['verdicts'] if x['checkpoint'] != 'nat' and (x['device'] == '$other' or '$other' in x['devices'])]"
}

early() { printf 'table inet fault {\n chain early {\n  type filter hook prerouting priority -500; policy accept;\n  %s\n }\n}\n' "$1"; }
forward() { printf 'table inet fault {\n chain forward {\n  type filter hook forward priority 0; policy accept;\n  %s\n }\n chain output {\n  type filter hook output priority 0; policy accept;\n  %s\n }\n}\n' "$1" "${2:-}"; }

fault frag4-core core fragments,edns-size "$(early 'ip frag-off & 0x1fff != 0 drop')"
fault frag6-edge edge fragments,edns-size "$(early 'exthdr frag exists drop')"
fault cap-core core edns-size,dnssec "$(forward 'udp sport 53 udp length > 1240 drop')"
fault tcpdrop-edge edge tcp "$(forward 'tcp dport 53 drop')"
fault pmtu-core core pmtu,edns-size "$(forward 'icmpv6 type packet-too-big drop; icmp type destination-unreachable icmp code frag-needed drop' 'icmpv6 type packet-too-big drop; icmp type destination-unreachable icmp code frag-needed drop')" 1280
fault state-edge edge sessions "$(forward 'meta l4proto udp ct state new ct count over 100 drop')"
# The CPE's dnsmasq (EDNS 1232, its default) intercepting every port-53 query from the LAN.
fault proxy-edge edge edns-size,dnssec,interception "$(printf 'table inet fault {\n chain pre {\n  type nat hook prerouting priority -100; policy accept;\n  iifname "in" meta l4proto { udp, tcp } th dport 53 redirect to :53\n }\n}\n')"
expect proxy-edge "the proxy's cap is the edge rewriting the buffer size or setting TC=1" "any('bufsize-rewritten' in x['rules'] or 'tc-set' in x['rules'] for x in d['verdicts'] if 'edge' in x['devices'])"
expect proxy-edge "dns-interception names edge on both families" "all(v('dns-interception', f)['status'] == 'fail' and v('dns-interception', f)['devices'] == ['edge'] for f in ('ipv4', 'ipv6'))"
expect proxy-edge "the interception is said on the verdicts it affected" "v('udp-large', 'ipv4')['p'].get('intercepted_by') == 'edge' or v('udp-large', 'ipv4')['code'] == 'interception'"

# Cause, not only device: the checks the typed-results issue asked for.
expect frag4-core "non-first IPv4 fragments dropped both ways: a fragment filter on ipv4" "v('udp-fragments', 'ipv4')['code'] == 'fragment-filter' and v('udp-fragments', 'ipv4')['p']['direction'] == 'both' and v('udp-large', 'ipv4')['code'] == 'fragment-filter'"
expect cap-core "a size cap stays a size cap" "v('udp-large', 'ipv4')['code'] == 'size-cap' and v('udp-large', 'ipv6')['code'] == 'size-cap'"
expect tcpdrop-edge "TCP/53 dropped: a tcp filter dropping the SYN" "v('tcp-direct', 'ipv4')['code'] == 'tcp-filter' and v('tcp-direct', 'ipv4')['p']['action'] == 'drop'"
expect pmtu-core "the black hole is named as such" "v('pmtu', 'ipv4')['code'] == 'pmtud-blackhole' and v('pmtu', 'ipv6')['code'] == 'pmtud-blackhole'"
expect state-edge "a full state table" "v('udp-sessions', 'ipv4')['code'] == 'state-table-full'"
# Fragments dropped only on their way back (answers), not toward the server.
fault frag4-answers-core core fragments,edns-size "$(early 'iifname "out" ip frag-off & 0x1fff != 0 drop')"
expect frag4-answers-core "answers only: the fragment filter's direction is answers" "v('udp-large', 'ipv4')['code'] == 'fragment-filter' and v('udp-large', 'ipv4')['p']['direction'] == 'answers' and v('udp-fragments', 'ipv4')['code'] == 'fragment-filter' and v('udp-fragments', 'ipv4')['p']['direction'] == 'answers'"
expect frag4-answers-core "ipv6 untouched" "v('udp-fragments', 'ipv6')['status'] == 'pass'"
# Two NATs: core masquerades too; both are named, in path order.
probe_with nat-two core nat "$(printf 'table inet fault {\n chain post {\n  type nat hook postrouting priority 100; policy accept;\n  oifname "out" masquerade\n }\n}\n')"
expect nat-two "both NATs are named in path order on ipv4" "v('nat', 'ipv4')['code'] == 'nat' and v('nat', 'ipv4')['devices'] == ['edge', 'core'] and v('nat', 'ipv4')['p']['devices'] == ['edge', 'core']"
expect nat-two "and on ipv6" "v('nat', 'ipv6')['devices'] == ['edge', 'core']"
finish
