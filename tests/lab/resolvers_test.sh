#!/usr/bin/env bash
# Real resolvers (Unbound, BIND, Knot Resolver, PowerDNS Recursor) validating behind lab paths, and as
# the DNS proxy a stub asks, with dnsmasq and dnsdist:
# what each experienced must be in result.json beside the verdicts, and must match the fault —
# everything validates on a clean path and over IPv6, nothing does when TCP/53 is dropped, and a
# fragment filter fails its checkpoint without hurting resolvers that ask with 1232 octets.
# Needs root and the four resolvers; exits 77 without them. Usage: resolvers_test.sh dnspath
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
for tool in unbound named kresd pdns_recursor dnsdist; do
  command -v $tool >/dev/null || { echo "skipped: needs $tool (./setup.sh installs it)"; exit 77; }
done
source "$here/lib.sh"
trap 'for p in drc drt drf drv; do "$bin" lab down --prefix $p >/dev/null 2>&1; done; rm -rf "$work"' EXIT

ok='all(a["outcome"] == "answer" and a["rcode"] == 0 and a["ad"] for r in d["resolvers"] for a in r["answers"])'
asked='[r["name"] for r in d["resolvers"]] == NAMES and all([a["question"] for a in r["answers"]] == ["dnskey", "small", "s1000", "s3000"] for r in d["resolvers"])'
all4='["unbound", "bind", "knot-resolver", "powerdns"]'

run_lab clean "$here/resolvers-clean.toml"

# The same four as the DNS proxy a stub is told to use (a home router's Unbound, a forwarding
# Knot Resolver, PowerDNS Recursor): asked as a stub asks (RD=1), each passes what it forwards.
# A proxy with no upstream answers REFUSED from its own data: proxy-refused, never interception.
"$bin" lab up --profile "$here/resolvers-clean.toml" >"$work/up.out" 2>&1 || { cat "$work/up.out"; exit 1; }
for resolver in unbound=127.0.0.11 bind=127.0.0.12 knot-resolver=127.0.0.13 powerdns=127.0.0.14; do
  name=${resolver%%=*}
  ip netns exec drc-probe "$bin" run --target 198.18.1.2 --port 53 --key-file /run/dnspath-drc/key --families ipv4 \
    --probes proxy --proxy "${resolver#*=}" --out "$work/proxy-$name" >"$work/proxy-$name.out" 2>&1
  expect "proxy-$name" "$name as the DNS proxy: dns-proxy passes (RD=1, DO and signed answers forwarded)" "v('dns-proxy', 'ipv4')['status'] == 'pass'"
  echo "proxy-$name via proxy: $(q "proxy-$name" "' '.join(x['checkpoint'] + '=' + x['status'] + '/' + x['code'] for x in d['verdicts'] if x.get('via') == 'proxy')")"
  expect "proxy-$name" "$name as the DNS proxy keeps the stub's name case and passes TYPE65280 signed" "v('case-0x20', 'ipv4', 'proxy')['status'] == 'pass' and v('unknown-type', 'ipv4', 'proxy')['status'] == 'pass'"
  # Each validates the responder's NXDOMAIN (NSECs around the name and its wildcard) and hands it on.
  expect "proxy-$name" "$name as the DNS proxy hands back NXDOMAIN for a name that does not exist" "v('nxdomain-rewrite', 'ipv4', 'proxy')['status'] == 'pass'"
  expect "proxy-$name" "$name as the DNS proxy passes RESINFO and says of itself (resolver.arpa) what it says" "v('resinfo', 'ipv4', 'proxy')['status'] == 'pass' and 'self_rcode' in v('resinfo', 'ipv4', 'proxy')['p']"
