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
# Layout, measured in the page: the same pages (and compare's) get a script that checks, once
# laid out, that nothing is wider than the window and that no badge, id, family or device name
# wraps inside (an inline element laid out on more than one line box); --dump-dom prints its verdict.
layout_check='<script>addEventListener("load",()=>{const p=[];const d=document.documentElement;
if(d.scrollWidth>innerWidth+1)p.push("page "+d.scrollWidth+" px wide in "+innerWidth);
for(const e of document.querySelectorAll(".pill,.id"))if(e.getClientRects().length>1)p.push("wraps: "+e.textContent);
const o=document.createElement("pre");o.id="layout";o.textContent=p.length?p.join(" | "):"LAYOUT-OK";document.body.appendChild(o)})</script>'
"$bin" compare "$src/tests/reports/golden/clean.result.json" "$src/tests/reports/golden/two-devices.result.json" --format html \
  --lang ja --out "$work/compare.ja.html" >/dev/null 2>&1
for page in report.en report.ja compare.ja; do
  sed "s|</body>|$(printf '%s' "$layout_check" | tr '\n' ' ' | sed 's/[&|]/\\&/g')</body>|" "$work/$page.html" >"$work/$page.check.html"
  for width in 1400 1000 600; do
    verdict=$(timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
      --window-size="$width,1800" --virtual-time-budget=3000 --dump-dom "file://$work/$page.check.html" 2>/dev/null |
      sed -n 's|.*<pre id="layout">\(.*\)</pre>.*|\1|p')
    if [ "$verdict" = LAYOUT-OK ]; then echo "ok   $page at $width px: no overflow, nothing wraps inside a badge or an id"
    else echo "FAIL $page at $width px: ${verdict:-no layout verdict (the script did not run)}"; failures=$((failures + 1)); fi
  done
done
[ "$failures" -eq 0 ]
