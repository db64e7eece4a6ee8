#!/usr/bin/env bash
# Benchmark: the run time (result.json's duration_s) of each lab fault profile and of the main job,
# for two builds of dnspath in one run: BEFORE (by default the last commit whose engine asked kinds
# one by one, built here from git) and AFTER. Needs root (labs). Prints one row per profile and
# the ratio; a lab that does not come up is an error, not a blank.
# Usage: tests/bench/lab_fault_times.sh [AFTER_BIN] [BEFORE_BIN|COMMIT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
after=${1:-$root/build/probe/cli/dnspath}
before=${2:-90ffe13}
source "$here/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "benchmark: labs need root" >&2; exit 2; }
[ -x "$after" ] || { echo "benchmark: no dnspath at $after (build first)" >&2; exit 2; }
need cmake cmake; need dnsmasq dnsmasq-base; need nft nftables
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
if [ ! -x "$before" ]; then  # a commit: build just its dnspath binary
  echo "building $before ..." >&2
  git -C "$root" worktree add --detach "$work/src" "$before" >/dev/null 2>&1
  cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$work/build" -j"$(nproc)" --target dnspath >/dev/null
  before_label=$before
  before=$work/build/probe/cli/dnspath
else
  before_label=$before
fi
duration() {  # duration BIN PROFILE: the run's duration_s
  local out=$work/run
  rm -rf "$out"
  "$1" lab run --profile "$2" --out "$out" >/dev/null 2>&1 || true
  [ -s "$out/result.json" ] || { echo "benchmark: $2 gave no result with $1" >&2; exit 1; }
  python3 -c "import json; print('%.1f' % json.load(open('$out/result.json'))['duration_s'])"
}
printf '%-34s %10s %10s %7s\n' profile "before s" "after s" ratio
for profile in "$root/profiles/default.toml" "$root"/tests/lab/clean.toml "$root"/tests/lab/fault-*.toml; do
  name=$(basename "$profile" .toml)
  [ "$name" = fault-matrix ] && continue
  b=$(duration "$before" "$profile")
  a=$(duration "$after" "$profile")
  printf '%-34s %10s %10s %7s\n' "$name" "$b" "$a" "$(python3 -c "print('%.1f' % ($b / max($a, 0.01)))")"
done
echo "before: $before_label; after: $after"
