#!/usr/bin/env bash
# The drift job of scripts/bench/drift.sh on the same rows as JSON Lines, as Parquet
# (pyarrow, snappy, row groups of 100,000) and as an Arrow IPC file (uncompressed record
# batches of 100,000), each timed with /usr/bin/time -v on the release
# binary, five runs each: the median wall time and the largest peak RSS. Also checks that
# the three give the same per-field values.
#
# Measured 2026-12-07, N = 1,000,000 (2 cores, release, machine idle):
#   jsonl    411.7 MB  median 0.91 s  85.4 MB
#   parquet   20.4 MB  median 0.39 s  87.3 MB
#   arrow    210.3 MB  median 0.59 s  99.0 MB
#
# usage: scripts/bench/parquet.sh [N] [WORKDIR]    (default N = 1000000; needs pyarrow)
set -euo pipefail
# shellcheck source=drift_setup.sh
source "$(dirname "$0")/drift_setup.sh"
for side in reference production; do
  if [ ! -f "$work/$side.parquet" ]; then
    python3 - "$work/$side.jsonl" "$work/$side.parquet" <<'PY'
import sys
import pyarrow.json as pj
import pyarrow.parquet as pq
pq.write_table(pj.read_json(sys.argv[1]), sys.argv[2], row_group_size=100_000, compression="snappy")
PY
  fi
  if [ ! -f "$work/$side.arrow" ]; then
    python3 - "$work/$side.jsonl" "$work/$side.arrow" <<'PY'
import sys
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.json as pj
t = pj.read_json(sys.argv[1])
with pa.OSFile(sys.argv[2], "wb") as sink, ipc.new_file(sink, t.schema) as w:
    for batch in t.to_batches(max_chunksize=100_000):
        w.write_batch(batch)
PY
  fi
done
measure() { # ext
  /usr/bin/time -v "$bin" check --rubric "$work/auto.yaml" --reference "$work/reference.$1" \
    --production "$work/production.$1" -f json > "$work/$1.json" 2> "$work/$1.time" || true
  awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%s ", s}
              /Maximum resident set size/ {printf "%.1f\n", $2/1024}' "$work/$1.time"
}
for ext in jsonl parquet arrow; do
  bytes=$(( $(stat -c %s "$work/reference.$ext") + $(stat -c %s "$work/production.$ext") ))
  runs=$(for _ in 1 2 3 4 5; do measure "$ext"; done)
  echo "$runs" | sort -n | awk -v e="$ext" -v b="$bytes" -v n="$n" \
    '{t[NR]=$1; if ($2>m) m=$2} END {printf "%-8s 2 x %d rows  %7.1f MB  median %.2f s  peak RSS %.1f MB\n", e, n, b/1e6, t[3], m}'
done
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
def values(ext):
    r = json.load(open(f"{w}/{ext}.json"))
    c = [c for c in r["checks"] if c["id"] == "drift"][0]
    return {f["subject"]: f["detail"]["value"] for f in c["findings"] if "value" in (f.get("detail") or {})}
a, b, c = values("jsonl"), values("parquet"), values("arrow")
assert a.keys() == b.keys() == c.keys() and all(a[k] == b[k] == c[k] for k in a), (a, b, c)
print(f"same per-field values from the three formats ({len(a)} fields)")
PY
