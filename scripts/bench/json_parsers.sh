#!/usr/bin/env bash
# Compares jiter, sonic-rs and serde_json (scripts/bench/json_parsers/) on the real corpus
# (../shared/corpus, GOVGATE_CORPUS) and the fuzzers' inputs (fuzz/regressions): which files
# each accepts, whether it reads Python's NaN / Infinity tokens, and its single-core speed
# (the best of five passes; run with the machine otherwise idle).
#
# Measured 2026-12-07 (2 cores, machine idle): 2,500 documents; jiter accepts 2,484, sonic-rs
# and serde_json 2,480; of the 6 with NaN/Infinity text jiter accepts 6, the others 2.
#   JSON Lines records (2.2 MB): jiter 450 MB/s, sonic-rs 1,332 MB/s, serde_json 236 MB/s
#   whole documents (6.9 MB):    jiter 483 MB/s, sonic-rs   967 MB/s, serde_json 224 MB/s
#
# usage: scripts/bench/json_parsers.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus="${GOVGATE_CORPUS:-../shared/corpus}"
cargo build --release --quiet --manifest-path scripts/bench/json_parsers/Cargo.toml
scripts/bench/json_parsers/target/release/json-parsers-bench "$corpus" fuzz/regressions
