#!/usr/bin/env bash
# `dnspath bench` against a device under test that this script builds from real software, never
# dnspath: a namespace with nftables NAT, a DHCP client (udhcpc) on its WAN, dnsmasq as DHCP server
# and DNS proxy on its LAN. Two veth pairs cable it; dnspath is given only their far ends, as it
# would be given two NICs. Each configuration's verdicts must match it and name the DUT, and the
# interfaces must come back as they were, with nothing left behind.
# Needs root, dnsmasq, udhcpc, nft, dhclient (isc-dhcp-client), kea-dhcp6, radvd, unbound and named;
# exits 77 without them. Usage: bench_test.sh dnspath
set -u
bin=$1
[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
for tool in dnsmasq udhcpc nft dhclient kea-dhcp6 radvd unbound named; do command -v $tool >/dev/null || { echo "skipped: needs $tool"; exit 77; }; done
dut=dbt-dut lan=dbtlan wan=dbtwan
work=$(mktemp -d)
chmod 755 "$work"
passes=0 failures=0
teardown_dut() {
  ip netns pids $dut 2>/dev/null | xargs -r kill 2>/dev/null
  sleep 0.2
  ip netns del $dut 2>/dev/null
  ip link del $lan 2>/dev/null
  ip link del $wan 2>/dev/null
  ip netns del dbt-isp 2>/dev/null
  ip netns del dbt-home 2>/dev/null
}
cleanup() { teardown_dut; "$bin" lab down --prefix dpb >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT

# make_dut CONFIG: the home router, cabled. CONFIG: clean, small-edns, isp-dns, routed, frag4,
# tcp-refused, tcp-blocked, mtu1454, ipv6, pd.
make_dut() {
  teardown_dut
  ip netns add $dut
  ip link add $lan type veth peer name lan0 netns $dut
  ip link add $wan type veth peer name wan0 netns $dut
  ip -n $dut link set lo up
  # A link-local address without DAD on the WAN: the pd DUT's dhclient binds it at once.
  ip netns exec $dut sysctl -qw net.ipv6.conf.wan0.accept_dad=0
  ip -n $dut link set lan0 up
  ip -n $dut link set wan0 up
  ip -n $dut addr add 198.19.77.1/24 dev lan0
  ip netns exec $dut sysctl -qw net.ipv4.ip_forward=1
  # Its WAN takes an address by DHCP; the lease's DNS server becomes its proxy's upstream.
  cat >"$work/wan.sh" <<SCRIPT
#!/bin/sh
case "\$1" in bound|renew)
  ip -4 addr flush dev "\$interface"; ip addr add "\$ip/\$mask" dev "\$interface"
  ip route replace default via "\${router%% *}"
  echo "nameserver \${dns%% *}" > "$work/resolv.tmp" && mv "$work/resolv.tmp" "$work/resolv.conf";;
esac
SCRIPT
  chmod +x "$work/wan.sh"
  : >"$work/resolv.conf"
  ip netns exec $dut udhcpc -f -i wan0 -s "$work/wan.sh" -t 0 -T 1 -A 1 >"$work/udhcpc.log" 2>&1 &
  # --proxy-dnssec: a transparent proxy hands back the upstream's AD; the ad-clear DUT, like many
  # home routers' dnsmasq, does not (SAC035).
  local proxy_options=(--proxy-dnssec)
  [ "$1" = ad-clear ] && proxy_options=()
  # A cache that keeps every record 600 s whatever its TTL, as some home routers' proxies do
  # (dnsmasq refuses a repeated option: the cache size is set once, below).
  local cache_size=0
  [ "$1" = cache-ttl ] && cache_size=150 && proxy_options+=(--min-cache-ttl=600)
  [ "$1" = small-edns ] && proxy_options+=(--edns-packet-max=512)
  # An open resolver: the proxy also answers on its WAN interface, which no firewall guards (bound
  # as addresses come: the WAN's arrives by DHCP after dnsmasq starts).
  local bind=--bind-interfaces
  [ "$1" = wan-open ] && proxy_options+=(--interface=wan0 --no-dhcp-interface=wan0) && bind=--bind-dynamic
  local lan_dns=198.19.77.1
  [ "$1" = isp-dns ] && lan_dns=198.18.200.1  # hands its LAN the ISP's DNS server, not its own proxy
  if [ "$1" = ipv6 ]; then
    # IPv6 through the DUT: a static WAN address (no DHCPv6 client here), a ULA on its LAN
    # announced by dnsmasq's RA (SLAAC), forwarding, and NAT66 toward the WAN like many CPEs.
    ip netns exec $dut sysctl -qw net.ipv6.conf.all.forwarding=1
    ip -n $dut addr add fd00:200::2/64 dev wan0 nodad
    ip -n $dut -6 route add default via fd00:200::1
    ip -n $dut addr add fd00:77::1/64 dev lan0 nodad
    proxy_options+=(--enable-ra --dhcp-range=fd00:77::,ra-only,64)
  fi
  if [ "$1" = pd ]; then
    # IPv6 as a CPE takes it from its ISP: DHCPv6 on its WAN (dhclient asks an address and a
    # delegated prefix), the delegation's first /64 on its LAN announced by dnsmasq's RA, routed
    # without NAT66; its default route from the ISP's RA.
    ip netns exec $dut sysctl -qw net.ipv6.conf.all.forwarding=1
    ip netns exec $dut sysctl -qw net.ipv6.conf.wan0.accept_ra=2
    cat >"$work/wan6.sh" <<SCRIPT
#!/bin/sh
case "\$reason" in BOUND6|RENEW6|REBIND6|REBOOT6)
  [ -n "\$new_ip6_address" ] && ip -6 addr replace "\$new_ip6_address/128" dev wan0
  [ -n "\$new_ip6_prefix" ] && ip -6 addr replace "\${new_ip6_prefix%/*}1/64" dev lan0;;
esac
exit 0
SCRIPT
    chmod +x "$work/wan6.sh"
    rm -f "$work/dut6.leases"
    # Once the cable is live (a veth has no link-local address before its peer is up), as a CPE's
    # client starts when its WAN port gets a carrier.
    ( for _ in $(seq 300); do ip -n $dut -6 addr show dev wan0 scope link | grep -q inet6 && break; sleep 0.1; done
      exec ip netns exec $dut dhclient -6 -N -P -d -sf "$work/wan6.sh" -lf "$work/dut6.leases" -pf "$work/dut6.pid" wan0 \
        >"$work/dhclient6.log" 2>&1 ) &
    proxy_options+=(--enable-ra --dhcp-range=::,constructor:lan0,ra-only,64)
  fi
  ip netns exec $dut dnsmasq --keep-in-foreground --conf-file=/dev/null --interface=lan0 $bind --no-hosts \
    --resolv-file="$work/resolv.conf" --cache-size=$cache_size --dhcp-range=198.19.77.100,198.19.77.150,255.255.255.0,1h \
    --dhcp-option=option:router,198.19.77.1 --dhcp-option=option:dns-server,$lan_dns \
    --dhcp-leasefile="$work/dut.leases" --pid-file="$work/dut-dnsmasq.pid" "${proxy_options[@]}" >"$work/dut-dnsmasq.log" 2>&1 &
  local faults=""
  case $1 in
    # Before conntrack's defragmentation (-400) would reassemble them.
    frag4) faults='chain early { type filter hook prerouting priority -500; ip frag-off & 0x1fff != 0 drop; }' ;;
    tcp-refused) faults='chain input { type filter hook input priority 0; iifname "lan0" tcp dport 53 reject with tcp reset; }' ;;
    tcp-blocked) faults='chain forward { type filter hook forward priority 0; tcp dport 53 drop; }' ;;
    mtu1454)
      ip -n $dut link set wan0 mtu 1454
      # The DUT's own "fragmentation needed" never leaves it: a PMTUD black hole toward the WAN.
      faults='chain output { type filter hook output priority 0; icmp type destination-unreachable icmp code frag-needed drop; }' ;;
  esac
  local nat='oifname "wan0" masquerade;'
  [ "$1" = routed ] && nat=""  # routes its LAN untranslated, like a business line's routed subnet
  ip netns exec $dut nft -f - <<NFT
