#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs: the project's fixtures, hand-built Inspect
# logs (from the test suite's scratch directory), and, when ../shared/corpus is beside the
# project, small files from it. The corpus is not committed (fuzz/.gitignore); inputs the
# fuzzers find that crash, hang or exhaust memory go to fuzz/regressions/<target>/, which is.
#
# usage: scripts/fuzz_seeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
c=fuzz/corpus
mkdir -p $c/{json,lmeval_results,samples_log,helm_run,helm_table,records,rubric,manifest,model_card,inspect_log}
seed() { # target file
  local size; size=$(stat -c %s "$2")
  if [ "$size" -le 65536 ]; then cp "$2" "$c/$1/$(sha256sum "$2" | cut -c1-16)"; fi
}
shared=../shared/corpus
while IFS= read -r f; do seed json "$f"; done < <(find fixtures -name '*.json' -size -64k)
while IFS= read -r f; do seed lmeval_results "$f"; done < <(find fixtures/lmeval fixtures/lmms fixtures/demo fixtures/paired -name '*.json' ! -name 'samples*')
while IFS= read -r f; do seed samples_log "$f"; done < <(find fixtures -name '*samples*' -type f)
while IFS= read -r f; do seed records "$f"; done < <(find fixtures/s7p3 fixtures/s7p6 fixtures/release/production fixtures/s7p2 fixtures/warehouse/summaries -type f \( -name '*.jsonl' -o -name '*.csv' -o -name '*.json' \) 2>/dev/null)
while IFS= read -r f; do seed rubric "$f"; done < <(find rubrics fixtures -name '*.yaml')
while IFS= read -r f; do seed model_card "$f"; done < <(find fixtures -name '*.md')
while IFS= read -r f; do seed helm_table "$f"; done < <(find fixtures/helm -path '*groups*' -name '*.json')
# HELM run directories: the four files joined by \0\0
while IFS= read -r spec; do
  d=$(dirname "$spec"); out="$c/helm_run/$(echo "$d" | sha256sum | cut -c1-16)"
  : > "$out"
  for n in run_spec.json stats.json per_instance_stats.json scenario_state.json; do
    [ -f "$d/$n" ] && head -c 16000 "$d/$n" >> "$out"
    printf '\0\0' >> "$out"
  done
done < <(find fixtures/helm -name run_spec.json)
# a manifest of the demo
target/release/govgate manifest fixtures/demo -o "$c/manifest/demo" >/dev/null 2>&1 || true
# Inspect logs built by tests/inspect_logs.rs
while IFS= read -r f; do seed inspect_log "$f"; done < <(find target/test-scratch -path '*inspect-*' \( -name '*.eval' -o -name '*.json' \) 2>/dev/null)
if [ -d "$shared" ]; then
  while IFS= read -r f; do seed lmeval_results "$f"; done < <(find "$shared/lmeval" "$shared/lmeval-generated" -name 'results*.json' -size -64k)
  while IFS= read -r f; do seed inspect_log "$f"; done < <(find "$shared/inspect" -name '*.eval' -size -64k)
fi
for t in $c/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"; done
