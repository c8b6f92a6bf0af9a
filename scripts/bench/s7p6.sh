#!/usr/bin/env bash
# Times the release binary's S7P6 checks (ab_test, agreement with kappa, feedback) on
# generated production records and records peak memory. Each check streams the records
# (feedback twice: the first pass finds "now"), keeping running sums per arm and per model
# version and, for kappa, the offline label of each evaluated item: memory should not follow
# the file size.
#
# Measured 2026-11-23 on the 2-core CI-class machine (release build): see DEVELOPERS.md.
#
# usage: scripts/bench/s7p6.sh [WORKDIR]      (needs python3 and /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-target/bench-s7p6}"
cargo build --release --quiet
bin="$PWD/target/release/govgate"
rel="$PWD/fixtures/release"
printf '%-10s %-6s %-10s %-10s %-10s %-10s\n' records pad file_MB seconds MB/s peak_RSS_MB
for case in "100000 100" "1000000 100" "1000000 1000"; do
  set -- $case
  n=$1; pad=$2
  dir="$work/n${n}_p${pad}"
  if [ ! -d "$dir" ]; then python3 scripts/bench/gen_traffic.py "$dir" "$n" "$pad"; fi
  bytes=$(stat -c %s "$dir/traffic.jsonl")
  /usr/bin/time -v "$bin" check --rubric "$dir/rubric.yaml" "$rel/candidate" \
    --baseline "$rel/baseline" --history "$rel/history" --production "$dir/traffic.jsonl" \
    --format json >"$dir/report.json" 2>"$dir/time.txt" || true
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,a,":"); print a[1]*60+a[2]}' "$dir/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$dir/time.txt")
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b/1048576}')
  rate=$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.0f", b/1048576/s}')
  printf '%-10s %-6s %-10s %-10s %-10s %-10s\n' "$n" "$pad" "$mb" "$secs" "$rate" "$rss"
done