table ip dut {
  chain nat { type nat hook postrouting priority 100; $nat }
  $faults
}
NFT
  # NAT66 like many CPEs, except the one that routes its delegated prefix.
  [ "$1" = pd ] || ip netns exec $dut nft add table ip6 dut6 \; add chain ip6 dut6 nat '{ type nat hook postrouting priority 100; }' \
    \; add rule ip6 dut6 nat oifname wan0 masquerade
}

# make_static_dut: the clean DUT with its WAN set by hand (198.18.200.2, gateway and DNS .1):
# no DHCP client on its WAN, dnsmasq on its LAN as before.
make_static_dut() {
  make_dut clean
  ip netns pids $dut | xargs -r kill 2>/dev/null
  sleep 0.2
  ip -n $dut addr add 198.18.200.2/24 dev wan0
  ip -n $dut route add default via 198.18.200.1
  echo "nameserver 198.18.200.1" >"$work/resolv.conf"
  ip netns exec $dut dnsmasq --keep-in-foreground --conf-file=/dev/null --interface=lan0 --bind-interfaces --no-hosts \
    --resolv-file="$work/resolv.conf" --cache-size=0 --dhcp-range=198.19.77.100,198.19.77.150,255.255.255.0,1h \
    --dhcp-leasefile="$work/dut-static.leases" --pid-file="$work/dut-static.pid" >"$work/dut-static.log" 2>&1 &
}

