#!/usr/bin/env bash
# Step 2 of action.yml: `govgate check` with `--format github` (annotations; the Markdown report
# appended to $GITHUB_STEP_SUMMARY), SARIF and JUnit reports when asked. Sets the outputs
# `exit-code` and `verdict` and exits with govgate's own code, so the step fails exactly when
# the gate does and a workflow can tell a failed gate (1) from evidence it could not judge (2).
set -uo pipefail

args=(check --format github)
# one path per line, or several on a line separated by spaces (paths with spaces: one per line)
while IFS= read -r line; do
  [ -z "${line//[[:space:]]/}" ] && continue
  if [[ "$line" == *" "* && ! -e "$line" ]]; then
    read -r -a words <<< "$line"
    args+=("${words[@]}")
  else
    args+=("$line")
  fi
done <<< "${INPUT_PATHS:-}"
while IFS= read -r line; do
  [ -z "${line//[[:space:]]/}" ] && continue
  args+=(--baseline "$line")
done <<< "${INPUT_BASELINE:-}"
[ -n "${INPUT_RUBRIC:-}" ] && args+=(--rubric "$INPUT_RUBRIC")
for r in ${INPUT_REQUIRE:-}; do
  args+=(--require "$r")
done
[ -n "${INPUT_SARIF:-}" ] && args+=(--report "sarif=$INPUT_SARIF")
[ -n "${INPUT_JUNIT:-}" ] && args+=(--report "junit=$INPUT_JUNIT")
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<< "$INPUT_ARGS"
  args+=("${extra[@]}")
fi

govgate "${args[@]}"
code=$?
case "$code" in
  0) verdict=pass ;;
  1) verdict=fail ;;
  *) verdict=error ;;
esac
{
  echo "exit-code=$code"
  echo "verdict=$verdict"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is set on every runner}"
if [ "$code" -ge 2 ]; then
  echo "::error title=govgate could not judge::govgate exited $code: the evidence or the rubric could not be read (see the message above)"
fi
exit "$code"
