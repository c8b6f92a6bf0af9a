#!/usr/bin/env bash
# Times the release binary on generated Inspect AI logs and records peak memory.
#
# Each case is a current and a baseline `.eval` log of N samples (one epoch, C/I scores,
# about PAD bytes of transcript a sample), and the current run as a JSON log. Three runs:
#   paired    check cur/log.eval --baseline base/log.eval with a paired regression and a
#             fairness check by metadata.group: reads both headers and reductions, streams
#             every sample member of the current log once for the fairness records;
#   json      the same fairness check on the JSON log (streamed: one sample at a time);
#   inspect   `govgate inspect` of the JSON log (header, reductions, a listing of samples).
# Memory should follow N (the reductions, 16 bytes a kept value), not PAD.
#
# Measured 2026-11-24 on the 2-core CI-class machine (release build):
#
#   run       samples  pad    file_MB  seconds  MB/s    peak_RSS_MB
#   paired    20000    200    12       0.35     36      24.3
#   json      20000    200    12       0.13     96      10.3
#   inspect   20000    200    12       0.04     312     7.6
#   paired    20000    5000   14       0.37     38      24.6
#   json      20000    5000   104      0.33     315     10.4
#   inspect   20000    5000   104      0.13     800     7.5
#   paired    200000   200    124      3.62     34      168.3
#   json      200000   200    125      1.31     95      28.4
#   inspect   200000   200    125      0.41     304     25.3
#
# 25× the transcript bytes (pad 200 → 5000) cost no memory. Ten times the samples cost
# about 7× the memory on the .eval pair: the ZIP central directory (one entry a sample
# member, held by the zip crate while an archive is open) and the member list dominate,
# about 0.8 KB a sample. The .eval run is bound by opening 200,000 small members one by
# one (about 18 µs each), not by bytes.
#
# usage: scripts/bench/inspect.sh [WORKDIR]      (needs python3 and /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-target/bench-inspect}"
cargo build --release --quiet
bin=target/release/govgate
rubric="$work/rubric.yaml"
mkdir -p "$work"
cat >"$rubric" <<'YAML'
version: 1
name: bench
require: { S7P1: 1 }
processes:
  S7P1:
    - id: reg
      level: 1
      regression: { metric: "bench/accuracy@choice", max_drop: 0.05, alpha: 0.05 }
  S7P2:
    - id: parity
      level: 1
      fairness: { records: current, group: metadata.group, score: score, max_difference: 0.2 }
YAML
measure() { # name file_bytes args...
  local name=$1 bytes=$2; shift 2
  /usr/bin/time -v "$bin" "$@" >/dev/null 2>"$work/time.txt" || true
  local secs rss mb rate
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,a,":"); print a[1]*60+a[2]}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$work/time.txt")
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b/1048576}')
  rate=$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.0f", b/1048576/s}')
  printf '%-9s %-8s %-6s %-8s %-8s %-7s %-8s\n' "$name" "$n" "$pad" "$mb" "$secs" "$rate" "$rss"
}
printf '%-9s %-8s %-6s %-8s %-8s %-7s %-8s\n' run samples pad file_MB seconds MB/s peak_RSS_MB
for case in "20000 200" "20000 5000" "200000 200"; do
  set -- $case
  n=$1; pad=$2
  dir="$work/n${n}_p${pad}"
  if [ ! -d "$dir" ]; then python3 scripts/bench/gen_inspect.py "$dir" "$n" "$pad"; fi
  eval_bytes=$(( $(stat -c %s "$dir/cur/log.eval") + $(stat -c %s "$dir/base/log.eval") ))
  json_bytes=$(stat -c %s "$dir/json/log.json")
  measure paired "$eval_bytes" check "$dir/cur/log.eval" --baseline "$dir/base/log.eval" --rubric "$rubric" --format json
  measure json "$json_bytes" check "$dir/json/log.json" --rubric "$rubric" --format json
  measure inspect "$json_bytes" inspect "$dir/json/log.json"
done
