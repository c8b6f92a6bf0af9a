#!/usr/bin/env bash
# Times the release binary on generated samples logs and records peak memory.
#
# Each case is a baseline and a current run with one boolq samples log of N documents, every
# line padded to about PAD bytes of `doc`; `govgate check` runs the default rubric with
# --baseline, so the regression check streams both logs and runs McNemar on the pairs.
# Memory should follow N (one f64 per document kept), not the file size (PAD).
#
# Measured 2026-11-23 on the 2-core CI-class machine (release build):
#
#   docs     pad   file_MB  seconds  MB/s  peak_RSS_MB
#   100000   100   115      0.38     302   11.4
#   100000   2000  477      1.15     415   11.3
#   1000000  100   1152     3.97     290   59.4
#   1000000  400   1724     4.6      375   59.4
#
# Measured 2026-12-07 (every JSON value read by jiter first; read and SHA-256 on a second
# thread), one run each:
#
#   docs     pad   file_MB  seconds  MB/s  peak_RSS_MB
#   100000   100   115      0.3      383   25.0
#   100000   2000  477      0.43     1110  22.1
#   1000000  100   1152     3.26     353   100.4
#   1000000  400   1724     3.48     495   100.4
#
# Peak memory follows the number of documents (two runs × 16 bytes per document, plus the
# pairs), not the bytes per line: 4× larger files at the same document count use the same
# memory.
#
# usage: scripts/bench/samples.sh [WORKDIR]      (needs python3 and /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-target/bench-samples}"
cargo build --release --quiet
bin=target/release/govgate
printf '%-10s %-6s %-10s %-10s %-10s %-10s\n' docs pad file_MB seconds MB/s peak_RSS_MB
for case in "100000 100" "100000 2000" "1000000 100" "1000000 400"; do
  set -- $case
  n=$1; pad=$2
  dir="$work/n${n}_p${pad}"
  if [ ! -d "$dir" ]; then python3 scripts/bench/gen_samples.py "$dir" "$n" "$pad"; fi
  bytes=$(find "$dir" -name 'samples_*.jsonl' -printf '%s\n' | awk '{s+=$1} END {print s}')
  /usr/bin/time -v "$bin" check "$dir/cand" --baseline "$dir/base" --format json \
    >/dev/null 2>"$dir/time.txt" || true
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,a,":"); print a[1]*60+a[2]}' "$dir/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$dir/time.txt")
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b/1048576}')
  rate=$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.0f", b/1048576/s}')
  printf '%-10s %-6s %-10s %-10s %-10s %-10s\n' "$n" "$pad" "$mb" "$secs" "$rate" "$rss"
done