done
# Each one's own behaviour through the proxy, as dig shows it too (Debian 12's versions): Unbound
# answers opcode 15 NOTIMP and sets AD itself (it validates: the lab gives it the zone's anchor);
# BIND answers NOTIMP but does not hand back the upstream's AD (warn); Knot Resolver answers
# opcode 15 NOERROR (RFC 8906 wants NOTIMP), drops AD too and answers EDNS version 1 NOERROR
# instead of BADVERS; PowerDNS Recursor drops opcode 15.
expect proxy-unbound "Unbound: NOTIMP for opcode 15, AD and CD handed back, the EDNS items pass" "v('unknown-opcode', 'ipv4', 'proxy')['status'] == 'pass' and v('header-bits', 'ipv4', 'proxy')['status'] == 'pass' and v('edns-flags', 'ipv4', 'proxy')['status'] == 'pass'"
expect proxy-bind "BIND: NOTIMP for opcode 15; the upstream's AD not handed back (a warning)" "v('unknown-opcode', 'ipv4', 'proxy')['status'] == 'pass' and v('header-bits', 'ipv4', 'proxy')['status'] == 'warn' and v('header-bits', 'ipv4', 'proxy')['p']['bits'] == ['AD']"
expect proxy-knot-resolver "Knot Resolver: opcode 15 answered NOERROR (wrong-rcode), AD not handed back" "v('unknown-opcode', 'ipv4', 'proxy')['code'] == 'wrong-rcode' and v('unknown-opcode', 'ipv4', 'proxy')['p']['rcode'] == 'NOERROR' and v('header-bits', 'ipv4', 'proxy')['status'] == 'warn' and v('edns-flags', 'ipv4', 'proxy')['code'] == 'wrong-rcode' and v('edns-flags', 'ipv4', 'proxy')['p']['expected'] == 'BADVERS'"
expect proxy-powerdns "PowerDNS Recursor: opcode 15 dropped (no-answer), AD and CD handed back" "v('unknown-opcode', 'ipv4', 'proxy')['code'] == 'no-answer' and v('header-bits', 'ipv4', 'proxy')['status'] == 'pass'"
# TSIG ends at each of them (RFC 8945 5.5 asks a forwarder to pass a signed query unchanged; they
# resolve it themselves): Unbound answers a signed query FORMERR, BIND NOTAUTH with its own BADKEY,
# Knot Resolver and PowerDNS Recursor answer it unsigned. Each a warning, named as such.
expect proxy-unbound "Unbound answers a TSIG-signed query FORMERR (warn)" "v('tsig', 'ipv4', 'proxy')['status'] == 'warn' and v('tsig', 'ipv4', 'proxy')['p']['what'] == 'proxy-own-error' and v('tsig', 'ipv4', 'proxy')['p']['rcode'] == 'FORMERR'"
expect proxy-bind "BIND answers a TSIG-signed query NOTAUTH with its own BADKEY (warn)" "v('tsig', 'ipv4', 'proxy')['status'] == 'warn' and v('tsig', 'ipv4', 'proxy')['p']['error'] == 'BADKEY'"
for name in knot-resolver powerdns; do
  expect "proxy-$name" "$name answers a TSIG-signed query unsigned (warn)" "v('tsig', 'ipv4', 'proxy')['status'] == 'warn' and v('tsig', 'ipv4', 'proxy')['p']['what'] == 'proxy-unsigned'"
done
# Their caches: Unbound, BIND and PowerDNS Recursor keep the responder's TTLs (Unbound's copy came
# back 29 s of 30); Knot Resolver 5.6 raises a 2 s TTL to 5 s (its cache.min_ttl default), which
# proxy-cache reports as it is.
for name in unbound bind powerdns; do
  expect "proxy-$name" "$name's cache keeps TTLs and lets a changed record through" "v('proxy-cache', 'ipv4', 'proxy')['status'] == 'pass'"
done
expect proxy-knot-resolver "Knot Resolver raises a 2 s TTL to its 5 s minimum, a negative one too" "v('proxy-cache', 'ipv4', 'proxy')['code'] == 'cache-rule-broken' and v('proxy-cache', 'ipv4', 'proxy')['p']['what'] == 'ttl-raised' and v('proxy-cache', 'ipv4', 'proxy')['p']['got_ttl'] == 5 and any(r.startswith('negative-') for r in v('proxy-cache', 'ipv4', 'proxy')['p']['rules'])"
ip netns exec drc-probe dnsmasq --keep-in-foreground --no-resolv --no-hosts --port=53 --bind-interfaces \
  --listen-address=127.0.0.20 --user=root --pid-file="$work/refusing.pid" >/dev/null 2>&1 &
