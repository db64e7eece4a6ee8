#!/usr/bin/env bash
# Builds a parent zone dpd.test. and its signed child sub.dpd.test. with BIND's tools, with one
# fault introduced for real, and writes a named.conf serving the parent on PARENT_ADDR and the
# child on CHILD_ADDR (one named, a view per address). Used by tests/lab/diagnose_test.sh.
# Usage: diagnose-zones.sh DIR FAULT PARENT_ADDR CHILD_ADDR [PARENT_ADDR6 CHILD_ADDR6]
#   FAULT: clean, clean-nsec, expired, not-yet-valid, ds-wrong-key, ds-algorithm, no-ksk, ds-at-apex,
#          nsec3param-missing; knot, knot-nsec3, knot-ds-wrong-key (the child served and signed by Knot
#          DNS instead: DIR/knot.conf, keys made with keymgr; start `knotd -c DIR/knot.conf` too)
# Writes DIR/named.conf, DIR/parent-ds.txt (the parent KSK's DS, a resolver's trust anchor) and
# DIR/other-ds.txt (a DS for a key nobody uses: a wrong trust anchor).
set -euo pipefail
dir=$1 fault=$2 parent_addr=$3 child_addr=$4 parent_addr6=${5:-} child_addr6=${6:-}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cd "$dir"
rm -f K* *.signed *.zone dsset-*
keygen() { dnssec-keygen -q -a "$@"; }

# Knot DNS signs the child itself (manual key policy, keys made here with keymgr so the parent's
# DS can be written before knotd starts): NSEC, or NSEC3 for knot-nsec3.
knot_child() {
  rm -rf knot && mkdir -p knot
  local nsec3=off
  [ "$1" = knot-nsec3 ] && nsec3=on
  cat > knot.conf <<CONF
server:
    rundir: "$dir/knot"
    listen: $child_addr@53
database:
    storage: "$dir/knot"
log:
  - target: stderr
    any: info
policy:
  - id: manual
    manual: on
    nsec3: $nsec3
zone:
  - domain: sub.dpd.test
    storage: "$dir"
    file: "sub.dpd.test.zone"
    dnssec-signing: on
    dnssec-policy: manual
    zonefile-sync: -1
CONF
  keymgr -c knot.conf sub.dpd.test generate algorithm=ecdsap256sha256 ksk=yes zsk=no >/dev/null
  keymgr -c knot.conf sub.dpd.test generate algorithm=ecdsap256sha256 ksk=no zsk=yes >/dev/null
  keymgr -c knot.conf sub.dpd.test ds | grep ' 2 ' | sed 's/ DS / IN DS /' > knot-ds.txt
}

# The child, signed as the fault asks.
cat > sub.dpd.test.zone <<ZONE
\$TTL 3600
@     SOA ns hostmaster 1 7200 3600 1209600 300
@     NS  ns
ns    A   $child_addr
www   A   198.18.0.80
txt   TXT "a signed answer"
ZONE
if [[ $fault == knot* ]]; then
  knot_child "$fault"
else
ksk=$(keygen ECDSAP256SHA256 -f KSK sub.dpd.test)
zsk=$(keygen ECDSAP256SHA256 sub.dpd.test)
keys=("$ksk.key" "$zsk.key")
[ "$fault" = no-ksk ] && keys=("$zsk.key")
cat "${keys[@]}" >> sub.dpd.test.zone
ds_key=$ksk
[ "$fault" = no-ksk ] && ds_key=$zsk
window=(-s now-3600 -e now+30d)
[ "$fault" = expired ] && window=(-s now-30d -e now-1d)
[ "$fault" = not-yet-valid ] && window=(-s now+2d -e now+30d)
nsec=(-3 - -H 0)
[ "$fault" = clean-nsec ] && nsec=()
signer=(-z)
[ "$fault" = no-ksk ] && signer=()
dnssec-signzone -q -P -O full "${signer[@]}" "${nsec[@]}" "${window[@]}" -o sub.dpd.test -f sub.dpd.test.signed \
  sub.dpd.test.zone "${keys[@]}" >/dev/null
# dnssec-signzone refuses a DS at the apex, so the fault goes in after signing, as a hand edit would.
[ "$fault" = ds-at-apex ] && dnssec-dsfromkey -2 "$ksk.key" | sed 's/ IN DS / 3600 IN DS /' >> sub.dpd.test.signed
[ "$fault" = nsec3param-missing ] && sed -i -E '/\sNSEC3PARAM\s|RRSIG\s+NSEC3PARAM/d' sub.dpd.test.signed
fi

# The child's DS at the parent: its real KSK, or a key it never published.
case $fault in
  knot|knot-nsec3) cat knot-ds.txt ;;
  knot-ds-wrong-key) other=$(keygen ECDSAP256SHA256 -f KSK sub.dpd.test); dnssec-dsfromkey -2 "$other.key" ;;
  ds-wrong-key) other=$(keygen ECDSAP256SHA256 -f KSK sub.dpd.test); dnssec-dsfromkey -2 "$other.key" ;;
  ds-algorithm) other=$(keygen RSASHA256 -b 2048 -f KSK sub.dpd.test); dnssec-dsfromkey -2 "$other.key" ;;
  *) dnssec-dsfromkey -2 "$ds_key.key" ;;
esac | sed 's/ IN DS / 3600 IN DS /' > child-ds.txt

# The parent: signed, delegating sub with glue and the DS.
cat > dpd.test.zone <<ZONE
\$TTL 3600
@     SOA ns hostmaster 1 7200 3600 1209600 300
@     NS  ns
ns    A   $parent_addr
sub   3600 NS ns.sub
ns.sub A  $child_addr
ZONE
cat child-ds.txt >> dpd.test.zone
pksk=$(keygen ECDSAP256SHA256 -f KSK dpd.test)
pzsk=$(keygen ECDSAP256SHA256 dpd.test)
cat "$pksk.key" "$pzsk.key" >> dpd.test.zone
dnssec-signzone -q -O full -3 - -H 0 -s now-3600 -e now+30d -o dpd.test -f dpd.test.signed dpd.test.zone \
  "$pksk.key" "$pzsk.key" >/dev/null
dnssec-dsfromkey -2 "$pksk.key" > parent-ds.txt
unused=$(keygen ECDSAP256SHA256 -f KSK dpd.test)
dnssec-dsfromkey -2 "$unused.key" > other-ds.txt

cat > named.conf <<CONF
options {
  directory "$dir";
  pid-file "$dir/named.pid";
  listen-on port 53 { $parent_addr; $child_addr; };
  listen-on-v6 { ${parent_addr6:-none}; ${child_addr6:-none}; };
  recursion no;
  dnssec-validation no;
  max-udp-size 4096;
};
view parent { match-destinations { $parent_addr; ${parent_addr6:+$parent_addr6;} }; zone "dpd.test" { type primary; file "dpd.test.signed"; }; };
view child { match-destinations { $child_addr; ${child_addr6:+$child_addr6;} }; zone "sub.dpd.test" { type primary; file "sub.dpd.test.signed"; }; };
CONF
# With Knot serving the child, named serves the parent alone.
if [[ $fault == knot* ]]; then
  sed -i -e '/^view child/d' -e "s/listen-on port 53 { $parent_addr; $child_addr; };/listen-on port 53 { $parent_addr; };/" named.conf
fi
