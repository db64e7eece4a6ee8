#!/usr/bin/env bash
# Every shipped lab profile besides the default (its own test) comes up, runs, gives its expected
# verdicts with the right devices named, and leaves nothing behind.
#   lb-dnssec-rollout: router — lb — two responders, one pass with the nftables L4 balancer (checks
#   ①–⑤ pass, load figures) and one with dnsdist (it re-originates queries, named on the lb),
#   compared; Unbound and BIND validate through both.
#   ngn-pppoe: cpe — bras (MTU 1454) — tunnel (MTU 1460, ICMPv6 too-big dropped): an IPv6 black hole,
#   put on the tunnel.
# Needs root; exits 77 without it. Usage: shipped_profiles_test.sh dnspath PROFILES-DIR
set -u
bin=$1
profiles=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

# lb-dnssec-rollout makes two passes, one per balancer, and compares them.
"$bin" lab run --profile "$profiles/lb-dnssec-rollout.toml" --out "$work/lbd" >"$work/lbd.out" 2>&1
echo $? >"$work/lbd.rc"
for pass in nftables dnsdist; do validate "lbd-$pass" "$work/lbd/$pass/result.json"; done
left_behind lbd
nft=lbd/nftables dd=lbd/dnsdist
expect $nft "exit 1: the dnsdist pass fails interception (the worse of the two passes)" "open('$work/lbd.rc').read().strip() == '1'"
for f in ipv4 ipv6; do
  for c in udp-large udp-fragments tcp-fallback tcp-direct nat udp-sessions dnssec-passthrough edns-options; do
    expect $nft "$c passes on $f" "v('$c', '$f')['status'] == 'pass'"
  done
  expect $nft "the balancer spreads new flows over both responders on $f" "{'server1', 'server2'} <= set(v('udp-sessions', '$f')['p']['answered_by'])"
  expect $nft "the servers see the probe's own address on $f (global reachability)" "d['summary']['$f']['nat'] is False"
  expect $nft "load figures through and without the lb on $f" "v('device-load', '$f')['status'] in ('pass', 'warn') and d['summary']['$f']['load_qps_through'] > 1000 and d['summary']['$f']['load_qps_baseline'] > 1000 and 0 in (v('device-load', '$f')['p']['through']['lost'], v('device-load', '$f')['p']['baseline']['lost'])"
done
expect $nft "nobody is blamed on a clean balancer" "not [x for x in d['verdicts'] if x['device']]"
expect $nft "four taps (router and lb, both sides) lost nothing" "len(d['taps']) == 4 and all(t['kernel_drops'] == 0 for t in d['taps'])"
expect $nft "Unbound and BIND validate everything through the L4 balancer" "[r['name'] for r in d['resolvers']] == ['unbound', 'bind'] and all(r['failures'] == 0 for r in d['resolvers'])"

# The second pass, dnsdist: what a DNS-aware balancer changes, named on it. (How many source ports
# it uses toward the backends, and how many of 512 simultaneous new flows it answers, vary from
# run to run: not asserted.)
for f in ipv4 ipv6; do
  for c in udp-large udp-fragments tcp-fallback tcp-direct dnssec-passthrough edns-options; do
    expect $dd "$c passes through dnsdist on $f" "v('$c', '$f')['status'] == 'pass'"
  done
  expect $dd "dnsdist re-originates queries (new DNS id): interception named on lb, $f" "v('dns-interception', '$f')['status'] == 'fail' and v('dns-interception', '$f')['device'] == 'lb' and 'dns-id-changed' in v('dns-interception', '$f')['p']['evidence']"
  expect $dd "the servers see dnsdist's address, not the probe's, on $f" "v('nat', '$f')['status'] == 'warn' and d['summary']['$f']['nat'] is True"
