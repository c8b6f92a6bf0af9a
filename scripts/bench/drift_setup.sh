# Sourced by drift.sh and parquet.sh: N (default 1,000,000) and the work directory from the
# arguments, the release binary built, and N reference and N production JSON Lines records
# generated once (scripts/bench/gen_production.py), and the rubric of the drift job
# ($work/auto.yaml: Evidently's auto methods on the six fields). Sets n, work, bin, fields.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
n="${1:-1000000}"
work="${2:-target/bench-drift}/n$n"
mkdir -p "$work"
cargo build --release --quiet
bin="$PWD/target/release/govgate"
if [ ! -f "$work/reference.jsonl" ]; then
  python3 scripts/bench/gen_production.py "$work" "$n"
fi
fields='[score, features.length, features.tokens, label, meta.lang, meta.source]'
cat > "$work/auto.yaml" <<YAML
version: 1
name: bench-auto
processes:
  S7P3:
    - { id: drift, level: 2, drift: { fields: $fields, drift_share: 0.5 } }
YAML
