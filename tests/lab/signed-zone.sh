#!/usr/bin/env bash
# Writes the test zone example.test into DIR and signs it with BIND's tools (ECDSA P-256 KSK+ZSK):
# DIR/example.test.zone (unsigned), DIR/example.test.signed, DIR/ds.txt. TXT records are sized so
# answers are about 600, 1500 and 3000 octets. Used by tests/pcaps/make-pcaps.sh and the lab tests.
set -euo pipefail
dir=$1
mkdir -p "$dir"
txt() { python3 -c "import sys; n=int(sys.argv[1]); print(' '.join('\"'+'x'*min(255,n-i)+'\"' for i in range(0,n,255)))" "$1"; }
cat > "$dir/example.test.zone" <<ZONE
\$ORIGIN example.test.
\$TTL 3600
@     SOA ns1 hostmaster 1 7200 3600 1209600 300
@     NS  ns1
ns1   A   198.18.0.53
ns1   AAAA fd00::53
www   A   198.18.0.80
alias CNAME www
mail  MX  10 www
small TXT "hello from the fixture"
t600  TXT $(txt 500)
t1500 TXT $(txt 1400)
t3000 TXT $(txt 2900)
ZONE
cp "$dir/example.test.zone" "$dir/example.test.unsigned"
( cd "$dir"
  ksk=$(dnssec-keygen -q -a ECDSAP256SHA256 -f KSK example.test)
  zsk=$(dnssec-keygen -q -a ECDSAP256SHA256 example.test)
  cat "$ksk.key" "$zsk.key" >> example.test.zone
  dnssec-signzone -q -S -o example.test -N INCREMENT -f example.test.signed example.test.zone >/dev/null
  dnssec-dsfromkey -2 "$ksk.key" > ds.txt )
