#!/usr/bin/env bash
# govgate's drift check against Evidently's DataDriftPreset on the same records, side by
# side on this machine.
#
# Generates N reference and N production records (JSON Lines, ~200 bytes a line: three
# numeric fields, a binary label, two categorical fields, a text field not compared), then
# times, with /usr/bin/time -v (Evidently once, first; govgate five times each, the median):
#   govgate  auto methods (Evidently's choice: wasserstein / jensenshannon at this size)
#   govgate  psi on every field (a binned method)
#   Evidently DataDriftPreset on the same six columns (its defaults), reading the same files
# and checks that both report the same per-field values (to 1e-6 relative).
#
# usage: scripts/bench/drift.sh [N] [WORKDIR]     (default N = 1000000)
#        needs python3 with evidently 0.7 and pandas < 3 (pip install evidently "pandas<3")
set -euo pipefail
# shellcheck source=drift_setup.sh
source "$(dirname "$0")/drift_setup.sh"
cat > "$work/psi.yaml" <<YAML
version: 1
name: bench-psi
processes:
  S7P3:
    - { id: drift, level: 2, drift: { fields: $fields, method: psi, drift_share: 0.5 } }
YAML
bytes=$(( $(stat -c %s "$work/reference.jsonl") + $(stat -c %s "$work/production.jsonl") ))
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v "$@" > "$work/$name.out" 2> "$work/$name.time" || true
  local secs rss
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$work/$name.time")
  echo "$name $secs $rss"
}
median5() { # name, command...: five runs, the median time and the largest peak RSS
  local name=$1; shift
  local runs=()
  for _ in 1 2 3 4 5; do runs+=("$(measure "$name" "$@")"); done
  printf '%s\n' "${runs[@]}" | sort -k2 -n | awk -v n="$name" \
    '{t[NR]=$2; if ($3>m) m=$3} END {print n, t[3], m}'
}
r3=$(measure evidently python3 scripts/bench/evidently_drift.py "$work" "$work/evidently.json")
r1=$(median5 govgate_auto "$bin" check --rubric "$work/auto.yaml" --reference "$work/reference.jsonl" --production "$work/production.jsonl" -f json)
r2=$(median5 govgate_psi "$bin" check --rubric "$work/psi.yaml" --reference "$work/reference.jsonl" --production "$work/production.jsonl" -f json)
python3 - "$work" "$bytes" "$r1" "$r2" "$r3" <<'PY'
import json, sys
work, nbytes = sys.argv[1], int(sys.argv[2])
rows = [r.split() for r in sys.argv[3:]]
t = {name: (float(s), float(m)) for name, s, m in rows}
mb = nbytes / 1e6
print(f"input: {mb:.0f} MB ({nbytes} bytes) in two files")
print(f"{'run':<14} {'seconds':>8} {'MB/s':>7} {'peak RSS MB':>12}")
for name, (s, m) in t.items():
    print(f"{name:<14} {s:>8.2f} {mb / s:>7.0f} {m:>12.1f}")
ev = json.load(open(f"{work}/evidently.json"))
print(f"evidently: loading {ev['load_seconds']:.1f} s, drift {ev['drift_seconds']:.1f} s")
g = json.load(open(f"{work}/govgate_auto.out"))
ours = {f["detail"]["field"]: f["detail"] for f in g["checks"][0]["findings"] if f.get("detail", {}).get("kind") == "drift"}
worst = 0.0
for col, v in ev["fields"].items():
    a, b = ours[col]["value"], v["value"]
    rel = abs(a - b) / max(abs(a), abs(b), 1e-300)
    worst = max(worst, rel)
    print(f"  {col:<16} govgate {ours[col]['method']:<14} {a:.12g}   evidently {b:.12g}   rel {rel:.1e}")
print(f"largest relative difference: {worst:.1e} ({'within' if worst <= 1e-6 else 'OUTSIDE'} 1e-6)")
ga, ea = t["govgate_auto"], t["evidently"]
print(f"speed: govgate (auto) {ea[0] / ga[0]:.1f}x faster in wall time, reading included "
      f"({ev['drift_seconds'] / ga[0]:.1f}x against Evidently's drift step alone, its loading left out); "
      f"peak memory {ea[1] / ga[1]:.1f}x smaller")
print(f"throughput: auto {mb / ga[0]:.0f} MB/s, psi (binned) {mb / t['govgate_psi'][0]:.0f} MB/s")
PY