# bench CONFIG [args…]: run the bench against the DUT; result in $work/CONFIG/result.json.
bench() {
  local name=$1; shift
  "$bin" bench --lan $lan --wan $wan --dut-name home-router --out "$work/$name" --families ipv4 "$@" \
    >"$work/$name.out" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
}
expect() {  # expect NAME WHAT PYTHON (over d, v(checkpoint), rc)
  local got
  got=$(python3 - "$work/$1/result.json" "$(cat "$work/$1.rc")" "$3" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1])); rc = int(sys.argv[2])
for x in d["verdicts"]:
    x["devices"] = sorted({b["device"] for b in x["blame"]})
    x["code"], x["p"] = x["cause"]["code"], x["cause"]["params"]
def v(c, f="ipv4", via="path"):
    found = [x for x in d["verdicts"] if x["checkpoint"] == c and x["family"] == f and x.get("via", "path") == via]
    return found[0] if found else {"status": "missing", "devices": [], "code": None, "p": {}}
print(eval(sys.argv[3]))
PY
)
  if [ "$got" = "True" ]; then passes=$((passes + 1)); else
    echo "FAIL $1: $2 (got $got)"; tail -5 "$work/$1.err"; grep -E "FAIL|WARN" "$work/$1.out" | head -12; failures=$((failures + 1)); fi
}
left_clean() {  # the interfaces are back in this namespace with MTU 1500, no bench namespace is left
  local got=yes
  ip netns list | grep -q '^dpb-' && got="a dpb- namespace is left"
  for link in $lan $wan; do
    ip -o link show $link 2>/dev/null | grep -q "mtu 1500" || got="$link is not back with MTU 1500"
    [ -z "$(ip -o addr show dev $link scope global 2>/dev/null)" ] || got="$link kept an address"
  done
  if [ "$got" = yes ]; then passes=$((passes + 1)); else echo "FAIL $1: $got"; failures=$((failures + 1)); fi
}

here=$(cd "$(dirname "$0")" && pwd)
schema_ok() {
  local got; got=$(python3 "$here/../validate_result.py" "$here/../../docs/result.schema.json" "$work/$1/result.json")
  if [ "$got" = valid ]; then passes=$((passes + 1)); else echo "FAIL $1: schema: $got"; failures=$((failures + 1)); fi
}
no_one_else="all(x['devices'] in ([], ['home-router']) for x in d['verdicts'])"

make_dut clean
bench clean --dut-model "Lab CPE <nft+dnsmasq>" --dut-firmware "2.90" --resolvers unbound,bind
expect clean "Unbound and BIND in the home resolve and validate every signed name through the DUT" "[r['name'] for r in d['resolvers']] == ['unbound', 'bind'] and all(a['rcode'] == 0 and a['ad'] for r in d['resolvers'] for a in r['answers'])"
expect clean "the DUT's identity is in the result" "d['device_identity'] == [{'name': 'home-router', 'model': 'Lab CPE <nft+dnsmasq>', 'firmware': '2.90'}]"
expect clean "a clean home router: exit 0, only its NAT noted, on home-router" "rc == 0 and v('nat')['status'] == 'warn' and v('nat')['devices'] == ['home-router'] and not [x for x in d['verdicts'] if x['status'] == 'fail']"
expect clean "both modes ran: route (udp-large) and proxy (dns-proxy through the DUT's DNS)" "v('udp-large')['status'] == 'pass' and v('dns-proxy')['status'] == 'pass' and v('dns-proxy')['p']['proxy'] == '198.19.77.1'"
expect clean "the DUT is named in the path" "d['path'] == ['home-router']"
expect clean "through the DUT's proxy: AD and CD handed back, the case kept, opcode 15 NOTIMP" "v('header-bits', 'ipv4', 'proxy')['status'] == 'pass' and v('case-0x20', 'ipv4', 'proxy')['status'] == 'pass' and v('unknown-opcode', 'ipv4', 'proxy')['status'] == 'pass'"
expect clean "asked from the ISP side at its WAN lease, the DUT's proxy does not resolve" "v('proxy-wan-open', 'ipv4', 'proxy')['status'] == 'pass' and v('proxy-wan-open', 'ipv4', 'proxy')['p']['wan_address'].startswith('198.18.200.')"
schema_ok clean
left_clean clean

