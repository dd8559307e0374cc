#!/usr/bin/env bash
# Audit a staging site before a release and say where the reports are.
#
#   examples/pre-release.sh https://staging.example.org/ [public.txt] [out-dir]
#
# Exits with authwall's code: 0 nothing failing, 1 failing findings,
# 2 bad input, 3 the audit could not run.
set -uo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 URL [paths-file] [out-dir]" >&2
  exit 2
fi
url=$1
paths=${2:-authwall/public.txt}
out=${3:-authwall-report-$(date +%Y%m%d-%H%M%S)}
authwall=${AUTHWALL:-authwall}

if ! command -v "$authwall" >/dev/null; then
  echo "authwall not found: build it with 'go build -o /usr/local/bin/authwall .' in its checkout, or set AUTHWALL" >&2
  exit 2
fi
mkdir -p "$out"

"$authwall" audit --public "$paths" --no-progress \
  --report json="$out/report.json" \
  --report csv="$out/report.csv" \
  --report html="$out/report.html" \
  --report junit="$out/report.junit.xml" \
  --report sarif="$out/report.sarif" \
  "$url"
code=$?

case $code in
  0) verdict="nothing failing: ready to release" ;;
  1) verdict="public pages are walled: fix them before the release" ;;
  2) verdict="bad usage or input" ;;
  *) verdict="the audit could not run" ;;
esac
echo
echo "$verdict (exit code $code)"
echo "reports in $out/: report.html (open it in a browser), report.csv, report.json, report.junit.xml, report.sarif"
exit $code