refusing=$!
sleep 0.5
ip netns exec drc-probe "$bin" run --target 198.18.1.2 --port 53 --key-file /run/dnspath-drc/key --families ipv4 \
  --probes proxy --proxy 127.0.0.20 --out "$work/proxy-refusing" >"$work/proxy-refusing.out" 2>&1
kill $refusing; wait $refusing 2>/dev/null
# dnsdist as the DNS proxy, as it is deployed in front of resolvers: plain, and with its packet
# cache. It passes every item through unchanged (opcode 15 NOTIMP from the responder, AD and CD,
# the case, the types, NXDOMAIN); its cache hands back the TTL less the time cached and keys on DO.
for setup in plain cached; do
  conf="$work/dnsdist-$setup.conf"
  { echo "setLocal('127.0.0.15:53')"; echo "newServer({address='198.18.1.2:53', healthCheckMode='lazy'})"
    [ $setup = cached ] && echo 'getPool(""):setCache(newPacketCache(10000, {maxTTL=86400, minTTL=0}))'; } >"$conf"
  ip netns exec drc-probe dnsdist --supervised --disable-syslog -C "$conf" >"$work/dnsdist-$setup.log" 2>&1 &
  dnsdist_pid=$!
  for _ in $(seq 50); do ip netns exec drc-probe dig +short +tries=1 +time=1 @127.0.0.15 probe.dnspath.test SOA >/dev/null 2>&1 && break; sleep 0.1; done
  ip netns exec drc-probe "$bin" run --target 198.18.1.2 --port 53 --key-file /run/dnspath-drc/key --families ipv4 \
    --probes proxy --proxy 127.0.0.15 --out "$work/proxy-dnsdist-$setup" >"$work/proxy-dnsdist-$setup.out" 2>&1
  kill $dnsdist_pid; wait $dnsdist_pid 2>/dev/null
  echo "proxy-dnsdist-$setup via proxy: $(q "proxy-dnsdist-$setup" "' '.join(x['checkpoint'] + '=' + x['status'] + '/' + x['code'] for x in d['verdicts'] if x.get('via') == 'proxy')")"
  expect "proxy-dnsdist-$setup" "dnsdist ($setup) as the DNS proxy: dns-proxy and every transparency item pass (it offers no DoT here: na)" "v('dns-proxy', 'ipv4')['status'] == 'pass' and all(x['status'] == 'pass' for x in d['verdicts'] if x.get('via') == 'proxy' and x['checkpoint'] != 'dot-853') and v('dot-853', 'ipv4', 'proxy')['status'] == 'na' and len([x for x in d['verdicts'] if x.get('via') == 'proxy']) >= 9"
done
expect proxy-dnsdist-plain "dnsdist without a packet cache caches nothing" "v('proxy-cache', 'ipv4', 'proxy')['p']['cached'] is False"
expect proxy-dnsdist-cached "dnsdist's packet cache keeps the TTL less the time cached" "v('proxy-cache', 'ipv4', 'proxy')['p']['cached'] is True and 28 <= v('proxy-cache', 'ipv4', 'proxy')['p']['got_ttl'] <= 30"
# --proxy alone puts the proxy checks in the plan, whatever --probes lists (the README's example).
ip netns exec drc-probe "$bin" run --target 198.18.1.2 --port 53 --key-file /run/dnspath-drc/key --families ipv4 \
  --probes tcp --proxy 127.0.0.11 --out "$work/proxy-flag" >"$work/proxy-flag.out" 2>&1
