#!/usr/bin/env bash
# Run every fuzz target for a bounded time (FUZZTIME, default 10s each).
# A crasher fails the run and is written under the package's
# testdata/fuzz/, where it stays as a regression case once committed.
#
# Go 1.26's fuzz coordinator can end a run at the -fuzztime deadline with
# "context deadline exceeded" and no failing input (golang/go#75804, fixed
# in Go 1.27). Such a run found nothing: it is tried once more, and if it
# ends the same way again it is reported as a warning, not a failure. Any
# other failure, or any new file under testdata/fuzz/, fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# corpus lists the committed and new inputs of one target.
corpus() { ls "$1" 2>/dev/null | sort || true; }

# fuzz_once runs one target; 0 passed, 1 failed, 2 the coordinator race.
fuzz_once() {
  local pkg=$1 fn=$2 dir=$1/testdata/fuzz/$2 before
  before=$(corpus "$dir")
  if go test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "$fuzztime" >"$log" 2>&1; then
    return 0
  fi
  if [ "$(corpus "$dir")" = "$before" ] && grep -q 'context deadline exceeded' "$log" &&
    ! grep -q 'Failing input written to' "$log"; then
    return 2
  fi
  return 1
}

targets=$(grep -rl --include='*_test.go' '^func Fuzz' . | sort)
for file in $targets; do
  pkg=./$(dirname "${file#./}")
  for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "fuzz $pkg $fn for $fuzztime"
    rc=0
    for attempt in 1 2; do
      rc=0
      fuzz_once "$pkg" "$fn" || rc=$?
      [ "$rc" = 2 ] || break
      echo "fuzz $pkg $fn: ended at the deadline with no failing input (Go's fuzz coordinator, golang/go#75804); attempt $attempt of 2" >&2
    done
    case $rc in
    0) tail -1 "$log" ;;
    2) echo "warning: fuzz $pkg $fn ended twice at the deadline with no failing input; nothing was found" >&2 ;;
    *)
      cat "$log" >&2
      echo "fuzz $pkg $fn failed: the crasher is under $pkg/testdata/fuzz/$fn/" >&2
      exit 1
      ;;
    esac
  done
done
