#!/usr/bin/env bash
# Opens a fingen report in headless Chromium: the page must log no console errors and every chart
# must render to an SVG. Saves a screenshot beside the report. Exit 77 (skipped) without Chromium.
#   check_in_browser.sh REPORT.html
set -u
report=$(realpath "$1")
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "chromium not installed: skipped"; exit 77; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$profile" --virtual-time-budget=30000)
dom=$(timeout 120 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$report" 2>"$profile/log")
charts=$(grep -c 'class="chart"' "$report")
svgs=$(grep -o '<svg' <<<"$dom" | wc -l)
errors=$(grep -E 'CONSOLE' "$profile/log" || true)
timeout 120 "$browser" "${flags[@]}" --hide-scrollbars --window-size=1200,5200 \
  --screenshot="${report%.html}.png" "file://$report" >/dev/null 2>&1 || true
echo "charts: $charts, rendered svg elements: $svgs, screenshot: ${report%.html}.png"
if [ -n "$errors" ]; then echo "console messages:"; echo "$errors"; exit 1; fi
if [ "$charts" -lt 1 ] || [ "$svgs" -lt "$charts" ]; then echo "not every chart rendered"; exit 1; fi
echo "report renders in Chromium with no console errors"