expect proxy-flag "--proxy with --probes tcp: the plan gains the proxy checks" "v('dns-proxy', 'ipv4')['status'] == 'pass' and v('tcp-direct', 'ipv4')['status'] == 'pass'"
expect proxy-refusing "a proxy with no upstream: proxy-refused with its REFUSED, not interception" "v('dns-proxy', 'ipv4')['status'] == 'fail' and v('dns-proxy', 'ipv4')['code'] == 'proxy-refused' and v('dns-proxy', 'ipv4')['p']['rcode'] == 'REFUSED'"
"$bin" lab down --prefix drc >/dev/null 2>&1
expect clean "exit 0 on a clean path" "open('$work/clean.rc').read().strip() == '0'"
expect clean "all four resolvers asked all four questions" "${asked//NAMES/$all4}"
expect clean "every answer NOERROR with AD" "$ok"
# Each is asked RESINFO for resolver.arpa of itself (RFC 9606) after the questions: reported as it
# answered (Debian 12's resolvers predate RESINFO), never judged.
echo "clean: what each says of itself: $(q clean "'; '.join(r['name'] + '=' + str(r['self_rcode']) + ('' if r['self_resinfo'] is None else ' ' + r['self_resinfo']) for r in d['resolvers'])")"
expect clean "each resolver was asked RESINFO of itself, its answer recorded" "all('self_rcode' in r and 'self_resinfo' in r for r in d['resolvers']) and any(r['self_rcode'] is not None for r in d['resolvers'])"
expect clean "the report says the path does not hurt them" "'Every resolver asked (4) resolved and validated' in open('$work/clean.out').read()"
expect clean "the HTML report has the resolvers' table" "'Real resolvers behind this path' in open('$work/clean/report.html').read()"
left_behind drc

# This run also shows the parent's least privilege: once the lab stands, `lab run` keeps only
# what waiting and tearing down need (sys_admin, net_admin, net_raw, kill, dac_override,
# sys_ptrace, setpcap: 0x283122), bounding set included.
"$bin" lab run --profile "$here/resolvers-tcpdrop.toml" --out "$work/tcpdrop" >"$work/tcpdrop.out" 2>&1 &
lab_pid=$!
for _ in $(seq 300); do grep -q "\[resolvers\]" "$work/tcpdrop.out" 2>/dev/null && break; sleep 0.1; done
caps=$(grep -E "^Cap(Eff|Prm|Bnd)" /proc/$lab_pid/status | awk '{print $2}' | sort -u | tr '\n' ' ')
wait $lab_pid
echo $? >"$work/tcpdrop.rc"
validate tcpdrop "$work/tcpdrop/result.json"
if [ "$caps" = "0000000000283122 " ]; then passes=$((passes + 1)); else echo "FAIL the lab parent's capabilities once the lab stands: $caps"; failures=$((failures + 1)); fi
expect tcpdrop "TCP/53 fails on the router" "v('tcp-direct', 'ipv4')['device'] == 'router' and v('tcp-direct', 'ipv4')['status'] == 'fail'"
expect tcpdrop "all four resolvers asked" "${asked//NAMES/$all4}"
expect tcpdrop "no resolver validates anything: the DNSKEY set needs TCP" "all(r['failures'] == 4 for r in d['resolvers'])"
expect tcpdrop "BIND gives up with SERVFAIL before the stub does" "[a['rcode'] for r in d['resolvers'] if r['name'] == 'bind' for a in r['answers']][0] == 2"
expect tcpdrop "a resolver that stays silent is cut off at 6 s, not waited for" "all(a['ms'] < 6500 for r in d['resolvers'] for a in r['answers'])"
expect tcpdrop "the consequence is said beside the finding" "'4 of 4 resolvers could not resolve and validate: DNSKEY set' in open('$work/tcpdrop.out').read()"
left_behind drt
reproduces tcpdrop

run_lab frag "$here/resolvers-frag.toml"
expect frag "the fragment filter fails its checkpoint on the router" "v('udp-fragments', 'ipv4')['status'] == 'fail' and v('udp-fragments', 'ipv4')['device'] == 'router'"
expect frag "and does not hurt resolvers asking with 1232 octets" "$ok and len(d['resolvers']) == 2"
left_behind drf
reproduces frag

run_lab v6 "$here/resolvers-v6.toml"
expect v6 "over IPv6 every resolver validates every answer" "${asked//NAMES/$all4} and $ok"
left_behind drv

finish
