#!/usr/bin/env bash
# `cargo package`: the crate as crates.io would receive it. Checks its size (under 10 MiB),
# that it holds nothing but what the build needs, and that it builds and installs from the
# packaged sources alone (`cargo install --path` of the
# unpacked package, a debug build to keep CI short, installs a binary that runs the demo gate).
set -euo pipefail
cd "$(dirname "$0")/../.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo package --locked --allow-dirty --no-verify --quiet --target-dir "$work/target"
crate=("$work"/target/package/govgate-*.crate)
bytes=$(stat -c %s "${crate[0]}")
echo "package: $(basename "${crate[0]}"), $bytes bytes, $(tar tzf "${crate[0]}" | wc -l) files"
if [ "$bytes" -ge $((10 * 1024 * 1024)) ]; then
  echo "package: ${crate[0]} is $bytes bytes, over 10 MiB" >&2
  exit 1
fi
# (the warehouse queries live beside the scripts that run them, and `rubric sql` embeds them)
if tar tzf "${crate[0]}" | grep -E '/(fixtures|tests|scripts|target)/' \
    | grep -vE '^govgate-[^/]+/scripts/warehouse/[a-z_]+\.sql$' ; then
  echo "package: holds files the build does not need (above)" >&2
  exit 1
fi

tar xzf "${crate[0]}" -C "$work"
unpacked=("$work"/govgate-*/)
cargo install --locked --debug --quiet --path "${unpacked[0]}" --root "$work/root" --target-dir "$work/target"
"$work/root/bin/govgate" check fixtures/demo -q
echo "package: installed from the package alone; its govgate ran the demo gate"
