#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600), two at a time, and prints the last
# libFuzzer status line of each (executions, coverage, exec/s). Crashes, timeouts and
# out-of-memory inputs land in fuzz/artifacts/<target>/; fix them, then copy each into
# fuzz/regressions/<target>/ so `cargo test` replays it (tests/fuzz_regressions.rs).
#
# cargo fuzz needs nightly flags; RUSTC_BOOTSTRAP=1 lets this stable toolchain take them.
# usage: scripts/fuzz.sh [SECONDS] [TARGET…]     (cargo install cargo-fuzz; scripts/fuzz_seeds.sh)
set -uo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"; shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(json lmeval_results samples_log helm_run helm_table records rubric manifest model_card inspect_log)
fi
export RUSTC_BOOTSTRAP=1
mkdir -p fuzz/logs
cargo fuzz build -O >/dev/null 2>&1
run() {
  local t=$1
  mkdir -p "fuzz/corpus/$t"
  cargo fuzz run -O "$t" "fuzz/corpus/$t" -- -max_total_time="$secs" -max_len=65536 \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"fuzz/logs/$t.log" 2>&1
  echo "$t: exit $? $(grep -E '^#[0-9]+' "fuzz/logs/$t.log" | tail -1)"
}
i=0
for t in "${targets[@]}"; do
  run "$t" &
  i=$((i + 1))
  if [ $((i % 2)) -eq 0 ]; then wait; fi
done
wait
