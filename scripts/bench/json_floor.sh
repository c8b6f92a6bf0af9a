#!/usr/bin/env bash
# The floor under the JSON Lines drift target (issue 17): the drift benchmark's six fields
# taken out of every line of one window's file by each parser alone, on one core
# (scripts/bench/json_parsers/src/bin/six_fields.rs), and SHA-256 of the same file (the sha2
# crate govgate uses), which govgate computes for every input. With the two windows on two
# cores the drift job cannot take less than about (parser time + hash time) for one window.
#
# Measured 2026-12-07 (2 cores, machine idle), one window of the 2 x 1,000,000 job (206 MB):
#   SHA-256 (sha2 crate)                 0.116 s   1771 MB/s
#   jiter, six fields walked             0.330 s    624 MB/s
#   sonic-rs, six pointers (get_many)    0.640 s    322 MB/s
#   sonic-rs, whole line (DOM)           0.253 s    813 MB/s   (no NaN / Infinity)
# so with jiter one window costs at least 0.45 s of one core before a value is converted,
# counted or compared: the job's 0.5 s target leaves 0.05 s for all of that.
#
# usage: scripts/bench/json_floor.sh [N] [WORKDIR]   (the drift benchmark's files; N = 1,000,000)
set -euo pipefail
# shellcheck source=drift_setup.sh
source "$(dirname "$0")/drift_setup.sh"
cargo build --release --quiet --manifest-path scripts/bench/json_parsers/Cargo.toml
scripts/bench/json_parsers/target/release/six_fields "$work/reference.jsonl"