# A DUT whose dnsmasq clears the upstream's AD (no --proxy-dnssec): header-bits through the proxy
# warns, named on home-router from the taps; the path's own header bits pass.
make_dut ad-clear
bench ad-clear --probes options,proxy
expect ad-clear "the proxy clears AD: header-bits (proxy) warns on home-router, exit 0" "rc == 0 and v('header-bits', 'ipv4', 'proxy')['status'] == 'warn' and v('header-bits', 'ipv4', 'proxy')['p']['bits'] == ['AD'] and v('header-bits', 'ipv4', 'proxy')['devices'] == ['home-router']"
expect ad-clear "route mode passes the header bits" "v('header-bits')['status'] == 'pass' and v('case-0x20')['status'] == 'pass'"
left_clean ad-clear

# A DUT whose proxy's cache keeps records past their TTL: proxy-cache fails on home-router.
make_dut cache-ttl
bench cache-ttl --probes proxy
expect cache-ttl "the proxy's cache breaks the TTL rules: proxy-cache (proxy) fails on home-router" "rc == 1 and v('proxy-cache', 'ipv4', 'proxy')['code'] == 'cache-rule-broken' and v('proxy-cache', 'ipv4', 'proxy')['p']['what'] in ('ttl-raised', 'stale')"
expect cache-ttl "its minimum cache TTL keeps an NXDOMAIN past its SOA's 2 s too (RFC 2308 5)" "'negative-stale' in v('proxy-cache', 'ipv4', 'proxy')['p']['rules']"
left_clean cache-ttl

# A DUT whose proxy answers its WAN side too: asked by the bench's responder from the ISP side,
# it resolves, an open resolver named on home-router.
make_dut wan-open
bench wan-open --probes proxy
expect wan-open "an open resolver on the WAN side: proxy-wan-open (proxy) fails on home-router" "rc == 1 and v('proxy-wan-open', 'ipv4', 'proxy')['status'] == 'fail' and v('proxy-wan-open', 'ipv4', 'proxy')['code'] == 'open-resolver' and v('proxy-wan-open', 'ipv4', 'proxy')['devices'] == ['home-router']"
left_clean wan-open

make_dut small-edns
bench small-edns
expect small-edns "a proxy advertising 512 octets upstream: dns-proxy warns proxy-rewrite on home-router" "v('dns-proxy')['status'] == 'warn' and v('dns-proxy')['code'] == 'proxy-rewrite' and v('dns-proxy')['p']['upstream_bufsize'] == 512 and v('dns-proxy')['devices'] == ['home-router']"
expect small-edns "route mode is untouched" "v('udp-large')['status'] == 'pass'"
left_clean small-edns

# A DUT that hands its LAN the ISP's DNS server (no proxy of its own in between): dns-proxy is na,
# not a pass credited to a proxy that is not there; route mode passes.
make_dut isp-dns
bench isp-dns --probes edns-size,proxy
expect isp-dns "the ISP's DNS handed out: dns-proxy na (proxy-is-target), route mode passes, exit 0" "rc == 0 and v('dns-proxy')['status'] == 'na' and v('dns-proxy')['p']['why'] == 'proxy-is-target' and v('udp-large')['status'] == 'pass'"
left_clean isp-dns

# A DUT without NAT: the bench routes the home's address back via the DUT's WAN lease, as an ISP
# routes a customer's subnet; the answers come back and nat passes (no translation).
make_dut routed
bench routed --probes edns-size,tcp,nat
expect routed "a routing DUT without NAT: reached, nat passes, exit 0" "rc == 0 and v('nat')['status'] == 'pass' and v('udp-large')['status'] == 'pass' and v('tcp-direct')['status'] == 'pass'"
left_clean routed

