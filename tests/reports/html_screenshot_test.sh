#!/usr/bin/env bash
# The HTML report as a person sees it: headless Chromium (Debian's chromium) renders the recorded
# two-device lab result in English and Japanese at 1400, 1000 and 600 pixels. Each screenshot must
# be that wide and show the failing run's red (the guilty device's box, the finding's bar, FAIL
# pills) in its first 1800 rows, while the recorded clean run shows only the legend's; the PNGs stay in
# $DNSPATH_SCREENSHOTS (default: a temporary folder) for someone to look at.
# Usage: html_screenshot_test.sh dnspath SOURCE_DIR
set -u
bin=$1
src=$2
command -v chromium >/dev/null || { echo "chromium is not installed (./setup.sh installs it)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${DNSPATH_SCREENSHOTS:-$work/shots}
mkdir -p "$out"
failures=0
for lang in en ja; do
  "$bin" report "$src/tests/reports/golden/two-devices.result.json" --format html --lang "$lang" \
    --out "$work/report.$lang.html" || [ $? -eq 1 ] || { echo "FAIL report --lang $lang"; failures=$((failures + 1)); }
  for width in 1400 1000 600; do
    shot="$out/report.$lang.$width.png"
    timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
      --window-size="$width,1800" --screenshot="$shot" "file://$work/report.$lang.html" >/dev/null 2>&1
    # The path diagram is in the first 1800 rows at every width (findings above it wrap more when narrow).
    read -r got_width got_height red < <(/usr/bin/python3 "$src/tests/reports/png_check.py" "$shot" 1800 2>/dev/null ||
      echo 0 0 0)
    if [ "$got_width" -ne "$width" ] || [ "$red" -lt 1000 ]; then
      echo "FAIL $lang at $width px: screenshot ${got_width}x$got_height, $red guilty-red pixels (want $width wide, >= 1000)"
      failures=$((failures + 1))
    else
      echo "ok   $lang at $width px: ${got_width}x$got_height, $red guilty-red pixels: $shot"
    fi
  done
done
"$bin" report "$src/tests/reports/golden/clean.result.json" --format html --out "$work/clean.html"
timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size=1000,1800 --screenshot="$out/clean.en.1000.png" "file://$work/clean.html" >/dev/null 2>&1
read -r _ _ red < <(/usr/bin/python3 "$src/tests/reports/png_check.py" "$out/clean.en.1000.png" 1800 2>/dev/null || echo 0 0 -1)
if [ "$red" -lt 0 ] || [ "$red" -gt 400 ]; then
  echo "FAIL the clean run at 1000 px: $red guilty-red pixels (want at most the legend's 400: nothing failed)"; failures=$((failures + 1))
else
  echo "ok   the clean run at 1000 px: $red guilty-red pixels"
fi
[ "$failures" -eq 0 ]
