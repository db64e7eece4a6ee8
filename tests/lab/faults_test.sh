#!/usr/bin/env bash
# Real packets through real namespaces: for each fault profile in this folder, `dnspath lab run`
# builds probe — device — server, applies the fault with nftables (or MTU/NAT), runs the plan and
# tears down; the verdicts must match the fault and the clean path must have no failure.
# Needs root (namespaces); exits 77 (skipped) without it. Usage: faults_test.sh dnspath [PROFILE...]
set -u
bin=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=(clean fault-frag4 fault-frag6 fault-cap fault-tcpdrop fault-tcprst fault-mtu fault-nat fault-proxy fault-proxy-ad fault-state fault-cap6 fault-rate fault-loss)
for name in "${profiles[@]}"; do
  run_lab "$name" "$here/$name.toml"
  prefix=$(sed -n 's/^prefix = "\(.*\)"/\1/p' "$here/$name.toml")
  left_behind "$prefix"
  # Capture on both sides of the one device: every failing verdict must name it; a clean path no one.
  device=$(sed -n 's/^name = "\(.*\)"/\1/p' "$here/$name.toml" | tail -1)
  if [ "$name" = clean ]; then
    expect "$name" "nobody is blamed on a clean path" "not [x for x in d['verdicts'] if x['device']]"
  elif [ "$name" = fault-loss ]; then
    # Under random loss a TCP exchange can time out while every segment, retransmitted, crossed
    # every tap in the end: such a verdict is attributable to no one, but never to anyone else.
    expect "$name" "no failing verdict names anyone but $device" "all(set(x['devices']) <= {'$device'} for x in d['verdicts'] if x['status'] == 'fail')"
    expect "$name" "the UDP losses are named on $device" "v('udp-sessions', 'ipv4')['device'] == '$device'"
  else
    expect "$name" "every failing verdict names $device" "all(x['device'] == '$device' for x in d['verdicts'] if x['status'] == 'fail')"
  fi
  # The run's result turned into a lab that shows its failures again (a run with none: exit 2).
  # Under random loss whether anything fails at all is chance (random-loss itself is a warning).
  failed=$(q "$name" "bool([x for x in d['verdicts'] if x['status'] == 'fail'])")
  case "$name:$failed" in
    clean:*|fault-nat:*|fault-loss:False) nothing_to_reproduce "$name" ;;
    *) reproduces "$name" ;;
  esac
  case "$name" in
    clean)
      expect clean "exit 0" "open('$work/clean.rc').read().strip() == '0'"
      expect clean "no failing verdict" "not [x for x in d['verdicts'] if x['status'] == 'fail']"
      expect clean "every pass has cause ok" "all(x['code'] == 'ok' for x in d['verdicts'] if x['status'] == 'pass')"
      for f in ipv4 ipv6; do
        expect clean "udp-large $f passes" "v('udp-large', '$f')['status'] == 'pass'"
        expect clean "largest $f is 4096" "largest('$f') == 4096"
        expect clean "no NAT on $f" "d['summary']['$f']['nat'] is False"
        expect clean "fragments pass on $f" "v('udp-fragments', '$f')['status'] == 'pass'"
        expect clean "pmtu passes on $f" "v('pmtu', '$f')['status'] == 'pass' and d['summary']['$f']['path_mtu'] == 1500"
        expect clean "reachable on $f" "v('reachability', '$f')['status'] == 'missing'"
        expect clean "dnssec passes on $f" "v('dnssec-passthrough', '$f')['status'] == 'pass'"
        expect clean "no interception on $f" "v('dns-interception', '$f')['status'] == 'pass'"
        expect clean "the trace reaches the server in 2 hops on $f" "v('path-trace', '$f')['status'] == 'pass' and len(v('path-trace', '$f')['p']['hops']) == 2"
        expect clean "non-DNS octets on 53 and DNS on 8053 pass on $f" "v('non-dns-53', '$f')['status'] == 'pass' and v('non-dns-53', '$f')['p']['alt_port'] == 8053"
        expect clean "DNS over TLS on 853 passes on $f" "v('dot-853', '$f')['status'] == 'pass' and v('dot-853', '$f')['p']['port'] == 853 and v('dot-853', '$f')['p']['protocol'].startswith('TLS')"
        expect clean "a TSIG-signed query and answer pass on $f" "v('tsig', '$f')['status'] == 'pass'"
      done ;;
    fault-frag4)
      # Non-first IPv4 fragments dropped both ways: the taps see answers enter the router in
      # fragments and leave it in part, so the cause is a fragment filter, not a size cap.
      expect "$name" "udp-large ipv4 fails as a fragment filter on answers" "v('udp-large', 'ipv4')['status'] == 'fail' and v('udp-large', 'ipv4')['code'] == 'fragment-filter' and v('udp-large', 'ipv4')['p']['direction'] == 'answers'"
      expect "$name" "largest ipv4 answer is the unfragmented maximum (1472 ±8)" "1464 <= largest('ipv4') <= 1480"
      expect "$name" "ipv6 untouched" "v('udp-large', 'ipv6')['status'] == 'pass'"
      expect "$name" "udp-fragments ipv4 is a fragment filter both ways" "v('udp-fragments', 'ipv4')['status'] == 'fail' and v('udp-fragments', 'ipv4')['code'] == 'fragment-filter' and v('udp-fragments', 'ipv4')['p']['direction'] == 'both'"
      expect "$name" "the probe's own experiments found it: a small answer in fragments was lost too" "v('udp-large', 'ipv4')['probe_cause']['code'] == 'fragment-filter' and any(e['what'] == 'small-answer-in-fragments' and e['outcome'] == 'lost' for e in v('udp-large', 'ipv4')['probe_cause']['params']['experiments'])"
      expect "$name" "the finding is fragments lost inside the router" "'fragments-dropped' in v('udp-large', 'ipv4')['rules']"
      expect "$name" "udp-fragments ipv6 passes" "v('udp-fragments', 'ipv6')['status'] == 'pass'"
      expect "$name" "pmtu is not a fragment problem" "v('pmtu', 'ipv4')['status'] == 'pass'" ;;
    fault-frag6)
      expect "$name" "udp-large ipv6 fails as a fragment filter" "v('udp-large', 'ipv6')['status'] == 'fail' and v('udp-large', 'ipv6')['code'] == 'fragment-filter'"
      expect "$name" "largest ipv6 answer is the unfragmented maximum (1452 ±8)" "1444 <= largest('ipv6') <= 1460"
      expect "$name" "ipv4 untouched" "v('udp-large', 'ipv4')['status'] == 'pass'"
      expect "$name" "udp-fragments ipv6 fails as a fragment filter" "v('udp-fragments', 'ipv6')['status'] == 'fail' and v('udp-fragments', 'ipv6')['code'] == 'fragment-filter' and v('udp-fragments', 'ipv6')['p']['family'] == 'ipv6'"
      expect "$name" "udp-fragments ipv4 passes" "v('udp-fragments', 'ipv4')['status'] == 'pass'" ;;
    fault-cap)
      for f in ipv4 ipv6; do
        expect "$name" "udp-large $f fails as a size cap" "v('udp-large', '$f')['status'] == 'fail' and v('udp-large', '$f')['code'] == 'size-cap'"
        expect "$name" "largest $f answer is the cap (1232 ±8)" "1224 <= largest('$f') <= 1240"
        expect "$name" "the dropped answers crossed whole (no fragments)" "'answer-dropped' in v('udp-large', '$f')['rules']"
        expect "$name" "tcp fallback still works on $f" "v('tcp-fallback', '$f')['status'] == 'pass'"
        expect "$name" "dnssec sees the lost signed answers on $f" "v('dnssec-passthrough', '$f')['status'] == 'fail'"
        expect "$name" "the trace puts the loss on the answer's way back on $f" "v('path-trace', '$f')['status'] == 'warn' and v('path-trace', '$f')['code'] == 'loss-located' and v('path-trace', '$f')['p']['direction'] == 'answer'"
      done ;;
    fault-tcpdrop)
      for f in ipv4 ipv6; do
        expect "$name" "tcp-direct $f fails as a silent drop of the SYN" "v('tcp-direct', '$f')['status'] == 'fail' and v('tcp-direct', '$f')['code'] == 'tcp-filter' and v('tcp-direct', '$f')['p']['action'] == 'drop' and v('tcp-direct', '$f')['p']['stage'] == 'syn'"
        expect "$name" "the taps show the SYN dropped in the router on $f" "'tcp-syn-dropped' in v('tcp-direct', '$f')['rules']"
        expect "$name" "tcp-fallback $f fails" "v('tcp-fallback', '$f')['status'] == 'fail'"
        expect "$name" "udp untouched on $f" "v('udp-large', '$f')['status'] == 'pass'"
        expect "$name" "dot-853 $f fails on the router: the SYN to 853 dropped" "v('dot-853', '$f')['code'] == 'dot-blocked' and v('dot-853', '$f')['p']['stage'] == 'connect' and v('dot-853', '$f')['p']['outcome'] == 'timeout' and v('dot-853', '$f')['device'] == 'router' and 'tcp-syn-dropped' in v('dot-853', '$f')['rules']"
      done ;;
    fault-tcprst)
      for f in ipv4 ipv6; do
        expect "$name" "tcp-direct $f fails as a reset" "v('tcp-direct', '$f')['status'] == 'fail' and v('tcp-direct', '$f')['code'] == 'tcp-filter' and v('tcp-direct', '$f')['p']['action'] == 'reset'"
        expect "$name" "dot-853 $f fails on the router: 853 reset" "v('dot-853', '$f')['code'] == 'dot-blocked' and v('dot-853', '$f')['p']['stage'] == 'connect' and v('dot-853', '$f')['p']['outcome'] == 'refused' and v('dot-853', '$f')['device'] == 'router'"
      done ;;
    fault-mtu)
      expect "$name" "ipv6 answers above 1280-octet packets vanish: the black hole, not a size cap" "v('udp-large', 'ipv6')['status'] == 'fail' and 1224 <= largest('ipv6') <= 1240 and v('udp-large', 'ipv6')['code'] == 'pmtud-blackhole'"
      expect "$name" "ipv4 answers are fragmented by the router (DF clear) and arrive" "v('udp-large', 'ipv4')['status'] == 'pass'"
      for f in ipv4 ipv6; do
        expect "$name" "pmtu $f is a black hole" "v('pmtu', '$f')['status'] == 'fail' and v('pmtu', '$f')['code'] == 'pmtud-blackhole'"
        expect "$name" "path MTU $f is about 1280" "1276 <= d['summary']['$f']['path_mtu'] <= 1284"
      done
      # The black hole stalls TCP too (full-size segments lost after the handshake): said as such.
      expect "$name" "tcp-direct ipv6 is the black hole, not a TCP filter" "v('tcp-direct', 'ipv6')['status'] != 'fail' or v('tcp-direct', 'ipv6')['code'] == 'pmtud-blackhole'"
      expect "$name" "ipv6 fragments lost to the MTU, not a filter" "v('udp-fragments', 'ipv6')['code'] in ('pmtud-blackhole', 'mtu')" ;;
    fault-nat)
      for f in ipv4 ipv6; do
        expect "$name" "nat $f seen and the NAT named" "v('nat', '$f')['status'] == 'warn' and v('nat', '$f')['code'] == 'nat' and v('nat', '$f')['p']['devices'] == ['$device'] and d['summary']['$f']['nat'] is True"
      done ;;
    fault-proxy)
      # dnsmasq intercepts port 53 and asks upstream with EDNS 1232: big answers come back TC=1
      # from the CPE, TCP rescues them; the cpe is named, the interception said, and no MTU or
      # fragment cause is invented for what the proxy did.
      for f in ipv4 ipv6; do
        expect "$name" "udp-large $f warns about the EDNS cap, blamed on cpe, interception said" "v('udp-large', '$f')['status'] == 'warn' and v('udp-large', '$f')['device'] == 'cpe' and 1224 <= largest('$f') <= 1240 and v('udp-large', '$f')['code'] == 'edns-buffer-cap' and v('udp-large', '$f')['p']['intercepted_by'] == 'cpe'"
        expect "$name" "the capture says cpe rewrote or truncated on $f" "'bufsize-rewritten' in v('udp-large', '$f')['rules'] or 'tc-set' in v('udp-large', '$f')['rules']"
        expect "$name" "dns-interception names cpe on $f" "v('dns-interception', '$f')['status'] == 'fail' and v('dns-interception', '$f')['code'] == 'interception' and v('dns-interception', '$f')['device'] == 'cpe'"
        expect "$name" "no MTU or fragment cause invented on $f" "all(x['code'] not in ('mtu', 'pmtud-blackhole', 'fragment-filter', 'size-cap') for x in d['verdicts'] if x['family'] == '$f' and x['status'] in ('fail', 'warn'))"
        expect "$name" "tcp fallback through the proxy works on $f" "v('tcp-fallback', '$f')['status'] == 'pass'"
        expect "$name" "signed answers arrive over TCP only on $f" "v('dnssec-passthrough', '$f')['status'] == 'warn' and v('dnssec-passthrough', '$f')['code'] == 'edns-buffer-cap' and v('dnssec-passthrough', '$f')['p']['fallback'] == 'tcp'"
        expect "$name" "the proxy checkpoint sees EDNS 1232 upstream on $f" "v('dns-proxy', '$f')['status'] == 'pass' and v('dns-proxy', '$f')['p']['upstream_bufsize'] == 1232"
        expect "$name" "a proxy on its LAN addresses only is no open resolver on $f" "v('proxy-wan-open', '$f', 'proxy')['status'] == 'pass' and v('proxy-wan-open', '$f', 'proxy')['p']['wan_outcome'] in ('unreachable', 'silent', 'refused')"
        expect "$name" "the intercepting proxy swallows non-DNS octets on 53: a DNS-aware box, named on $f" "v('non-dns-53', '$f')['status'] == 'fail' and v('non-dns-53', '$f')['code'] == 'dns-aware-filter' and v('non-dns-53', '$f')['p']['what'] == 'non-dns-on-53' and v('non-dns-53', '$f')['device'] == 'cpe'"
      done ;;
    fault-proxy-ad)
      # dnsmasq without --proxy-dnssec clears AD in its answers: a warning on the proxy (RFC 4035
      # allows it for a non-validating proxy), named on cpe from the taps; the path passes AD.
      for f in ipv4 ipv6; do
        expect "$name" "header-bits (proxy) warns: cpe cleared the upstream's AD on $f" "v('header-bits', '$f', 'proxy')['status'] == 'warn' and v('header-bits', '$f', 'proxy')['code'] == 'header-bit-changed' and v('header-bits', '$f', 'proxy')['p']['bits'] == ['AD'] and v('header-bits', '$f', 'proxy')['device'] == 'cpe'"
        expect "$name" "the path passes the header bits on $f" "v('header-bits', '$f')['status'] == 'pass'"
        expect "$name" "the proxy keeps the case and answers NOTIMP to opcode 15 on $f" "v('case-0x20', '$f', 'proxy')['status'] == 'pass' and v('unknown-opcode', '$f', 'proxy')['status'] == 'pass'"
        expect "$name" "nxdomain-rewrite (proxy) fails: cpe answered a name that does not exist itself on $f" "v('nxdomain-rewrite', '$f', 'proxy')['status'] == 'fail' and v('nxdomain-rewrite', '$f', 'proxy')['code'] == 'nxdomain-rewritten' and v('nxdomain-rewrite', '$f', 'proxy')['device'] == 'cpe'"
        expect "$name" "the path's NXDOMAIN arrives on $f" "v('nxdomain-rewrite', '$f')['status'] == 'pass'"
        expect "$name" "a proxy that does not intercept passes non-DNS octets on 53 on $f" "v('non-dns-53', '$f')['status'] == 'pass'"
        expect "$name" "proxy-wan-open fails: asked from outside at cpe's WAN address, its proxy answered on $f" "v('proxy-wan-open', '$f', 'proxy')['status'] == 'fail' and v('proxy-wan-open', '$f', 'proxy')['code'] == 'open-resolver' and v('proxy-wan-open', '$f', 'proxy')['device'] == 'cpe' and v('proxy-wan-open', '$f', 'proxy')['p']['rcode'] in ('NOERROR', 'NXDOMAIN')"
        expect "$name" "proxy-cache (proxy) fails: cpe's cache breaks the TTL rules on $f" "v('proxy-cache', '$f', 'proxy')['status'] == 'fail' and v('proxy-cache', '$f', 'proxy')['code'] == 'cache-rule-broken' and v('proxy-cache', '$f', 'proxy')['p']['what'] in ('ttl-raised', 'stale')"
      done ;;
    fault-cap6)
      expect "$name" "ipv6 capped at 1232, blamed on guard" "v('udp-large', 'ipv6')['status'] == 'fail' and v('udp-large', 'ipv6')['device'] == 'guard' and 1224 <= largest('ipv6') <= 1240 and v('udp-large', 'ipv6')['code'] == 'size-cap'"
      expect "$name" "ipv4 untouched" "v('udp-large', 'ipv4')['status'] == 'pass' and largest('ipv4') == 4096 and v('dnssec-passthrough', 'ipv4')['status'] == 'pass'"
      expect "$name" "ipv6 signed answers lost" "v('dnssec-passthrough', 'ipv6')['status'] == 'fail'" ;;
    fault-rate)
      expect "$name" "udp-sessions calls it a rate limit, blamed on fw" "v('udp-sessions', 'ipv4')['status'] == 'fail' and v('udp-sessions', 'ipv4')['device'] == 'fw' and v('udp-sessions', 'ipv4')['code'] == 'rate-limit'"
      expect "$name" "one query at a time passes the limit" "v('udp-large', 'ipv4')['status'] == 'pass'" ;;
    fault-loss)
      expect "$name" "loss is called loss, not what it imitates" "all(x['code'] not in ('size-cap', 'state-table-full', 'tcp-filter', 'no-answer') for x in d['verdicts'] if x['status'] in ('fail', 'warn'))"
      expect "$name" "the flows lost at random are random loss" "v('udp-sessions', 'ipv4')['status'] in ('fail', 'warn') and v('udp-sessions', 'ipv4')['code'] == 'random-loss'"
      expect "$name" "the evidence: flows lost scattered, not a prefix answered" "v('udp-sessions', 'ipv4')['p']['prefix'] * 100 < v('udp-sessions', 'ipv4')['p']['answered'] * 95" ;;
    fault-state)
      expect "$name" "udp-sessions fails at about 100 flows, blamed on nat" "v('udp-sessions', 'ipv4')['status'] == 'fail' and v('udp-sessions', 'ipv4')['device'] == 'nat' and 85 <= v('udp-sessions', 'ipv4')['p']['answered'] <= 110"
      expect "$name" "and calls it a state table" "v('udp-sessions', 'ipv4')['code'] == 'state-table-full'" ;;
  esac
done
finish
