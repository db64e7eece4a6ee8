#!/usr/bin/env bash
# Writes tests/wire/dnssec-algorithms.txt: for each algorithm dnspath verifies (8, 10, 13, 14, 15) a
# zone signed by BIND's dnssec-signzone, reduced to its DNSKEY, TXT and RRSIG lines, and its DS in
# digest types 1, 2 and 4. The wire unit test checks our OpenSSL verifier and DS digests against
# them. Needs bind9-utils (dnssec-keygen, dnssec-signzone, dnssec-dsfromkey).
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)/dnssec-algorithms.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
{
  echo "; made by tests/wire/make-dnssec-fixtures.sh with $(dnssec-signzone -V 2>&1 | head -1)"
  for spec in RSASHA256:8 RSASHA512:10 ECDSAP256SHA256:13 ECDSAP384SHA384:14 ED25519:15; do
    algorithm=${spec%:*} number=${spec#*:} zone=a${spec#*:}.test
    printf '$TTL 300\n@ SOA ns hm 1 3600 600 86400 300\n@ NS ns\nns A 198.18.0.1\nwww TXT "hello"\n' > "$zone.zone"
    bits=(); [ "$number" -le 10 ] && bits=(-b 2048)
    key=$(dnssec-keygen -q -a "$algorithm" "${bits[@]}" -f KSK "$zone")
    cat "$key.key" >> "$zone.zone"
    dnssec-signzone -z -q -O full -o "$zone" -f "$zone.signed" -e now+20y "$zone.zone" "$key.key" >/dev/null
    grep -E "IN (DNSKEY|TXT)|RRSIG	(DNSKEY|TXT)" "$zone.signed" | tr -s ' \t' ' '
    for digest in 1 2 4; do
      flag=(-"$digest"); [ "$digest" = 4 ] && flag=(-a SHA-384)
      dnssec-dsfromkey "${flag[@]}" "$key.key" 2>/dev/null
    done
  done
} > "$out"
