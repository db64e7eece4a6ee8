#!/usr/bin/env bash
# The UDP mapping timeout against real conntrack timeouts: a NAT whose UDP entries live 20 s, and
# one whose entries live 60 s behind 5 % loss each way on the same device. Late answers ("w<ms>")
# must find each within 10 % (summary.ipv4.udp_mapping_timeout_s), the run must last about the
# timeout rather than the longest delay asked, and a 20 s mapping under plan.mapping_timeout_min_s
# of 30 s must fail on the NAT. Needs root; exits 77 without it. Usage: mapping_timeout_test.sh dnspath
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

profile() {  # profile TIMEOUT LONGEST MINIMUM LOSS: a one-NAT lab, IPv4
  {
    printf '[profile]\nname = "mapping timeout %s"\n[lab]\nprefix = "dtmt"\nipv6 = false\n' "$1"
    printf '[plan]\nprobes = ["udp-mapping-timeout"]\ntimeout_max_s = %s\nmapping_timeout_min_s = %s\n' "$2" "$3"
    printf '[[topology.device]]\nname = "nat"\nkind = "nat"\n'
    printf '[topology.device.faults]\nudp_timeout = %s\n' "$1"
    [ "$4" = 0 ] || printf 'loss_percent = %s\n' "$4"
  } > "$work/mapping-$1.toml"
}

profile 20 60 30 0
run_lab mapping-20 "$work/mapping-20.toml"
left_behind dtmt
reproduces mapping-20
expect mapping-20 "timeout within 10 % of 20 s" "abs(d['summary']['ipv4']['udp_mapping_timeout_s'] - 20) <= 2"
expect mapping-20 "under plan.mapping_timeout_min_s (30 s): fails, short-mapping-timeout, on the nat" \
  "v('udp-mapping-timeout', 'ipv4')['status'] == 'fail' and v('udp-mapping-timeout', 'ipv4')['code'] == 'short-mapping-timeout' and v('udp-mapping-timeout', 'ipv4')['device'] == 'nat'"
expect mapping-20 "the run stops near the timeout, not at timeout_max_s (60 s)" "d['duration_s'] < 20 * 1.5"
echo "mapping-20: $(q mapping-20 "(d['summary']['ipv4']['udp_mapping_timeout_s'], v('udp-mapping-timeout', 'ipv4')['p'].get('held_s'), v('udp-mapping-timeout', 'ipv4')['p'].get('expired_s'), d['duration_s'])")"

profile 60 120 10 5
run_lab mapping-60 "$work/mapping-60.toml"
left_behind dtmt
expect mapping-60 "timeout within 10 % of 60 s under 5 % loss" "abs(d['summary']['ipv4']['udp_mapping_timeout_s'] - 60) <= 6"
expect mapping-60 "over plan.mapping_timeout_min_s (10 s): passes with the figure" \
  "v('udp-mapping-timeout', 'ipv4')['status'] == 'pass' and v('udp-mapping-timeout', 'ipv4')['p']['mapping_timeout_s'] == d['summary']['ipv4']['udp_mapping_timeout_s']"
expect mapping-60 "the run stops near the timeout" "d['duration_s'] < 60 * 1.5"
echo "mapping-60: $(q mapping-60 "(d['summary']['ipv4']['udp_mapping_timeout_s'], v('udp-mapping-timeout', 'ipv4')['p'].get('held_s'), v('udp-mapping-timeout', 'ipv4')['p'].get('expired_s'), d['duration_s'])")"
echo "mapping_timeout_test: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
