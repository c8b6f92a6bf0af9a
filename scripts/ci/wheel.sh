#!/usr/bin/env bash
# The wheel a user installs with `pip install govgate`: built with maturin, installed into a
# fresh virtualenv, and run the way a new user runs it — from the venv, on a PATH without
# cargo or rustc — on the demo fixtures. Exits nonzero when any step does, so a broken wheel
# never lands. Run by .ci/run; needs python3 with venv and maturin (`pip install maturin`).
set -euo pipefail
cd "$(dirname "$0")/../.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

maturin build --release --locked --quiet -o "$work/dist"
wheel=("$work"/dist/govgate-*.whl)
echo "wheel: $(basename "${wheel[0]}") ($(du -k "${wheel[0]}" | cut -f1) KiB)"

python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-index --no-deps "${wheel[0]}"

# the GitHub Action's install step, as action.yml runs it, with this wheel as its `version`
mkdir -p "$work/runner"
: > "$work/runner/github_path"
GOVGATE_VERSION="${wheel[0]}" RUNNER_TEMP="$work/runner" GITHUB_PATH="$work/runner/github_path" \
  GITHUB_ACTION_PATH="$PWD" bash -c "$(sed -n 's/^ *run: \(bash "\$GITHUB_ACTION_PATH\/scripts\/action\/install.sh"\)$/\1/p' action.yml)"
test "$(cat "$work/runner/github_path")" = "$work/runner/govgate-venv/bin" || {
  echo "wheel test: the action's install step put '$(cat "$work/runner/github_path")' on GITHUB_PATH" >&2; exit 1; }
"$work/runner/govgate-venv/bin/govgate" check fixtures/demo -q >/dev/null
echo "wheel test: the action's install step installed the wheel and its govgate ran the demo gate"

# a user's shell: the venv and the system, no Rust toolchain
export PATH="$work/venv/bin:/usr/local/bin:/usr/bin:/bin"
if command -v cargo >/dev/null 2>&1 || command -v rustc >/dev/null 2>&1; then
  echo "wheel test: a Rust toolchain is on the user PATH ($PATH)" >&2
  exit 1
fi
test "$(command -v govgate)" = "$work/venv/bin/govgate"

want="govgate $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
got="$(govgate --version)"
test "$got" = "$want" || { echo "wheel test: --version says '$got', Cargo.toml '$want'" >&2; exit 1; }

out="$(govgate check fixtures/demo)"
echo "$out" | grep -q '^│ S7P1 ' || { echo "wheel test: no support-level table:" >&2; echo "$out" >&2; exit 1; }
echo "$out" | tail -1 | grep -q '^PASS: every required level is met$' || {
  echo "wheel test: the demo did not pass:" >&2; echo "$out" >&2; exit 1; }
echo "wheel test: pip-installed govgate ran the demo gate (exit 0, $(echo "$out" | grep -c '^│ S7P') process rows)"
