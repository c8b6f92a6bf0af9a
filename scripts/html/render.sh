#!/usr/bin/env bash
# Renders govgate's HTML report for the shipped examples in headless Chromium (Debian's
# `chromium`), takes a screenshot of each, and fails if a page logs anything to the console
# (a script error, a resource that could not load) or draws nothing. A negative control — a
# page that does log an error — must be caught, so the check is shown able to fail.
#
# usage: scripts/html/render.sh [OUTDIR]     (needs chromium: apt-get install chromium)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-target/html}"
mkdir -p "$out"
cargo build --release --quiet
bin="$PWD/target/release/govgate"
chrome="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chrome" ]; then echo "chromium is not installed (apt-get install chromium)" >&2; exit 2; fi

"$bin" check -f html --rubric release-readiness fixtures/release/candidate \
  --baseline fixtures/release/baseline --history fixtures/release/history \
  --production fixtures/release/production > "$out/release.html" || true
"$bin" check -f html fixtures/history/slide --history fixtures/history/runs \
  --reference fixtures/s7p3/reference --production fixtures/s7p3/drifted > "$out/drift.html" || true
"$bin" check -f html fixtures/paired/cand --baseline fixtures/paired/base --require S7P1=3 \
  > "$out/paired.html" || true
cd fixtures/s7p2 && "$bin" check -f html --rubric eu-ai-act ../helm/benchmark_output/runs/v1 \
  > "../../$out/fairness.html" || true
cd ../..
printf '<!DOCTYPE html><html><body><p>control</p><script>console.error("boom")</script></body></html>' \
  > "$out/control.html"

render() {  # file -> prints the console lines; the screenshot is file.png
  "$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 \
    --window-size=1200,2400 --screenshot="$1.png" "file://$PWD/$1" 2>&1 | grep ':CONSOLE' || true
}

status=0
if [ -z "$(render "$out/control.html")" ]; then
  echo "negative control: a console error went unnoticed" >&2; status=1
fi
for page in release drift paired fairness; do
  f="$out/$page.html"
  console="$(render "$f")"
  size=$(stat -c %s "$f.png" 2>/dev/null || echo 0)
  svgs=$(grep -o '<svg ' "$f" | wc -l)
  if [ -n "$console" ] || [ "$size" -lt 10000 ]; then
    echo "FAIL $f: screenshot ${size} bytes; console: $console" >&2; status=1
  else
    echo "ok   $f: $(stat -c %s "$f") bytes, $svgs plots, no console output, screenshot $f.png ($size bytes)"
  fi
done
exit $status
