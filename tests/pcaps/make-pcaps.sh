#!/usr/bin/env bash
# Records the DNS fixtures in this folder from real servers: BIND 9 and Knot serving a signed zone,
# and Unbound validating it as a resolver. Everything runs on the loopback of a private network
# namespace, so nothing leaves the machine. Needs root and: bind9 bind9-dnsutils knot knot-dnsutils
# unbound tcpdump iproute2. Usage: tests/pcaps/make-pcaps.sh [OUTPUT_DIR] (default: this folder).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
ns=dpmkpcap
mkdir -p "$out"
work=$(mktemp -d /tmp/dnspath-pcaps.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
in_ns() { ip netns exec "$ns" "$@"; }

ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
in_ns ip link set lo up

# --- The zone, signed offline by BIND's tools (the DS is known, for Unbound's trust anchor). -----
mkdir -p "$work/knot/storage" "$work/unbound"
"$here/../lab/signed-zone.sh" "$work/bind"
cat > "$work/bind/named.conf" <<EOF
options {
  directory "$work/bind";
  pid-file "$work/bind/named.pid";
  listen-on port 5301 { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  max-udp-size 4096;
  dnssec-validation no;
  server-id "dnspath-fixture-bind";
};
zone "example.test" { type primary; file "example.test.signed"; };
EOF
in_ns named -g -c "$work/bind/named.conf" -u root > "$work/bind/log" 2>&1 & pids+=($!)

# Knot: signs the same zone itself (automatic DNSSEC with its default ECDSA P-256 policy).
cp "$work/bind/example.test.unsigned" "$work/knot/example.test.zone"
cat > "$work/knot/knot.conf" <<EOF
server:
    rundir: "$work/knot"
    listen: 127.0.0.1@5302
    identity: "dnspath-fixture-knot"
    nsid: "dnspath-fixture-knot"
database:
    storage: "$work/knot/storage"
template:
  - id: default
    storage: "$work/knot"
    dnssec-signing: on
    zonefile-sync: -1
zone:
  - domain: example.test
    file: example.test.zone
EOF
in_ns knotd -c "$work/knot/knot.conf" > "$work/knot/log" 2>&1 & pids+=($!)

# Unbound: a validating resolver for example.test with BIND as the stub and BIND's DS as anchor.
cat > "$work/unbound/unbound.conf" <<EOF
server:
    interface: 127.0.0.1@5303
    do-daemonize: no
    chroot: ""
    username: ""
    directory: "$work/unbound"
    pidfile: "$work/unbound/unbound.pid"
    use-syslog: no
    logfile: ""
    do-ip6: no
    do-not-query-localhost: no
    module-config: "validator iterator"
    trust-anchor: "$(cut -d' ' -f1,3- "$work/bind/ds.txt")"
    ede: yes
    qname-minimisation: no
    access-control: 127.0.0.0/8 allow
    # .test is an RFC 6761 name Unbound answers itself unless told not to.
    local-zone: "test." nodefault
stub-zone:
    name: "example.test"
    stub-addr: 127.0.0.1@5301
EOF
in_ns unbound -c "$work/unbound/unbound.conf" > "$work/unbound/log" 2>&1 & pids+=($!)

wait_port() {
  for _ in $(seq 50); do
    in_ns dig +time=1 +tries=1 @127.0.0.1 -p "$1" example.test SOA +norec >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "server on port $1 did not come up" >&2; cat "$work"/*/log >&2; exit 1
}
wait_port 5301; wait_port 5302; wait_port 5303

capture() {  # capture NAME PORTS... -- then run the queries given as a function name
  local name=$1 filter=$2 queries=$3
  in_ns tcpdump --immediate-mode -i lo -U -s 0 -Z root -w "$work/$name.pcap" "$filter" >/dev/null 2>&1 & local dump=$!
  sleep 1
  "$queries"
  sleep 0.5
  kill "$dump"; wait "$dump" 2>/dev/null || true
  cp "$work/$name.pcap" "$out/$name.pcap"
}

q() { in_ns dig +time=2 +tries=1 "$@" >/dev/null 2>&1 || true; }
auth_queries() {  # the same questions to an authoritative server on port $port
  q @127.0.0.1 -p "$port" +norec example.test SOA
  q @127.0.0.1 -p "$port" +norec +dnssec example.test DNSKEY
  q @127.0.0.1 -p "$port" +norec +dnssec +bufsize=4096 t1500.example.test TXT
  q @127.0.0.1 -p "$port" +norec +dnssec +bufsize=1232 +ignore t3000.example.test TXT
  q @127.0.0.1 -p "$port" +norec +dnssec +tcp t3000.example.test TXT
  q @127.0.0.1 -p "$port" +norec +noedns t600.example.test TXT
  q @127.0.0.1 -p "$port" +norec +dnssec nothere.example.test A
  q @127.0.0.1 -p "$port" +norec +nsid +cookie alias.example.test A
  q @127.0.0.1 -p "$port" +norec mail.example.test MX
  q @127.0.0.1 -p "$port" +norec +edns=1 www.example.test A
}
bind_queries() { port=5301 auth_queries; }
knot_queries() { port=5302 auth_queries; }
unbound_queries() {
  q @127.0.0.1 -p 5303 +dnssec www.example.test A
  q @127.0.0.1 -p 5303 +dnssec t1500.example.test TXT
  q @127.0.0.1 -p 5303 +dnssec nothere.example.test A
  q @127.0.0.1 -p 5303 +dnssec +cd alias.example.test A
}
capture bind "port 5301" bind_queries
capture knot "port 5302" knot_queries
# Both legs: the stub's questions to Unbound and Unbound's own DO=1 queries to BIND (JPRS F-130).
capture unbound "port 5303 or port 5301" unbound_queries
echo "wrote $out/bind.pcap $out/knot.pcap $out/unbound.pcap"
