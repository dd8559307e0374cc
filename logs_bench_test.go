package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// benchLogLines is the size of the benchmark's log: the million.
const benchLogLines = 1_000_000

// writeBenchLog writes n combined lines: three in ten from crawlers
// (Googlebot from inside and outside its ranges, Bingbot), the rest from
// browsers; every path distinct by its query, some walled.
func writeBenchLog(t testing.TB, w io.Writer, n int) {
	bw := bufio.NewWriterSize(w, 1<<20)
	for i := range n {
		addr, ua, status := fmt.Sprintf("198.51.%d.%d", i%200, i%250), logBrowser, 200
		switch i % 10 {
		case 0:
			addr, ua = "66.249.66.1", logGooglebot
		case 1:
			addr, ua = "203.0.113.7", logGooglebot
		case 2:
			addr, ua = "157.55.39.10", logBingbot
		}
		path := fmt.Sprintf("/blog/post-%d?ref=%d", i%5000, i)
		if i%97 == 0 {
			path, status = "/docs/", 401
		}
		fmt.Fprintf(bw, "%s - - [03/Dec/2026:%02d:%02d:%02d +0000] \"GET %s HTTP/1.1\" %d 5120 \"https://example.org/\" \"%s\"\n",
			addr, i/3600000%24, i/60000%60, i/1000%60, path, status, ua)
	}
	require.NoError(t, bw.Flush())
}

// BenchmarkLogs runs authwall logs over a million generated lines, ranges
// and declared paths included, as the README's lines/s figure does.
func BenchmarkLogs(b *testing.B) {
	dir := b.TempDir()
	file := filepath.Join(dir, "access.log")
	f, err := os.Create(file)
	require.NoError(b, err)
	writeBenchLog(b, f, benchLogLines)
	require.NoError(b, f.Close())
	for name, content := range map[string]string{"public.txt": logsPublic, "googlebot.json": googleRangesJSON, "bingbot.json": bingRangesJSON} {
		require.NoError(b, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	st, err := os.Stat(file)
	require.NoError(b, err)
	o := logsOptions{auditOptions: defaultOptions(), Files: []string{file}, LogFormat: "combined", MaxPaths: 50_000}
	o.Paths, o.Quiet, o.FailOn = []string{filepath.Join(dir, "public.txt")}, true, []string{"never"}
	o.Ranges = []string{"google=" + filepath.Join(dir, "googlebot.json"), "bing=" + filepath.Join(dir, "bingbot.json")}
	b.SetBytes(st.Size())
	b.ResetTimer()
	for b.Loop() {
		require.NoError(b, runLogs(context.Background(), o, nil, io.Discard, io.Discard))
	}
	b.ReportMetric(float64(benchLogLines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