make_dut frag4
bench frag4
expect frag4 "IPv4 fragments dropped: udp-fragments fails as a fragment filter on home-router" "v('udp-fragments')['status'] == 'fail' and v('udp-fragments')['code'] == 'fragment-filter' and v('udp-fragments')['devices'] == ['home-router']"
expect frag4 "large answers fail as fragments, named on home-router, nobody else blamed" "v('udp-large')['code'] == 'fragment-filter' and v('udp-large')['devices'] == ['home-router'] and $no_one_else"
left_clean frag4

make_dut tcp-refused
bench tcp-refused
expect tcp-refused "TCP/53 to the proxy refused: dns-proxy fails on home-router" "rc == 1 and v('dns-proxy')['status'] == 'fail' and v('dns-proxy')['devices'] == ['home-router']"
expect tcp-refused "TCP through the DUT (route mode) still passes" "v('tcp-direct')['status'] == 'pass'"
left_clean tcp-refused

# TCP/53 dropped as it crosses the DUT: tcp-direct fails on it, and the resolvers in the home
# cannot fetch the zone's DNSKEY set (larger than their 1232-octet buffers) and fail.
make_dut tcp-blocked
bench tcp-blocked --probes edns-size,tcp --resolvers unbound,bind
expect tcp-blocked "TCP/53 dropped through the DUT: tcp-direct fails as a TCP filter on home-router" "rc == 1 and v('tcp-direct')['status'] == 'fail' and v('tcp-direct')['code'] == 'tcp-filter' and v('tcp-direct')['devices'] == ['home-router']"
expect tcp-blocked "both resolvers fail the DNSKEY set (BIND SERVFAIL, Unbound silent or SERVFAIL)" "all(not a['ad'] for r in d['resolvers'] for a in r['answers'] if a['question'] == 'dnskey') and len(d['resolvers']) == 2"
left_clean tcp-blocked

make_dut mtu1454
bench mtu1454 --wan-mtu 1454
expect mtu1454 "WAN MTU 1454 with ICMP dropped: a PMTUD black hole on home-router" "v('pmtu')['status'] == 'fail' and v('pmtu')['code'] == 'pmtud-blackhole' and v('pmtu')['devices'] == ['home-router']"
left_clean mtu1454

# IPv6 through the DUT: the LAN side takes an address from the DUT's RA, and both families are
# probed through it; the DUT's NAT66 is named on it.
make_dut ipv6
"$bin" bench --lan $lan --wan $wan --dut-name home-router --out "$work/ipv6" --probes edns-size,tcp,nat,proxy \
  >"$work/ipv6.out" 2>"$work/ipv6.err"
echo $? >"$work/ipv6.rc"
expect ipv6 "IPv6 through the DUT: the LAN side got an address from its RA and both families were probed" "'fd00:200::1' in d['targets'] and v('udp-large', 'ipv6')['status'] == 'pass' and v('tcp-direct', 'ipv6')['status'] == 'pass'"
expect ipv6 "the DUT's NAT66 is named on it" "v('nat', 'ipv6')['status'] == 'warn' and v('nat', 'ipv6')['devices'] == ['home-router']"
schema_ok ipv6
left_clean ipv6

# DHCPv6 prefix delegation (a /60 here, --pd-length): the DUT asks an address and a prefix on its
# WAN, numbers its LAN from the prefix and routes it; the bench routes the prefix to the DUT, so
# IPv6 reaches the responder without NAT66, and the result records the delegation.
make_dut pd
"$bin" bench --lan $lan --wan $wan --pd-length 60 --dut-name home-router --out "$work/pd" --probes edns-size,tcp,nat \
  >"$work/pd.out" 2>"$work/pd.err"
