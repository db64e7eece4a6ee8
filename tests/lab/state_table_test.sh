#!/usr/bin/env bash
# The state-table ramp against real nftables conntrack limits (DNSSEC Japan ⑤ LB-5): a NAT whose
# UDP table holds 400, 3,000 and 30,000 flows (`ct count over N`), and one that never fills. Each
# capacity must be found within 5 % (summary.ipv4.state_table_capacity), as refuse-new, judged
# against plan.sessions_min; the unlimited NAT must read capacity null with the flows tested.
# Needs root; exits 77 without it. Usage: state_table_test.sh dnspath
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

profile() {  # profile LIMIT MINIMUM: a one-NAT lab, IPv4 (the table is shared by both families)
  {
    printf '[profile]\nname = "state table %s"\n[lab]\nprefix = "dtst"\nipv6 = false\n' "$1"
    printf '[plan]\nprobes = ["sessions"]\nsessions = 256\nsessions_max = 40000\nsessions_min = %s\n' "$2"
    printf '[[topology.device]]\nname = "nat"\nkind = "nat"\n'
    [ "$1" = none ] || printf '[topology.device.faults]\nstate_limit = %s\n' "$1"
  } > "$work/table-$1.toml"
}

# A flow holds a socket only while its answer is awaited, so 30,000 flows fit under an open-file
# limit of 20,000: the largest round (16,384 new flows) is what must fit.
big=30000
for limit in 400 3000 "$big"; do
  profile "$limit" 1000
  run_lab "table-$limit" "$work/table-$limit.toml"
  left_behind dtst
  [ "$limit" = 400 ] && reproduces "table-$limit"
  expect "table-$limit" "capacity within 5 % of $limit" \
    "abs(d['summary']['ipv4']['state_table_capacity'] - $limit) <= 0.05 * $limit"
  expect "table-$limit" "refuse-new" "d['summary']['ipv4']['state_table_policy'] == 'refuse-new'"
  if [ "$limit" -lt 1000 ]; then
    expect "table-$limit" "under plan.sessions_min (1000): fails, state-table-full, on the nat" \
      "v('udp-sessions', 'ipv4')['status'] == 'fail' and v('udp-sessions', 'ipv4')['code'] == 'state-table-full' and v('udp-sessions', 'ipv4')['device'] == 'nat'"
  else
    expect "table-$limit" "at or over plan.sessions_min (1000): passes with its capacity" \
      "v('udp-sessions', 'ipv4')['status'] == 'pass' and v('udp-sessions', 'ipv4')['p']['capacity'] == d['summary']['ipv4']['state_table_capacity']"
  fi
  echo "table-$limit: $(q "table-$limit" "(d['summary']['ipv4']['state_table_capacity'], d['summary']['ipv4']['state_table_tested_to'], d['duration_s'])")"
done
profile none 1000
run_lab table-none "$work/table-none.toml"
left_behind dtst
expect table-none "never filled: capacity null, tested to 40000 flows, pass" \
  "d['summary']['ipv4']['state_table_capacity'] is None and v('udp-sessions', 'ipv4')['status'] == 'pass' and d['summary']['ipv4']['state_table_tested_to'] == 40000"
echo "table-none: $(q table-none "(d['summary']['ipv4']['state_table_tested_to'], d['duration_s'])")"
echo "state_table_test: $passes passed, $failures failed"
[ "$failures" -eq 0 ]
