#!/usr/bin/env bash
# Every shipped lab profile besides the default (its own test) comes up, runs, gives its expected
# verdicts with the right devices named, and leaves nothing behind.
#   lb-dnssec-rollout: router — lb (DNAT numgen) — two responders: checks ①–⑤ pass, load figures.
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
  expect lbd "the balancer spreads new flows over both responders on $f" "'server1 (' in str(v('udp-sessions', '$f')['evidence']) and 'server2 (' in str(v('udp-sessions', '$f')['evidence'])"
  expect lbd "the servers see the probe's own address on $f (global reachability)" "d['summary']['$f']['nat'] is False"
  expect lbd "load figures through and without the lb on $f" "v('device-load', '$f')['status'] in ('pass', 'warn') and d['summary']['$f']['load_qps_through'] > 1000 and d['summary']['$f']['load_qps_baseline'] > 1000 and ', 0 of ' in v('device-load', '$f')['reason']"
done
expect lbd "nobody is blamed on a clean balancer" "not [x for x in d['verdicts'] if x['device']]"
expect lbd "four taps (router and lb, both sides) lost nothing" "len(d['taps']) == 4 and all(t['kernel_drops'] == 0 for t in d['taps'])"

run_lab ngn "$profiles/ngn-pppoe.toml"
left_behind ngn
expect ngn "exit 1: the path breaks DNS" "open('$work/ngn.rc').read().strip() == '1'"
expect ngn "IPv4 survives: large answers fragmented at the BRAS" "v('udp-large', 'ipv4')['status'] == 'pass' and v('tcp-direct', 'ipv4')['status'] == 'pass'"
expect ngn "IPv6 large answers vanish at the 1454 MTU" "v('udp-large', 'ipv6')['status'] == 'fail' and 1390 <= largest('ipv6') <= 1414"
expect ngn "IPv6 TCP stalls (full-size segments lost)" "v('tcp-direct', 'ipv6')['status'] == 'fail' and 'silently' in v('tcp-direct', 'ipv6')['reason']"
expect ngn "pmtu ipv6 is a black hole back toward the probe" "v('pmtu', 'ipv6')['status'] == 'fail' and 'black hole back toward the probe' in v('pmtu', 'ipv6')['reason']"
expect ngn "the tunnel, which drops the bras's Packet Too Big, is named for the IPv6 black hole" "v('pmtu', 'ipv6')['device'] == 'tunnel' and 'tunnel dropped the ICMP too big bras sent' in str(v('pmtu', 'ipv6')['evidence'])"
expect ngn "path MTU 1454 on both families" "d['summary']['ipv4']['path_mtu'] == 1454 and d['summary']['ipv6']['path_mtu'] == 1454"
expect ngn "the IPv6 losses are put on bras or tunnel, never on the cpe" "all(set(x.get('devices') or [x['device']]) <= {'bras', 'tunnel', None} for x in d['verdicts'] if x['status'] == 'fail' and x['family'] == 'ipv6')"
expect ngn "nat names the cpe" "v('nat', 'ipv4')['device'] == 'cpe'"
expect ngn "the cpe's proxy still delivers signed answers (over TCP)" "v('dns-proxy', 'ipv4')['status'] == 'pass'"
finish
