#!/usr/bin/env bash
# The steps of the authwall GitHub Action (action.yml): install authwall,
# run `authwall audit` (or `authwall lint` when no url is given) with SARIF,
# JSON, HTML and Markdown reports under $RUNNER_TEMP/authwall, annotations
# on stdout and the job summary (authwall appends it to
# $GITHUB_STEP_SUMMARY itself), then write the exit code and the report
# paths to $GITHUB_OUTPUT and exit with authwall's code.
#
# Inputs come as INPUT_* environment variables and are never evaluated:
# public and server-config are one path a line; args is split on spaces,
# tabs and newlines into separate arguments, with no quote handling, no
# variable or command expansion and no globbing.
set -uo pipefail

: "${RUNNER_TEMP:?not set: run as a GitHub Action step}"
: "${GITHUB_OUTPUT:?not set: run as a GitHub Action step}"

# not_run ends the step when authwall cannot be installed: it never ran,
# which is exit code 3 ("could not run"), in $GITHUB_OUTPUT too so that a
# later step reading exit-code sees why.
not_run() {
  echo "authwall: $1" >&2
  echo "exit-code=3" >>"$GITHUB_OUTPUT"
  exit 3
}

case "${INPUT_VERSION:-action}" in
  local) ;;
  action | "")
    (cd "${GITHUB_ACTION_PATH:?not set}" && go install .) ||
      not_run "go install of the action's checkout failed"
    ;;
  *)
    go install "$INPUT_VERSION" || not_run "go install $INPUT_VERSION failed"
    ;;
esac
if ! command -v authwall >/dev/null; then
  not_run "not on PATH after the install step (version: ${INPUT_VERSION:-action})"
fi

out="$RUNNER_TEMP/authwall"
mkdir -p "$out"
sarif="$out/report.sarif"
json="$out/report.json"
html="$out/report.html"
markdown="$out/report.md"
rm -f "$sarif" "$json" "$html" "$markdown" # an earlier run's in this job

args=()
if [ -n "${INPUT_URL:-}" ]; then
  args=(audit --no-progress)
else
  args=(lint)
fi
args+=(--format github
  --report "sarif=$sarif" --report "json=$json" --report "html=$html" --report "markdown=$markdown")
while IFS= read -r line; do
  [ -n "$line" ] && args+=(--public "$line")
done <<<"${INPUT_PUBLIC:-}"
while IFS= read -r line; do
  [ -n "$line" ] && args+=(--server-config "$line")
done <<<"${INPUT_SERVER_CONFIG:-}"
if [ -n "${INPUT_FAIL_ON:-}" ]; then
  args+=(--fail-on "$INPUT_FAIL_ON")
fi
extra=()
read -r -d '' -a extra <<<"${INPUT_ARGS:-}" || true
args+=("${extra[@]}")
if [ -n "${INPUT_URL:-}" ]; then
  args+=("$INPUT_URL")
fi

authwall "${args[@]}"
code=$?

# A report path is an output only when the report was written (exit code
# 2 or 3 may leave none), so `steps.X.outputs.sarif != ''` guards an upload.
{
  echo "exit-code=$code"
  for report in "sarif=$sarif" "json=$json" "html=$html" "markdown=$markdown"; do
    if [ -f "${report#*=}" ]; then
      echo "$report"
    fi
  done
} >>"$GITHUB_OUTPUT"
exit "$code"
