#!/usr/bin/env bash
# Every shipped lab profile besides the default (its own test) comes up, runs, gives its expected
# verdicts with the right devices named, and leaves nothing behind.
#   lb-dnssec-rollout: router — lb (DNAT numgen) — two responders: checks ①–⑤ pass, load figures.
#   lb-dnsdist: the same with dnsdist as the balancer: it re-originates queries, named on the lb.
#   (How many source ports dnsdist uses toward the backends varies from run to run: not asserted.)
#   ngn-pppoe: cpe — bras (MTU 1454) — tunnel (MTU 1460, ICMPv6 too-big dropped): an IPv6 black hole,
#   put on the tunnel.
# Needs root; exits 77 without it. Usage: shipped_profiles_test.sh dnspath PROFILES-DIR
set -u
bin=$1
profiles=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

run_lab lbd "$profiles/lb-dnssec-rollout.toml"
left_behind lbd
expect lbd "exit 0: a clean balancer passes" "open('$work/lbd.rc').read().strip() == '0'"
for f in ipv4 ipv6; do
  for c in udp-large udp-fragments tcp-fallback tcp-direct nat udp-sessions dnssec-passthrough; do
    expect lbd "$c passes on $f" "v('$c', '$f')['status'] == 'pass'"
  done
  expect lbd "the balancer spreads new flows over both responders on $f" "{'server1', 'server2'} <= set(v('udp-sessions', '$f')['p']['answered_by'])"
  expect lbd "the servers see the probe's own address on $f (global reachability)" "d['summary']['$f']['nat'] is False"
  expect lbd "load figures through and without the lb on $f" "v('device-load', '$f')['status'] in ('pass', 'warn') and d['summary']['$f']['load_qps_through'] > 1000 and d['summary']['$f']['load_qps_baseline'] > 1000 and 0 in (v('device-load', '$f')['p']['through']['lost'], v('device-load', '$f')['p']['baseline']['lost'])"
done
expect lbd "nobody is blamed on a clean balancer" "not [x for x in d['verdicts'] if x['device']]"
expect lbd "four taps (router and lb, both sides) lost nothing" "len(d['taps']) == 4 and all(t['kernel_drops'] == 0 for t in d['taps'])"

# The same path with dnsdist as the balancer: what a DNS-aware one changes, named on it.
run_lab dld "$profiles/lb-dnsdist.toml"
left_behind dld
for f in ipv4 ipv6; do
  for c in udp-large udp-fragments tcp-fallback tcp-direct dnssec-passthrough edns-options; do
    expect dld "$c passes through dnsdist on $f" "v('$c', '$f')['status'] == 'pass'"
  done
  expect dld "dnsdist re-originates queries (new DNS id): interception named on lb, $f" "v('dns-interception', '$f')['status'] == 'fail' and v('dns-interception', '$f')['device'] == 'lb' and 'dns-id-changed' in v('dns-interception', '$f')['p']['evidence']"
  expect dld "the servers see dnsdist's address, not the probe's, on $f" "v('nat', '$f')['status'] == 'warn' and d['summary']['$f']['nat'] is True"
done
expect dld "IPv6 clients reach the backends over IPv4 through dnsdist" "'family-changed' in v('dns-interception', 'ipv6')['p']['evidence']"

run_lab ngn "$profiles/ngn-pppoe.toml"
left_behind ngn
expect ngn "exit 1: the path breaks DNS" "open('$work/ngn.rc').read().strip() == '1'"
expect ngn "IPv4 survives: large answers fragmented at the BRAS" "v('udp-large', 'ipv4')['status'] == 'pass' and v('tcp-direct', 'ipv4')['status'] == 'pass'"
expect ngn "IPv6 large answers vanish at the 1454 MTU: the black hole, not a size cap" "v('udp-large', 'ipv6')['status'] == 'fail' and 1390 <= largest('ipv6') <= 1414 and v('udp-large', 'ipv6')['code'] == 'pmtud-blackhole'"
expect ngn "IPv6 TCP stalls after the handshake: the black hole hits TCP too" "v('tcp-direct', 'ipv6')['status'] == 'fail' and v('tcp-direct', 'ipv6')['code'] == 'pmtud-blackhole' and v('tcp-direct', 'ipv6')['p']['transports'] == ['udp-df', 'tcp'] and v('tcp-direct', 'ipv6')['probe_cause']['params']['stage'] == 'data'"
expect ngn "pmtu ipv6 is a black hole back toward the probe, hitting UDP with DF and TCP" "v('pmtu', 'ipv6')['status'] == 'fail' and v('pmtu', 'ipv6')['code'] == 'pmtud-blackhole' and v('pmtu', 'ipv6')['p']['direction'] == 'answers' and 'tcp' in v('pmtu', 'ipv6')['p']['transports']"
expect ngn "the tunnel, which drops the bras's Packet Too Big, is named for the IPv6 black hole" "v('pmtu', 'ipv6')['device'] == 'tunnel' and v('pmtu', 'ipv6')['p']['icmp_dropped_by'] == 'tunnel' and v('pmtu', 'ipv6')['p']['sender'] == 'bras' and 'icmp-dropped' in v('pmtu', 'ipv6')['rules']"
expect ngn "path MTU 1454 on both families" "d['summary']['ipv4']['path_mtu'] == 1454 and d['summary']['ipv6']['path_mtu'] == 1454"
expect ngn "the IPv6 losses are put on bras or tunnel, never on the cpe" "all(set(x['devices']) <= {'bras', 'tunnel'} for x in d['verdicts'] if x['status'] == 'fail' and x['family'] == 'ipv6')"
expect ngn "nat names the cpe" "v('nat', 'ipv4')['device'] == 'cpe'"
expect ngn "the cpe's proxy still delivers signed answers (over TCP)" "v('dns-proxy', 'ipv4')['status'] == 'pass'"
finish
