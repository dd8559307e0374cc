#!/usr/bin/env bash
# The project's benchmarks: crawl speed on generated sites, link extraction,
# robots.txt matching. Figures go in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run '^$' -bench 'BenchmarkCrawl$' -benchtime "${BENCHTIME:-5x}" -count "${COUNT:-3}" ./crawler
go test -run '^$' -bench 'BenchmarkExtractLinks|BenchmarkNormalize' -benchmem ./crawler
go test -run '^$' -bench . -benchmem ./crawler/robots
# authwall logs over a million generated lines: the README's lines/s figure
go test -run '^$' -bench 'BenchmarkLogs$' -benchtime 1x -count "${COUNT:-3}" -benchmem .
go test -run '^$' -bench 'BenchmarkParseCombined' -benchmem ./accesslog