echo $? >"$work/pd.rc"
expect pd "DHCPv6-PD: a /60 from the pool delegated, an address leased, the LAN numbered from the delegation" "d['addressing']['delegated_prefix'].startswith('fd00:7700:') and d['addressing']['delegated_prefix'].endswith('/60') and d['addressing']['wan_ipv6'].startswith('fd00:200::') and d['addressing']['lan_in_delegation'] is True"
expect pd "IPv6 routed through the DUT without NAT66: large UDP and TCP pass, nat passes on IPv6 and warns on IPv4" "v('udp-large', 'ipv6')['status'] == 'pass' and v('tcp-direct', 'ipv6')['status'] == 'pass' and v('nat', 'ipv6')['status'] == 'pass' and v('nat')['status'] == 'warn'"
if grep -q "delegated prefix fd00:7700:.*/60" "$work/pd.out"; then passes=$((passes + 1)); else
  echo "FAIL pd: the report does not show the delegation"; head -5 "$work/pd.out"; failures=$((failures + 1)); fi
schema_ok pd
left_clean pd

# The delegation's route follows its lease: with the bench serving (--wan alone), the route to the
# DUT's prefix appears, and goes when the DUT releases the lease (dhclient -r).
make_dut pd
"$bin" bench --wan $wan --dut-name home-router --out "$work/pd-release" --seconds 30 >"$work/pd-release.out" 2>"$work/pd-release.err" &
bench_pid=$!
routed=no released=no
for _ in $(seq 200); do ip -n dpb-wan -6 route show 2>/dev/null | grep -q "^fd00:7700:.* via fe80::" && { routed=yes; break; }; sleep 0.1; done
if [ $routed = yes ]; then
  # Kea routes the prefix when it commits the lease, before dhclient has written it down: a release
  # sent from an empty lease file releases nothing (the CI's rare "withdrawn on release no").
  for _ in $(seq 50); do grep -q iaprefix "$work/dut6.leases" 2>/dev/null && break; sleep 0.1; done
  ip netns exec $dut dhclient -6 -r -N -P -sf "$work/wan6.sh" -lf "$work/dut6.leases" -pf "$work/dut6.pid" wan0 >/dev/null 2>&1
  for _ in $(seq 50); do ip -n dpb-wan -6 route show | grep -q "^fd00:7700:" || { released=yes; break; }; sleep 0.1; done
fi
kill -INT $bench_pid
wait $bench_pid
if [ $routed/$released = yes/yes ]; then passes=$((passes + 1)); else
  echo "FAIL pd-release: routed $routed, withdrawn on release $released"; tail -3 "$work/pd-release.err"; failures=$((failures + 1)); fi
left_clean pd-release

# A static uplink: no DHCP from the bench; the DUT's WAN is set by hand.
make_static_dut
bench static --uplink static --probes edns-size,proxy
expect static "a static uplink works end to end" "rc == 0 and v('udp-large')['status'] == 'pass' and v('dns-proxy')['status'] == 'pass'"
left_clean static

# One side only. --lan alone is a field test: the DUT's WAN reaches a remote responder (here a
# namespace this script builds around the WAN cable), one tap on the LAN records the evidence and,
# seeing one side only, blames nobody.
make_static_dut
ip netns add dbt-isp
ip link set $wan netns dbt-isp
ip -n dbt-isp link set $wan up
ip -n dbt-isp addr add 198.18.200.1/24 dev $wan
"$bin" keygen "$work/remote.key" >/dev/null
ip netns exec dbt-isp "$bin" respond --listen 198.18.200.1 --port 53 --key-file "$work/remote.key" \
  --zone-key "$work/remote.pem" >"$work/remote.log" 2>&1 &
for _ in $(seq 50); do grep -q serving "$work/remote.log" && break; sleep 0.1; done
"$bin" bench --lan $lan --target 198.18.200.1 --key-file "$work/remote.key" --dut-name home-router --out "$work/lan-only" \
  --families ipv4 --probes edns-size,tcp,nat,proxy >"$work/lan-only.out" 2>"$work/lan-only.err"
echo $? >"$work/lan-only.rc"
expect lan-only "--lan alone: the plan runs against the remote responder through the DUT" "rc == 0 and v('udp-large')['status'] == 'pass' and v('tcp-direct')['status'] == 'pass' and v('nat')['status'] == 'warn'"
expect lan-only "the DUT's proxy forwards beyond the bench's sight: dns-proxy is na, not a failure" "v('dns-proxy')['status'] == 'na' and v('dns-proxy')['p']['why'] == 'proxy-upstream-unseen'"
expect lan-only "one tap, on the LAN, with the probes' frames; nobody blamed from one side" "[t['name'] for t in d['taps']] == ['home-router.in'] and d['taps'][0]['frames'] > 20 and not [x for x in d['verdicts'] if x['devices']]"
ip netns pids dbt-isp | xargs -r kill 2>/dev/null
sleep 0.2
ip -n dbt-isp link set $wan netns 1
ip netns del dbt-isp
left_clean lan-only

