#!/usr/bin/env bash
# Run every fuzz target for a bounded time (FUZZTIME, default 10s each).
# A crasher fails the run and is written under the package's
# testdata/fuzz/, where it stays as a regression case once committed.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}

targets=$(grep -rl --include='*_test.go' '^func Fuzz' . | sort)
for file in $targets; do
  pkg=./$(dirname "${file#./}")
  for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "fuzz $pkg $fn for $fuzztime"
    go test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" >/tmp/authwall-fuzz.log 2>&1 || {
      cat /tmp/authwall-fuzz.log >&2
      echo "fuzz $pkg $fn failed: the crasher is under $pkg/testdata/fuzz/$fn/" >&2
      exit 1
    }
    tail -1 /tmp/authwall-fuzz.log
  done
done
