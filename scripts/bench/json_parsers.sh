#!/usr/bin/env bash
# Compares jiter, sonic-rs and serde_json (scripts/bench/json_parsers/) on the real corpus
# (../shared/corpus, GOVGATE_CORPUS) and the fuzzers' inputs (fuzz/regressions): which files
# each accepts, whether it reads Python's NaN / Infinity tokens, and its single-core speed
# (the best of five passes; run with the machine otherwise idle).
#
# usage: scripts/bench/json_parsers.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus="${GOVGATE_CORPUS:-../shared/corpus}"
cargo build --release --quiet --manifest-path scripts/bench/json_parsers/Cargo.toml
scripts/bench/json_parsers/target/release/json-parsers-bench "$corpus" fuzz/regressions
