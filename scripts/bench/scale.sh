#!/usr/bin/env bash
# Scale benchmarks of issue 9, each timed with /usr/bin/time -v on the release binary:
#
#   samples   lm-eval samples logs of 1,000,000 documents a run (about 2 GB for the pair)
#             through a paired `regression` (McNemar on 1,000,000 pairs), default rubric
#   helm      a HELM benchmark_output folder of 2,000 run directories, default rubric
#   trend     a `trend` over a history of 1,000 lm-eval runs
#   drift     10,000,000 records (5,000,000 reference + 5,000,000 production) through `drift`
#   single    `govgate check` of one ordinary results file with the default rubric
#             (median wall time of 21 runs)
#
# Measured 2026-11-24 on the 2-core CI-class machine (release build, nothing else running):
#
#   single   median 4.9 ms wall (min 4.6, max 5.0, 21 runs), 9.1 MB peak RSS
#   samples        1915 MB     5.23 s      366 MB/s     77.6 MB peak RSS
#   helm            231 MB     4.69 s       49 MB/s    101.5 MB peak RSS
#   trend             8 MB     0.13 s       61 MB/s     21.6 MB peak RSS
#   drift          1963 MB     6.94 s      283 MB/s    389.3 MB peak RSS
#
# Measured again 2026-12-04 after issue 14 (each document's doc_hash is kept, 8 bytes a side,
# to refuse pairs of different documents), release binaries of 8958038 and of this change on
# the same machine the same hour, median of 5 runs:
#
#   samples  before 6.09 s 77.5 MB peak RSS; after 5.83 s 93.3 MB (+16 MB: 2 × 1,000,000 × 8 B)
#   single   median 5.8 ms wall, 9.5 MB peak RSS
#
# Measured again 2026-12-07 after the fast JSON Lines reader (issue 17), 3 runs:
#
#   drift    1963 MB  4.52 / 5.53 / 4.94 s (median 4.94 s, 397 MB/s)  390.8 MB peak RSS
#   single   median 7.2 ms wall (min 6.1, max 9.2, 21 runs), 10.0 MB peak RSS
#
# Measured again 2026-12-07 after every JSON value goes through jiter first, files are read
# and hashed on a second thread, and records files are opened once (issue 17), 5 runs:
#
#   drift    1963 MB  5.91 / 4.50 / 4.37 / 4.25 / 4.16 s (median 4.37 s, 449 MB/s)  390.8 MB
#   samples  1915 MB  2.91 / 2.99 / 2.96 / 2.80 / 2.92 s (median 2.92 s, 656 MB/s)  103.0 MB
#            (the binary before it, the same hour: 6.07 / 6.02 / 5.86 s, 96.0 MB)
#   single   median 5.1 ms wall (min 4.9, max 6.3, 21 runs), 10.6 MB peak RSS
#
# Measured again 2026-12-07 (evening, a slower hour: the morning's binary, interleaved, took
# 4.38 s and 3.66 s) after numbers counted by value, the faster decimals and keys (issue 17),
# and trials comparing by signature, 5 runs (samples 3):
#
#   drift    1963 MB  median 4.29 s (458 MB/s)  166.2 MB peak RSS (was 400.0 MB)
#   samples  1915 MB  median 3.37 s (568 MB/s)  103.0 MB
#   helm      231 MB  5.2-6.1 s  110 MB (260 s before, idle machine: trials compared every pair of runs)
#   single   median 7.0 ms wall (min 6.1, max 14.3, 21 runs), 10.6 MB peak RSS
#
# drift's memory is now the distinct values of the integer fields (counted) and every value
# of the score (listed past 4,096 distinct values: KS and Wasserstein need them all). The first run
# of `helm` took 51.6 s: `trend` resolved every pair of paths (fixed: each path once).
#
# usage: scripts/bench/scale.sh [WORKDIR] [CASE…]     (needs python3 and /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-target/bench-scale}"; shift || true
cases=("$@"); [ ${#cases[@]} -gt 0 ] || cases=(single samples helm trend drift)
cargo build --release --quiet
bin="$PWD/target/release/govgate"
mkdir -p "$work"
measure() { # name bytes args…
  local name=$1 bytes=$2; shift 2
  /usr/bin/time -v "$bin" "$@" >/dev/null 2>"$work/time.txt" || true
  local secs rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,a,":"); print a[1]*60+a[2]}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$work/time.txt")
  printf '%-8s %10s MB %8s s %8s MB/s %8s MB peak RSS\n' "$name" \
    "$(awk -v b="$bytes" 'BEGIN {printf "%.0f", b/1048576}')" "$secs" \
    "$(awk -v b="$bytes" -v s="$secs" 'BEGIN {if (s > 0) printf "%.0f", b/1048576/s; else print "-"}')" "$rss"
}
for c in "${cases[@]}"; do
  case $c in
    single)
      f=fixtures/demo/acme-7b-v2
      for _ in 1 2 3; do "$bin" check "$f" >/dev/null || true; done
      : >"$work/single.txt"
      for i in $(seq 21); do
        t0=$(date +%s%N); "$bin" check "$f" >/dev/null || true; t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000 )) >>"$work/single.txt"
      done
      /usr/bin/time -v "$bin" check "$f" >/dev/null 2>"$work/time.txt" || true
      rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$work/time.txt")
      sort -n "$work/single.txt" | awk -v rss="$rss" '{a[NR]=$1} END {printf "single   median %.1f ms wall (min %.1f, max %.1f, 21 runs), %s MB peak RSS\n", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000, rss}'
      rm -f "$work/single.txt"
      ;;
    samples)
      d="$work/samples"
      [ -d "$d" ] || python3 scripts/bench/gen_samples.py "$d" 1000000 500
      bytes=$(find "$d" -name 'samples_*.jsonl' -printf '%s\n' | awk '{s+=$1} END {print s}')
      measure samples "$bytes" check "$d/cand" --baseline "$d/base" --format json
      ;;
    helm)
      d="$work/helm/benchmark_output/runs/v1"
      if [ ! -d "$d" ]; then
        mkdir -p "$d"
        src="fixtures/helm/benchmark_output/runs/v1/mmlu:subject=anatomy,model=acme_tiny-7b"
        for i in $(seq -w 1 2000); do cp -r "$src" "$d/mmlu:subject=anatomy,model=acme_tiny-7b-$i"; done
      fi
      bytes=$(du -sb "$d" | cut -f1)
      measure helm "$bytes" check "$work/helm/benchmark_output" --format json
      ;;
    trend)
      d="$work/history"
      [ -d "$d" ] || python3 scripts/bench/gen_history.py "$d" 1000
      cat >"$work/trend.yaml" <<'YAML'
version: 1
name: trend
require: { S7P3: 1 }
processes:
  S7P3:
    - id: t
      level: 1
      trend: { metric: "*/*", band: { reference_runs: 3, sigmas: 3 } }
YAML
      bytes=$(du -sb "$d" | cut -f1)
      measure trend "$bytes" check fixtures/demo --history "$d" --rubric "$work/trend.yaml" --format json
      ;;
    drift)
      d="$work/drift"
      [ -d "$d" ] || python3 scripts/bench/gen_production.py "$d" 5000000
      cat >"$work/drift.yaml" <<'YAML'
version: 1
name: drift
require: { S7P3: 1 }
processes:
  S7P3:
    - id: d
      level: 1
      drift: { fields: [score, features.length, features.tokens, meta.lang, meta.source, label] }
YAML
      bytes=$(( $(stat -c %s "$d/reference.jsonl") + $(stat -c %s "$d/production.jsonl") ))
      measure drift "$bytes" check fixtures/demo --rubric "$work/drift.yaml" \
        --reference "$d/reference.jsonl" --production "$d/production.jsonl" --format json
      ;;
  esac
done
