#!/usr/bin/env bash
# The project's benchmarks. The figures the README quotes are ratios measured
# in one run: a full authwall audit (googlebot + bingbot + the browser
# control) against a plain colly crawl of the same generated site (pages of
# ~18 KB with ~35 links, 5% behind auth_basic), served by Debian's nginx on
# 127.0.0.1 when installed, a Go file server otherwise; at 20,000 and
# 200,000 pages. Each crawler runs as a subprocess; its CPU time and peak RSS
# come from the kernel.
#
#   scripts/bench.sh            20k and 200k pages, then the micro-benchmarks
#   SIZES=20000 scripts/bench.sh        20k only
#   MILLION=1 scripts/bench.sh          also audit a 1,000,000-page site
#                                       generated on the fly (authwall only)
#   AUTHWALL_BENCH_CPUPROFILE=cpu.out   the audit's CPU profile (last run)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for n in ${SIZES:-20000 200000}; do
	go test -run '^$' -bench "BenchmarkVsColly/pages=${n}\$" -benchtime 1x -timeout 3h ./internal/bench | tee -a "$out"
done
# Throughput at the bigger size against the smaller (cost should grow linearly).
awk '/^BenchmarkVsColly\/pages=/ {
	for (i = 1; i < NF; i++) if ($(i+1) == "authwall-pages/s") rate[++n] = $i
	split($1, a, "[=-]"); size[n] = a[2]
} END {
	if (n >= 2) printf "authwall throughput at %d pages: %.2fx its throughput at %d\n", size[n], rate[n] / rate[1], size[1]
}' "$out"
if [[ -n "${MILLION:-}" ]]; then
	go test -run '^$' -bench 'BenchmarkAudit1M$' -benchtime 1x -timeout 3h ./internal/bench
fi
go test -run '^$' -bench 'BenchmarkCrawl$' -benchtime "${BENCHTIME:-5x}" -count "${COUNT:-1}" ./crawler
go test -run '^$' -bench 'BenchmarkExtractLinks|BenchmarkNormalize' -benchmem ./crawler
go test -run '^$' -bench . -benchmem ./crawler/robots
# authwall logs over a million generated lines: the README's lines/s figure
go test -run '^$' -bench 'BenchmarkLogs$' -benchtime 1x -count "${COUNT:-3}" -benchmem .
go test -run '^$' -bench 'BenchmarkParseCombined' -benchmem ./accesslog