# --wan alone: the bench plays the ISP and taps the WAN while a laptop on the DUT's LAN (a
# namespace this script builds, with its own DHCP client) probes through it.
make_dut clean
"$bin" bench --wan $wan --dut-name home-router --out "$work/wan-only" >"$work/wan-only.out" 2>"$work/wan-only.err" &
bench_pid=$!
for _ in $(seq 200); do grep -q "bench: serving" "$work/wan-only.err" 2>/dev/null && break; sleep 0.05; done
ip netns add dbt-home
ip link set $lan netns dbt-home
ip -n dbt-home link set lo up
ip -n dbt-home link set $lan up
cat >"$work/home.sh" <<SCRIPT
#!/bin/sh
case "\$1" in bound|renew) ip addr add "\$ip/\$mask" dev "\$interface"; ip route replace default via "\${router%% *}";; esac
SCRIPT
chmod +x "$work/home.sh"
ip netns exec dbt-home udhcpc -q -n -i $lan -s "$work/home.sh" -t 10 -T 1 >"$work/home-dhcp.log" 2>&1
ip netns exec dbt-home "$bin" run --target 198.18.200.1 --key-file /run/dnspath-dpb/key --families ipv4 \
  --probes edns-size,tcp --out "$work/laptop" >"$work/laptop.out" 2>&1
echo $? >"$work/laptop.rc"
kill -INT $bench_pid
wait $bench_pid
echo $? >"$work/wan-only.rc"
expect laptop "--wan alone: a laptop behind the DUT probes the bench's responder" "rc == 0 and v('udp-large')['status'] == 'pass'"
tapped=$(tshark -r "$work/wan-only/taps/home-router.out.pcapng" -Y dns 2>/dev/null | wc -l)
if [ "$(cat "$work/wan-only.rc")" = 0 ] && [ "$tapped" -gt 20 ]; then passes=$((passes + 1)); else
  echo "FAIL wan-only: exit $(cat "$work/wan-only.rc"), $tapped DNS frames in the WAN tap"; tail -3 "$work/wan-only.err"; failures=$((failures + 1)); fi
ip netns pids dbt-home | xargs -r kill 2>/dev/null
ip -n dbt-home link set $lan netns 1
ip netns del dbt-home
left_clean wan-only

# SIGKILL while the bench probes: nothing can be caught, so `lab down --prefix dpb` must hand both
# interfaces back (the WAN one with its MTU: the bench set 1454) and remove everything.
make_dut frag4
"$bin" bench --lan $lan --wan $wan --wan-mtu 1454 --out "$work/killed" --families ipv4 --probes fragments,edns-size \
  >"$work/killed.out" 2>"$work/killed.err" &
bench_pid=$!
for _ in $(seq 600); do grep -q "edns-size ipv4" "$work/killed.err" 2>/dev/null && break; sleep 0.05; done
kill -KILL $bench_pid
wait $bench_pid 2>/dev/null
pkill -KILL -f "dnspath-dpb/" 2>/dev/null  # its run child, orphaned (a Ctrl-C in a terminal reaches it; SIGKILL does not)
"$bin" lab down --prefix dpb >"$work/killed-down.out" 2>&1
if grep -q "edns-size ipv4" "$work/killed.err" && grep -q "removed 2 namespaces" "$work/killed-down.out"; then passes=$((passes + 1)); else
  echo "FAIL killed: $(tail -1 "$work/killed.err") / $(cat "$work/killed-down.out")"; failures=$((failures + 1)); fi
left_clean killed

# An interface in use is refused (and named), unless --force.
make_dut clean
ip addr add 198.18.250.1/24 dev $lan
"$bin" bench --lan $lan --wan $wan --out "$work/busy" >"$work/busy.out" 2>"$work/busy.err"
busy_rc=$?
if [ $busy_rc -eq 2 ] && grep -q "$lan is in use (198.18.250.1/24" "$work/busy.err" && ! ip netns list | grep -q '^dpb-'; then
  passes=$((passes + 1)); else echo "FAIL busy: exit $busy_rc, $(cat "$work/busy.err")"; failures=$((failures + 1)); fi
