package realserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Need skips the test, or fails it under AUTHWALL_REQUIRE_SERVERS=1,
// unless every file is installed; pkgs names the Debian packages that
// bring them.
func Need(t testing.TB, pkgs string, files ...string) {
	t.Helper()
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			continue
		}
		msg := fmt.Sprintf("%s is not installed (apt-get install -y --no-install-recommends %s)", f, pkgs)
		if Require() {
			t.Fatalf("%s and AUTHWALL_REQUIRE_SERVERS=1", msg)
		}
		t.Skipf("%s: skipping the real-application test (set AUTHWALL_REQUIRE_SERVERS=1 to make this a failure)", msg)
	}
}

// Cmd is a command a test runs to set an application up.
type Cmd struct {
	Name  string // a binary on PATH or in an sbin directory
	Args  []string
	Env   []string // added to the test's environment
	Stdin string
}

// Run runs the command to its end, for at most timeout, and returns its
// combined output; a failure or a timeout fails the test with the output.
func (c Cmd) Run(t testing.TB, timeout time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, lookPath(t, c.Name), c.Args...)
	cmd.Env = append(os.Environ(), c.Env...)
	cmd.Stdin = strings.NewReader(c.Stdin)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v (limit %s)\n%s", c.Name, strings.Join(c.Args, " "), err, timeout, out)
	}
	return string(out)
}

// MariaDB is a private mariadbd serving a unix socket, with no TCP port.
type MariaDB struct {
	Socket string
}

// StartMariaDB initialises a data directory under dir with
// mariadb-install-db and runs mariadbd on dir/mysql.sock with
// --skip-networking; it is stopped by its PID when the test ends.
func StartMariaDB(t testing.TB, dir string) *MariaDB {
	t.Helper()
	var asRoot []string
	if os.Geteuid() == 0 {
		asRoot = []string{"--user=root"} // mariadbd refuses root otherwise
	}
	data := filepath.Join(dir, "mariadb")
	Cmd{Name: "mariadb-install-db", Args: append([]string{"--no-defaults", "--datadir=" + data,
		"--auth-root-authentication-method=normal", "--skip-test-db"}, asRoot...)}.Run(t, 2*time.Minute)
	sock := filepath.Join(dir, "mysql.sock")
	logFile := filepath.Join(dir, "mariadb.log")
	cmd := exec.Command(lookPath(t, "mariadbd"), append([]string{"--no-defaults", "--datadir=" + data, "--socket=" + sock,
		"--skip-networking", "--pid-file=" + filepath.Join(dir, "mariadb.pid"), "--log-error=" + logFile,
		"--skip-log-bin", "--innodb-buffer-pool-size=16M"}, asRoot...)...)
	launch(t, cmd, logFile, "serve "+sock, time.Minute, func() bool {
		c, err := net.DialTimeout("unix", sock, 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return &MariaDB{Socket: sock}
}

// SQL runs statements as the database's root user.
func (db *MariaDB) SQL(t testing.TB, statements string) {
	t.Helper()
	Cmd{Name: "mariadb", Args: []string{"--no-defaults", "--socket=" + db.Socket, "-uroot", "-e", statements}}.Run(t, time.Minute)
}

// OpenUp makes everything under dir readable and writable by everyone, for
// a root-started server's workers (another user) that write there, such
// as an SQLite database.
func OpenUp(t testing.TB, dir string) {
	t.Helper()
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o666)
		if info.IsDir() {
			mode = 0o777
		}
		return os.Chmod(p, mode)
	})
	if err != nil {
		t.Fatalf("open up %s: %v", dir, err)
	}
}
