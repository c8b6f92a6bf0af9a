#!/usr/bin/env bash
# Times the release binary's `fairness` check on generated JSON Lines decision records and
# records peak memory. The check streams the file keeping only the fields it names (group,
# prediction, label): memory should follow the number of groups, not the file size.
#
# Measured 2026-11-23 on the 2-core CI-class machine (release build): see DEVELOPERS.md.
#
# usage: scripts/bench/records.sh [WORKDIR]      (needs python3 and /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-target/bench-records}"
cargo build --release --quiet
bin="$PWD/target/release/govgate"
printf '%-10s %-6s %-7s %-10s %-10s %-10s %-10s\n' records pad groups file_MB seconds MB/s peak_RSS_MB
for case in "100000 100 4" "1000000 100 4" "1000000 1000 4" "1000000 100 1000"; do
  set -- $case
  n=$1; pad=$2; groups=$3
  dir="$work/n${n}_p${pad}_g${groups}"
  if [ ! -d "$dir" ]; then python3 scripts/bench/gen_records.py "$dir" "$n" "$pad" "$groups"; fi
  bytes=$(stat -c %s "$dir/decisions.jsonl")
  /usr/bin/time -v "$bin" check --rubric "$dir/rubric.yaml" "$dir/run" --format json \
    >/dev/null 2>"$dir/time.txt" || true
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,a,":"); print a[1]*60+a[2]}' "$dir/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$dir/time.txt")
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b/1048576}')
  rate=$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.0f", b/1048576/s}')
  printf '%-10s %-6s %-7s %-10s %-10s %-10s %-10s\n' "$n" "$pad" "$groups" "$mb" "$secs" "$rate" "$rss"
done
