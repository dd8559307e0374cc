// Package realserver starts real web servers (Debian's nginx, apache2,
// caddy, haproxy and lighttpd) on 127.0.0.1 for tests, each with its own
// config, pid file and temp dir, and stops them by PID when the test ends.
//
// Config templates may use {{PREFIX}} (the server's temp dir, where the
// site is copied to {{PREFIX}}/site and a password file is written to
// {{PREFIX}}/htpasswd), {{PORT}}, and {{USER}} (a line that makes a
// root-started server's workers run as a user that can read the temp dir;
// empty when not root).
package realserver

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is a running real server.
type Server struct {
	URL    string // http://127.0.0.1:PORT
	Prefix string // its temp dir: config, logs, pid file, site
}

// Require is true when a missing server binary must fail the test rather
// than skip it (CI sets AUTHWALL_REQUIRE_SERVERS=1 after installing them).
func Require() bool { return os.Getenv("AUTHWALL_REQUIRE_SERVERS") == "1" }

// lookPath finds a server binary, also in the sbin directories that a
// non-root PATH often lacks.
func lookPath(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if Require() {
		t.Fatalf("%s is not installed and AUTHWALL_REQUIRE_SERVERS=1 (apt-get install -y %s)", name, name)
	}
	t.Skipf("%s is not installed: skipping the real-server test (apt-get install -y %s; set AUTHWALL_REQUIRE_SERVERS=1 to make this a failure)", name, name)
	return ""
}

// freePort asks the kernel for a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// prepare makes a world-readable temp dir (a root-started server's
// workers run as another user), copies the site into it and renders the
// config template.
func prepare(t testing.TB, confTemplate, siteDir string, port int, rootUser string) (prefix, conf string) {
	t.Helper()
	prefix = t.TempDir()
	// Open up the test's own temp folders (t.TempDir makes them 0700), up to
	// but never including the system temp dir itself.
	tmp := filepath.Clean(os.TempDir())
	for d := prefix; d != tmp && strings.HasPrefix(d, tmp+string(filepath.Separator)); d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o755)
	}
	if siteDir != "" {
		if err := os.CopyFS(filepath.Join(prefix, "site"), os.DirFS(siteDir)); err != nil {
			t.Fatalf("copy site %s: %v", siteDir, err)
		}
		_ = filepath.Walk(filepath.Join(prefix, "site"), func(p string, info os.FileInfo, err error) error {
			if err == nil {
				mode := os.FileMode(0o644)
				if info.IsDir() {
					mode = 0o755
				}
				_ = os.Chmod(p, mode)
			}
			return nil
		})
	}
	tmpl, err := os.ReadFile(confTemplate)
	if err != nil {
		t.Fatalf("read config template: %v", err)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = rootUser // workers must read the temp dir
	}
	r := strings.NewReplacer("{{PREFIX}}", prefix, "{{PORT}}", strconv.Itoa(port), "{{USER}}", user)
	conf = filepath.Join(prefix, filepath.Base(confTemplate))
	if err := os.WriteFile(conf, []byte(r.Replace(string(tmpl))), 0o644); err != nil {
		t.Fatalf("write config: %v", err)
	}
	// One user whose password is "not-a-real-secret", in the formats the
	// servers read: crypt-style for nginx and Apache, plain for lighttpd.
	files := map[string]string{
		"htpasswd":    "editor:$apr1$CY5ghzaQ$jgCqrFDpGJI6thQMxbMvP1\n",
		"plain-users": "editor:not-a-real-secret\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(prefix, name), []byte(content), 0o644); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	return prefix, conf
}

// Nginx starts Debian's nginx in the foreground with the config template
// (placeholders {{PREFIX}}, {{PORT}}, {{USER}}) and the site directory
// copied to {{PREFIX}}/site.
func Nginx(t testing.TB, confTemplate, siteDir string) *Server {
	t.Helper()
	bin := lookPath(t, "nginx")
	port := freePort(t)
	prefix, conf := prepare(t, confTemplate, siteDir, port, "user root;")
	cmd := exec.Command(bin, "-p", prefix, "-e", filepath.Join(prefix, "error.log"), "-c", conf, "-g", "daemon off;")
	return start(t, cmd, prefix, port, filepath.Join(prefix, "error.log"))
}

// Apache starts Debian's apache2 in the foreground. The template loads the
// modules it needs itself (LoadModule /usr/lib/apache2/modules/...) and
// should put PidFile, DefaultRuntimeDir and ErrorLog under {{PREFIX}}.
func Apache(t testing.TB, confTemplate, siteDir string) *Server {
	t.Helper()
	bin := lookPath(t, "apache2")
	port := freePort(t)
	// Apache refuses to run its children as root.
	prefix, conf := prepare(t, confTemplate, siteDir, port, "User nobody\nGroup nogroup")
	cmd := exec.Command(bin, "-d", prefix, "-f", conf, "-DFOREGROUND")
	return start(t, cmd, prefix, port, filepath.Join(prefix, "error.log"))
}

// Caddy starts Debian's caddy with a Caddyfile; keep `admin off` and
// `auto_https off` in its global options.
func Caddy(t testing.TB, confTemplate, siteDir string) *Server {
	t.Helper()
	bin := lookPath(t, "caddy")
	port := freePort(t)
	prefix, conf := prepare(t, confTemplate, siteDir, port, "")
	cmd := exec.Command(bin, "run", "--config", conf, "--adapter", "caddyfile")
	// Caddy keeps state under XDG dirs; they must be the test's, not $HOME.
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+prefix, "XDG_CONFIG_HOME="+prefix, "HOME="+prefix)
	return start(t, cmd, prefix, port, filepath.Join(prefix, "caddy.log"))
}

// HAProxy starts Debian's haproxy in the foreground (-db).
func HAProxy(t testing.TB, confTemplate string) *Server {
	t.Helper()
	bin := lookPath(t, "haproxy")
	port := freePort(t)
	prefix, conf := prepare(t, confTemplate, "", port, "")
	cmd := exec.Command(bin, "-db", "-f", conf)
	return start(t, cmd, prefix, port, filepath.Join(prefix, "haproxy.log"))
}

// Lighttpd starts Debian's lighttpd in the foreground (-D).
func Lighttpd(t testing.TB, confTemplate, siteDir string) *Server {
	t.Helper()
	bin := lookPath(t, "lighttpd")
	port := freePort(t)
	prefix, conf := prepare(t, confTemplate, siteDir, port, "")
	cmd := exec.Command(bin, "-D", "-f", conf)
	return start(t, cmd, prefix, port, filepath.Join(prefix, "error.log"))
}

// start runs the server and waits, bounded, until it accepts connections.
func start(t testing.TB, cmd *exec.Cmd, prefix string, port int, logFile string) *Server {
	t.Helper()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	launch(t, cmd, logFile, "listen on "+addr, 10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return &Server{URL: fmt.Sprintf("http://%s", addr), Prefix: prefix}
}

// launch starts a process in its own process group, stops it by its PID
// when the test ends, and waits, at most within, until ready says it serves.
func launch(t testing.TB, cmd *exec.Cmd, logFile, what string, within time.Duration, ready func() bool) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// Stop the server we started, by its PID, and wait for it.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			logText, _ := os.ReadFile(logFile)
			t.Fatalf("%s exited at start: %v\n%s\n%s", filepath.Base(cmd.Path), waitErr, out.String(), logText)
		default:
		}
		if ready() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	logText, _ := os.ReadFile(logFile)
	t.Fatalf("%s did not %s within %s\n%s", filepath.Base(cmd.Path), what, within, logText)
}
