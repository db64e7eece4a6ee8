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

fault() {  # fault NAME DEVICE PROBES NFT-RULESET [MTU]
  local name=$1 device=$2 probes=$3 rules=$4 mtu=${5:-}
  [ -n "$rules" ] && ip netns exec "$prefix-$device" nft -f - <<<"$rules"
  [ -n "$mtu" ] && ip netns exec "$prefix-$device" ip link set in mtu "$mtu"
  ip netns exec "$prefix-probe" "$bin" run --target 198.18.2.2 --target fd00:2::2 --port 53 \
    --key-file "/run/dnspath-$prefix/key" --probes "$probes" "${taps[@]}" --out "$work/$name" >"$work/$name.out" 2>&1
  ip netns exec "$prefix-$device" nft delete table inet fault 2>/dev/null
  [ -n "$mtu" ] && ip netns exec "$prefix-$device" ip link set in mtu 1500
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
fault proxy-edge edge edns-size,dnssec "$(printf 'table inet fault {\n chain pre {\n  type nat hook prerouting priority -100; policy accept;\n  iifname "in" meta l4proto { udp, tcp } th dport 53 redirect to :53\n }\n}\n')"
expect proxy-edge "the proxy's cap comes back as TC=1 set by edge" "'edge truncated the answer' in str(d['verdicts']) or 'edge rewrote' in str(d['verdicts'])"
finish