ip addr del 198.18.250.1/24 dev $lan

# A NIC as it comes: cabled to the DUT's LAN port, it took a SLAAC address, the on-link prefix and
# a default route from the DUT's RA, and a DHCP lease's address (with a lifetime, as a client sets
# it), before the bench starts — as every Debian host does by default. That is not "in use".
make_dut ipv6
sysctl -qw net.ipv6.conf.$lan.accept_ra=2 net.ipv6.conf.$lan.autoconf=1
ip link set $lan up
for _ in $(seq 100); do ip -6 addr show dev $lan scope global | grep -q "fd00:77:" && break; sleep 0.1; done
ip addr add 198.19.77.123/24 dev $lan valid_lft 3600 preferred_lft 3600
autoconf=$(ip -6 addr show dev $lan scope global | grep -c "fd00:77:"); ra_route=$(ip -6 route show dev $lan proto ra | grep -c .)
"$bin" bench --lan $lan --wan $wan --out "$work/as-it-comes" --families ipv4 --probes edns-size >"$work/as-it-comes.out" 2>"$work/as-it-comes.err"
echo $? >"$work/as-it-comes.rc"
if [ "$autoconf" -ge 1 ] && [ "$ra_route" -ge 1 ] && ! grep -q "in use" "$work/as-it-comes.err"; then passes=$((passes + 1)); else
  echo "FAIL as-it-comes: SLAAC $autoconf, RA routes $ra_route, $(grep -m1 "in use" "$work/as-it-comes.err")"; failures=$((failures + 1)); fi
expect as-it-comes "a NIC carrying only what the DUT gave it is taken without --force, and the run completes" "rc in (0, 1) and v('udp-large')['status'] == 'pass'"
# Back in this namespace the NIC may take the DUT's RA again at once: only the namespaces are checked.
if ip netns list | grep -q '^dpb-'; then echo "FAIL as-it-comes: a dpb- namespace is left"; failures=$((failures + 1)); else passes=$((passes + 1)); fi
sysctl -qw net.ipv6.conf.$lan.accept_ra=0 2>/dev/null; ip addr flush dev $lan scope global 2>/dev/null

# Ctrl-C while the bench is being built (the DUT's DHCP is slow: dnsmasq pings before it offers):
# nothing measured, exit 2, the interfaces come back.
make_dut clean
"$bin" bench --lan $lan --wan $wan --out "$work/early" --families ipv4 >"$work/early.out" 2>"$work/early.err" &
bench_pid=$!
sleep 1
kill -INT $bench_pid
wait $bench_pid
early_rc=$?
if [ $early_rc -eq 2 ] && grep -q "the interfaces are back" "$work/early.err"; then passes=$((passes + 1)); else
  echo "FAIL early: exit $early_rc, $(tail -2 "$work/early.err")"; failures=$((failures + 1)); fi
left_clean early
# SIGTERM while probing: the DUT drops IPv4 fragments; the signal is sent once the fragments kind
# says it is done, while the mapping-timeout kind (which holds answers back for minutes) has still
# to end, so it lands inside the run, not before or after it. What was measured is written, marked interrupted,
# exit 2, and the interfaces come back.
make_dut frag4
"$bin" bench --lan $lan --wan $wan --out "$work/late" --families ipv4 --probes fragments,edns-size,udp-mapping-timeout --dut-name home-router \
  >"$work/late.out" 2>"$work/late.err" &
bench_pid=$!
for _ in $(seq 600); do grep -q "fragments ipv4 done" "$work/late.err" 2>/dev/null && break; sleep 0.05; done
sleep 0.3
kill -TERM $bench_pid
wait $bench_pid
echo $? >"$work/late.rc"
expect late "SIGTERM inside the run: exit 2, what was measured written and marked interrupted" "rc == 2 and d['interrupted'] is True and v('udp-fragments')['status'] == 'fail' and v('udp-fragments')['devices'] == ['home-router']"
schema_ok late
for side in in out; do  # both taps' pcapng, cut short by the signal, still open in tshark
  if frames=$(tshark -r "$work/late/taps/home-router.$side.pcapng" 2>/dev/null | wc -l) && [ "$frames" -gt 10 ]; then
    passes=$((passes + 1)); else echo "FAIL late: home-router.$side.pcapng does not open in tshark ($frames frames)"; failures=$((failures + 1)); fi
done
left_clean late

teardown_dut
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
