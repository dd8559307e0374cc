package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignalsStopTheCrawl sends SIGINT and SIGTERM to a real authwall
// process crawling an endless site: it stops promptly, writes its reports
// marked incomplete, and exits 3 (or 1 when findings already fail).
func TestSignalsStopTheCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildAuthwall(t)

	var requests, walls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		var n int
		fmt.Sscanf(r.URL.Path, "/p/%d", &n)
		if r.URL.Path == "/wall" {
			walls.Add(1)
			w.WriteHeader(401)
			return
		}
		time.Sleep(50 * time.Millisecond) // slow enough that neither the trap guard nor --max-pages ends it first
		fmt.Fprintf(w, `<html><a href="/p/%d">next</a> <a href="/p/%d">skip</a> <a href="/wall">wall</a></html>`, n+1, n+7)
	}))
	defer srv.Close()

	for _, tc := range []struct {
		name  string
		sig   syscall.Signal
		paths string
		code  int
	}{
		{"SIGINT", syscall.SIGINT, "/p/**\n", 3},
		{"SIGTERM", syscall.SIGTERM, "/p/**\n", 3},
		{"SIGINT with a failing finding", syscall.SIGINT, "/p/**\n/wall\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			paths := filepath.Join(t.TempDir(), "public.txt")
			require.NoError(t, os.WriteFile(paths, []byte(tc.paths), 0o644))
			report := filepath.Join(t.TempDir(), "report.json")
			html := filepath.Join(t.TempDir(), "report.html")
			cmd := exec.Command(bin, "audit", "--no-progress", "--concurrency", "2", "-p", paths,
				"--report", "json="+report, "--report", "html="+html, srv.URL+"/p/0")
			before, wallsBefore := requests.Load(), walls.Load()
			require.NoError(t, cmd.Start())
			// Signal only once the crawl is under way (the handlers are set
			// before it starts) and, for the failing case, the wall was
			// fetched by both crawlers: on a loaded machine the process may
			// take longer than any fixed sleep to get there.
			needWalls := int64(0)
			if tc.code == 1 {
				needWalls = 2
			}
			started := time.Now()
			for (requests.Load() < before+5 || walls.Load() < wallsBefore+needWalls) && time.Since(started) < 30*time.Second {
				time.Sleep(20 * time.Millisecond)
			}
			require.GreaterOrEqual(t, walls.Load(), wallsBefore+needWalls, "the crawl reached the wall within 30 s")
			time.Sleep(300 * time.Millisecond) // let the answers be recorded; the slow pages keep the crawl going
			require.NoError(t, cmd.Process.Signal(tc.sig))
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				var exit *exec.ExitError
				require.True(t, errors.As(err, &exit), "exit: %v", err)
				assert.Equal(t, tc.code, exit.ExitCode())
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("authwall did not stop within 30 s of the signal")
			}
			data, err := os.ReadFile(report)
			require.NoError(t, err, "the JSON report is written")
			var rep struct {
				Summary struct {
					URLs       int
					Incomplete bool
				}
			}
			require.NoError(t, json.Unmarshal(data, &rep))
			assert.True(t, rep.Summary.Incomplete)
			assert.Positive(t, rep.Summary.URLs)
			assert.FileExists(t, html)
		})
	}
}
