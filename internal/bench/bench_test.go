package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"authwall/internal/realserver"
)

// The benchmarks here start subprocesses and crawl big sites for minutes:
// they run only with -bench (scripts/bench.sh), never in go test ./...
//
//	go test -run '^$' -bench 'VsColly/pages=20000$' -benchtime 1x ./internal/bench
//
// AUTHWALL_BENCH_CPUPROFILE and AUTHWALL_BENCH_MEMPROFILE, when set, name
// files the audit writes its CPU and heap profiles to.
// AUTHWALL_BENCH_BASELINE names another authwall binary (an earlier
// version) to time in the same run, for a before/after comparison.

const concurrency = 16

// BenchmarkVsColly serves a generated site from files (Debian's nginx when
// installed, a Go file server otherwise) and times a full authwall audit
// (googlebot, bingbot and the browser control) next to a plain colly
// crawl of the same site, each as a subprocess whose CPU time and peak RSS
// the kernel reports.
func BenchmarkVsColly(b *testing.B) {
	bins := buildBinaries(b)
	for _, n := range []int{20000, 200000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			site := Site{N: n}
			base, server := serveFiles(b, site)
			for i := 0; i < b.N; i++ {
				var before *stats
				if bin := os.Getenv("AUTHWALL_BENCH_BASELINE"); bin != "" {
					st := runAudit(b, binaries{authwall: bin}, base, n, false)
					before = &st
				}
				aw := runAudit(b, bins, base, n, true)
				cr := runColly(b, bins, base)
				report(b, server, n, aw, &cr, before)
			}
		})
	}
}

// BenchmarkAudit1M audits a 1,000,000-page site generated on the fly by a
// Go server in this process (the audit runs as a subprocess, so its peak
// RSS is its own).
func BenchmarkAudit1M(b *testing.B) {
	bins := buildBinaries(b)
	const n = 1000000
	srv := httptest.NewServer(Site{N: n}.Handler())
	b.Cleanup(srv.Close)
	for i := 0; i < b.N; i++ {
		aw := runAudit(b, bins, srv.URL+"/", n, true)
		report(b, "go (generated)", n, aw, nil, nil)
	}
}

type binaries struct{ authwall, colly string }

func buildBinaries(b *testing.B) binaries {
	b.Helper()
	dir := b.TempDir()
	bins := binaries{authwall: filepath.Join(dir, "authwall"), colly: filepath.Join(dir, "collyref")}
	for out, pkg := range map[string]string{bins.authwall: "authwall", bins.colly: "authwall/internal/bench/collyref"} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
		}
	}
	return bins
}

// serveFiles writes the site to a temp dir and serves it; server names
// what serves it.
func serveFiles(b *testing.B, site Site) (base, server string) {
	b.Helper()
	dir := b.TempDir()
	began := time.Now()
	if err := site.WriteFiles(dir); err != nil {
		b.Fatal(err)
	}
	b.Logf("wrote %d pages in %s", site.N, time.Since(began).Round(time.Second))
	if nginxInstalled() {
		conf := filepath.Join(b.TempDir(), "bench.conf")
		if err := os.WriteFile(conf, []byte(strings.ReplaceAll(nginxConf, "{{SITE}}", dir)), 0o644); err != nil {
			b.Fatal(err)
		}
		// Root-started workers must read the site.
		for d := dir; d != filepath.Clean(os.TempDir()) && d != "/"; d = filepath.Dir(d) {
			_ = os.Chmod(d, 0o755)
		}
		return realserver.Nginx(b, conf, "").URL + "/", "nginx"
	}
	srv := httptest.NewServer(FileHandler(dir))
	b.Cleanup(srv.Close)
	return srv.URL + "/", "go (files)"
}

func nginxInstalled() bool {
	if _, err := exec.LookPath("nginx"); err == nil {
		return true
	}
	_, err := os.Stat("/usr/sbin/nginx")
	return err == nil
}

// nginxConf serves the site as a production nginx would: sendfile, keep-
// alive, no access log, /members/ behind auth_basic.
const nginxConf = `{{USER}}
worker_processes 1;
pid {{PREFIX}}/nginx.pid;
error_log {{PREFIX}}/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {{PREFIX}}/body;
    proxy_temp_path {{PREFIX}}/proxy;
    fastcgi_temp_path {{PREFIX}}/fastcgi;
    uwsgi_temp_path {{PREFIX}}/uwsgi;
    scgi_temp_path {{PREFIX}}/scgi;
    types { text/html html; }
    default_type text/html;
    server {
        listen 127.0.0.1:{{PORT}};
        root {{SITE}};
        location /members/ {
            auth_basic "Members";
            auth_basic_user_file {{PREFIX}}/htpasswd;
        }
    }
}
`

// stats is one crawler's run as the kernel and its output saw it.
type stats struct {
	pages, requests int
	wall, cpu       time.Duration
	rss             int64 // peak resident set, bytes
}

