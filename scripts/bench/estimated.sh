#!/usr/bin/env bash
# Times the release binary's `estimated_performance` (per-day chunks) on a 50,000-record
# labelled reference and unlabelled production windows of 100,000 and 1,000,000 records, and
# records peak memory: the reference is kept (scores and labels, for the isotonic fit), the
# production records are streamed into per-chunk sums, so memory should not follow the
# production file's size. Median of three runs.
#
# usage: scripts/bench/estimated.sh [WORKDIR]      (needs python3 and /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-target/bench-estimated}"
cargo build --release --quiet
bin="$PWD/target/release/govgate"
mkdir -p "$work"
if [ ! -f "$work/prod_1000000.jsonl" ]; then
  python3 - "$work" <<'PY'
import json, math, random, sys
out = sys.argv[1]
rng = random.Random(1)
def write(name, n, labelled):
    with open(f"{out}/{name}", "w") as f:
        for i in range(n):
            z = rng.gauss(0, 2.2)
            p = 1 / (1 + math.exp(-z))
            s = 1 / (1 + math.exp(-1.8 * z))
            r = {"ts": f"2026-11-{1 + i * 30 // n:02d}T00:00:00Z", "y_pred_proba": round(s, 6),
                 "y_pred": int(s >= 0.5)}
            if labelled:
                r["y_true"] = int(rng.random() < p)
            f.write(json.dumps(r) + "\n")
write("ref.jsonl", 50000, True)
write("prod_100000.jsonl", 100000, False)
write("prod_1000000.jsonl", 1000000, False)
PY
fi
cat >"$work/gate.yaml" <<'YAML'
version: 1
name: cbpe-bench
processes:
  S7P3:
    - { id: est, level: 2, estimated_performance: { score: y_pred_proba, prediction: y_pred, label: y_true, max_drop: 0.05, chunk: { period: day, timestamp: ts } } }
YAML
printf '%-10s %-8s %-8s %-12s\n' records file_MB seconds peak_RSS_MB
for n in 100000 1000000; do
  f="$work/prod_$n.jsonl"
  runs=()
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" check -r "$work/gate.yaml" \
      --reference "$work/ref.jsonl" --production "$f" -q >/dev/null
    runs+=("$(cat "$work/time.txt")")
  done
  median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
  printf '%-10s %-8s %-8s %-12s\n' "$n" "$(( $(stat -c %s "$f") / 1048576 ))" \
    "$(echo "$median" | cut -d' ' -f1)" "$(echo "$median" | awk '{printf "%.1f", $2/1024}')"
done
