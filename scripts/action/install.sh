#!/usr/bin/env bash
# Step 1 of action.yml: install govgate into a virtualenv of its own under $RUNNER_TEMP (a
# runner's system Python may refuse `pip install`, PEP 668) and put its bin/ on $GITHUB_PATH
# for the steps after. GOVGATE_VERSION: empty (newest on PyPI), a version, a wheel's path, or
# `local` (build the action's own checkout with maturin).
set -euo pipefail

venv="${RUNNER_TEMP:?RUNNER_TEMP is set on every runner}/govgate-venv"
python3 -m venv "$venv"
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)

version="${GOVGATE_VERSION:-}"
case "$version" in
  "") "${pip[@]}" govgate ;;
  local) "${pip[@]}" "${GITHUB_ACTION_PATH:?}" ;;
  *.whl) "${pip[@]}" --no-index --no-deps "$version" ;;
  *) "${pip[@]}" "govgate==$version" ;;
esac

echo "$venv/bin" >> "${GITHUB_PATH:?GITHUB_PATH is set on every runner}"
"$venv/bin/govgate" --version