done
expect $dd "IPv6 clients reach the backends over IPv4 through dnsdist" "'family-changed' in v('dns-interception', 'ipv6')['p']['evidence']"
expect $dd "Unbound and BIND validate everything through dnsdist" "all(r['failures'] == 0 and len(r['answers']) == 4 for r in d['resolvers'])"
expect $nft "the passes are compared: interception got worse with dnsdist" "'worse  dns-interception/ipv4' in open('$work/lbd.out').read() and 'dns-interception' in open('$work/lbd/comparison.md').read()"

# Its results turned into labs (issue 27): the clean nftables pass has nothing to reproduce; the
# dnsdist pass's failures come back with a dnsdist balancer. Whether dnsdist loses part of 512 flows
# opened at once (udp-sessions rate-limit) varies from run to run of this very profile (its socket
# buffers overflow or not; 5 of 8 runs on IPv4, 7 of 8 on IPv6 on this machine): the reproduction
# runs the sessions kind again for what a lab run missed, up to 5 runs in all.
nothing_to_reproduce lbd/nftables
reproduces lbd/dnsdist "$work/lbd/dnsdist" 5
expect lbd/dnsdist "the reproduced lab has a dnsdist balancer" "'balancer = \"dnsdist\"' in open('$work/lbd/dnsdist-reproduced/profile.toml').read()"
for f in ipv4 ipv6; do
  expect lbd/dnsdist "dnsdist's interception reproduced on the lb, $f" "'reproduced: dns-interception/$f interception @ lb' in open('$work/lbd/dnsdist-reproduced.out').read()"
done
run_lab ngn "$profiles/ngn-pppoe.toml"
left_behind ngn
expect ngn "exit 1: the path breaks DNS" "open('$work/ngn.rc').read().strip() == '1'"
expect ngn "IPv4 survives: large answers fragmented at the BRAS" "v('udp-large', 'ipv4')['status'] == 'pass' and v('tcp-direct', 'ipv4')['status'] == 'pass'"
expect ngn "IPv6 large answers vanish at the 1454 MTU: the black hole, not a size cap" "v('udp-large', 'ipv6')['status'] == 'fail' and 1390 <= largest('ipv6') <= 1414 and v('udp-large', 'ipv6')['code'] == 'pmtud-blackhole'"
expect ngn "IPv6 TCP stalls after the handshake and small segments cross: the black hole hits TCP too" "v('tcp-direct', 'ipv6')['status'] == 'fail' and v('tcp-direct', 'ipv6')['code'] == 'pmtud-blackhole' and 'tcp' in v('tcp-direct', 'ipv6')['p']['transports'] and any(e['what'] == 'small-segments' and e['outcome'] == 'delivered' for e in v('tcp-direct', 'ipv6')['p']['experiments'])"
expect ngn "pmtu ipv6 is a black hole back toward the probe, hitting UDP with DF and TCP" "v('pmtu', 'ipv6')['status'] == 'fail' and v('pmtu', 'ipv6')['code'] == 'pmtud-blackhole' and v('pmtu', 'ipv6')['p']['direction'] == 'answers' and 'tcp' in v('pmtu', 'ipv6')['p']['transports']"
expect ngn "the tunnel, which drops the bras's Packet Too Big, is named for the IPv6 black hole" "v('pmtu', 'ipv6')['device'] == 'tunnel' and v('pmtu', 'ipv6')['p']['icmp_dropped_by'] == 'tunnel' and v('pmtu', 'ipv6')['p']['sender'] == 'bras' and 'icmp-dropped' in v('pmtu', 'ipv6')['rules']"
expect ngn "path MTU 1454 on both families" "d['summary']['ipv4']['path_mtu'] == 1454 and d['summary']['ipv6']['path_mtu'] == 1454"
expect ngn "the IPv6 losses are put on bras or tunnel, never on the cpe" "all(set(x['devices']) <= {'bras', 'tunnel'} for x in d['verdicts'] if x['status'] == 'fail' and x['family'] == 'ipv6')"
expect ngn "nat names the cpe" "v('nat', 'ipv4')['device'] == 'cpe'"
expect ngn "the cpe's proxy still delivers signed answers (over TCP)" "v('dns-proxy', 'ipv4')['status'] == 'pass'"
reproduces ngn
finish
