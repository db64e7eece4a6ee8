#!/usr/bin/env bash
# The fault matrix (tests/lab/fault_matrix.py): every lab fault on each device of a two-device path
# at 0, 5 and 10 % loss. Without arguments, the CI subset; with --full, the whole product, whose
# table of cases and pass counts replaces the one at the end of docs/causes.md.
# Usage: tests/lab/fault_matrix.sh [--full] [DNSPATH]   (DNSPATH defaults to build/probe/cli/dnspath)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
full=""
[ "${1:-}" = "--full" ] && { full=--full; shift; }
bin=${1:-$root/build/probe/cli/dnspath}
[ -x "$bin" ] || { echo "fault_matrix.sh: no dnspath at $bin (build first: ./setup.sh test, or cmake --build build)" >&2; exit 2; }
for tool in python3 nft conntrack ip dnsmasq; do
  command -v "$tool" >/dev/null || { echo "fault_matrix.sh: $tool is missing (./setup.sh installs it)" >&2; exit 2; }
done
if [ -z "$full" ]; then exec python3 "$here/fault_matrix.py" "$bin" --subset; fi
table=$(mktemp)
trap 'rm -f "$table"' EXIT
python3 "$here/fault_matrix.py" "$bin" --full --markdown "$table"
status=$?
# The table goes between the two markers in docs/causes.md, with the date and the commit it ran on.
python3 - "$root/docs/causes.md" "$table" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null)" <<'PY'
import sys, datetime
doc, table, commit = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
text = open(doc).read()
start, end = "<!-- fault-matrix -->", "<!-- /fault-matrix -->"
stamp = f"Run on {datetime.date.today()} (commit {commit}) with `tests/lab/fault_matrix.sh --full`.\n\n"
block = start + "\n" + stamp + table + end
if start in text:
    text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(doc, "w").write(text)
PY
exit $status