func run(b *testing.B, name string, cmd *exec.Cmd) (stats, []byte) {
	b.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	began := time.Now()
	err := cmd.Run()
	st := stats{wall: time.Since(began)}
	if err != nil {
		b.Fatalf("%s: %v\n%s", name, err, errOut.Bytes())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	st.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	st.rss = ru.Maxrss * 1024 // kilobytes on Linux
	return st, out.Bytes()
}

// runAudit audits the site with bins.authwall; profile passes the
// profile files of the environment on.
func runAudit(b *testing.B, bins binaries, base string, n int, profile bool) stats {
	b.Helper()
	rep := filepath.Join(b.TempDir(), "report.json")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	args := []string{"audit", "-q", "--no-progress", "--fail-on", "never",
		"--agents", "googlebot,bingbot", "--concurrency", fmt.Sprint(concurrency),
		"--max-pages", fmt.Sprint(n + 100), "--report", "json=" + rep}
	if f := os.Getenv("AUTHWALL_BENCH_CPUPROFILE"); f != "" && profile {
		args = append(args, "--cpuprofile", f)
	}
	if f := os.Getenv("AUTHWALL_BENCH_MEMPROFILE"); f != "" && profile {
		args = append(args, "--memprofile", f)
	}
	st, _ := run(b, "authwall audit", exec.CommandContext(ctx, bins.authwall, append(args, base)...))
	f, err := os.Open(rep)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var r struct {
		Summary struct{ URLs, Requests int } `json:"summary"`
	}
	if err := json.NewDecoder(f).Decode(&r); err != nil {
		b.Fatalf("read the audit's report: %v", err)
	}
	st.pages, st.requests = r.Summary.URLs, r.Summary.Requests
	if st.pages < n {
		b.Fatalf("the audit visited %d URLs of %d", st.pages, n)
	}
	return st
}

func runColly(b *testing.B, bins binaries, base string) stats {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	st, out := run(b, "collyref", exec.CommandContext(ctx, bins.colly, "-concurrency", fmt.Sprint(concurrency), base))
	var r struct{ Pages, Requests int }
	if err := json.Unmarshal(out, &r); err != nil {
		b.Fatalf("read collyref's output %q: %v", out, err)
	}
	st.pages, st.requests = r.Pages, r.Requests
	return st
}

// report prints one line per crawler and the ratios, and reports them as
// benchmark metrics (scripts/bench.sh reads those).
func report(b *testing.B, server string, n int, aw stats, cr, before *stats) {
	line := func(name string, s stats) {
		fmt.Printf("%-9s %8d pages %9d requests %7.1fs wall %7.1fs CPU %8.0f pages/s %8.0f requests/s %6.0f MB peak RSS %6.0f B/URL\n",
			name, s.pages, s.requests, s.wall.Seconds(), s.cpu.Seconds(),
			float64(s.pages)/s.wall.Seconds(), float64(s.requests)/s.wall.Seconds(), float64(s.rss)/(1<<20), float64(s.rss)/float64(s.pages))
	}
	fmt.Printf("\n%d-page site served by %s, concurrency %d\n", n, server, concurrency)
	if before != nil {
		line("baseline", *before)
	}
	line("authwall", aw)
	b.ReportMetric(float64(aw.pages)/aw.wall.Seconds(), "authwall-pages/s")
	b.ReportMetric(float64(aw.requests)/aw.wall.Seconds(), "authwall-req/s")
	b.ReportMetric(aw.cpu.Seconds(), "authwall-cpu-s")
	b.ReportMetric(float64(aw.rss)/(1<<20), "authwall-MB")
	b.ReportMetric(float64(aw.rss)/float64(aw.pages), "authwall-B/URL")
	if cr == nil {
		return
	}
	line("colly", *cr)
	ratio := (float64(aw.pages) / aw.wall.Seconds()) / (float64(cr.pages) / cr.wall.Seconds())
	fmt.Printf("authwall/colly: %.2fx pages/s, %.2fx CPU per page, %.2fx peak RSS\n", ratio,
		(aw.cpu.Seconds()/float64(aw.pages))/(cr.cpu.Seconds()/float64(cr.pages)), float64(aw.rss)/float64(cr.rss))
	b.ReportMetric(float64(cr.pages)/cr.wall.Seconds(), "colly-pages/s")
	b.ReportMetric(cr.cpu.Seconds(), "colly-cpu-s")
	b.ReportMetric(float64(cr.rss)/(1<<20), "colly-MB")
	b.ReportMetric(ratio, "x-colly-pages/s")
	if before != nil {
		base := (float64(before.pages) / before.wall.Seconds()) / (float64(cr.pages) / cr.wall.Seconds())
		fmt.Printf("baseline/colly: %.2fx pages/s, %.2fx CPU per page; authwall/baseline: %.2fx pages/s, %.2fx CPU per page\n", base,
			(before.cpu.Seconds()/float64(before.pages))/(cr.cpu.Seconds()/float64(cr.pages)), ratio/base,
			(aw.cpu.Seconds()/float64(aw.pages))/(before.cpu.Seconds()/float64(before.pages)))
		b.ReportMetric(base, "baseline-x-colly-pages/s")
	}
}
