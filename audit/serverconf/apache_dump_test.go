package serverconf

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/internal/realserver"
)

// dumpedDirective is one directive as `apache2 -t -D DUMP_CONFIG` prints it.
type dumpedDirective struct {
	file string
	line int
	name string
}

func (d dumpedDirective) String() string { return fmt.Sprintf("%s:%d %s", d.file, d.line, d.name) }

// TestApacheReaderAgainstDumpConfig reads Debian's own /etc/apache2 tree
// (includes, globs, IfModule, ${VAR} from envvars) and requires every
// directive apache2 itself lists with DUMP_CONFIG (mod_info) to appear in
// our tree, in the same order, with its file and line.
func TestApacheReaderAgainstDumpConfig(t *testing.T) {
	const conf = "/etc/apache2/apache2.conf"
	if _, err := os.Stat(conf); err != nil {
		if realserver.Require() {
			t.Fatalf("%s is missing and AUTHWALL_REQUIRE_SERVERS=1", conf)
		}
		t.Skipf("%s is missing: skipping the DUMP_CONFIG oracle", conf)
	}
	run := t.TempDir()
	vars := map[string]string{
		"APACHE_RUN_USER": "www-data", "APACHE_RUN_GROUP": "www-data",
		"APACHE_PID_FILE": filepath.Join(run, "apache2.pid"), "APACHE_RUN_DIR": run,
		"APACHE_LOCK_DIR": run, "APACHE_LOG_DIR": run,
	}
	dumped, ours := checkDumpConfig(t, conf, "/etc/apache2", vars, nil)
	t.Logf("%d directives dumped, %d read", len(dumped), len(ours))
}

// TestApacheReaderAgainstDumpConfigSyntax is the same oracle on a config
// that uses every syntax rule: continuations, quotes, a # inside a line,
// nested conditionals, -D defines, Include of a glob (dot-files skipped)
// and of a directory (read whole, recursively).
func TestApacheReaderAgainstDumpConfigSyntax(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"main.conf": `LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
Define SITE example
ServerName "${SITE}.test"
ErrorLog \
    "${SITE}-error.log"
DocumentRoot "${SITE}"   
<IfDefine EXTRA>
    <IfModule authz_core_module>
        Include conf.d/*.conf
    </IfModule>
</IfDefine>
<IfDefine !EXTRA>
    ServerAdmin never@example.org
</IfDefine>
IncludeOptional sites
IncludeOptional missing/*.conf
<IfVersion >= 2.4>
    <Directory "${SITE}">
        Require all granted
        DirectoryIndex index.html # not a comment: more file names
    </Directory>
</IfVersion>
<IfModule !mod_nonexistent.c>
    <Location /x>
        Require all denied
    </Location>
</IfModule>
`,
		"example/index.html":  "x\n",
		"conf.d/b.conf":       "ServerSignature Off\n",
		"conf.d/a.conf":       "ServerAdmin a@example.org\n",
		"conf.d/.hidden.conf": "ServerTokens Full\n",
		"sites/one/1.conf":    "<Location /one>\n    Require all granted\n</Location>\n",
		"sites/.0.conf":       "KeepAlive Off\n",
		"sites/0.conf":        "Timeout 30\n",
	})
	dumped, ours := checkDumpConfig(t, filepath.Join(dir, "main.conf"), dir, nil, []string{"EXTRA"})
	// Here the two lists must be equal but for what DUMP_CONFIG never prints.
	var kept []dumpedDirective
	for _, d := range ours {
		switch d.name {
		case "loadmodule", "define":
		default:
			kept = append(kept, d)
		}
	}
	assert.Equal(t, dumped, kept)
}

// checkDumpConfig runs the oracle: every directive `apache2 -t -D
// DUMP_CONFIG` lists must appear in our tree, in order, at its file and line.
func checkDumpConfig(t *testing.T, conf, serverRoot string, vars map[string]string, defines []string) (dumped, ours []dumpedDirective) {
	t.Helper()
	bin, err := exec.LookPath("apache2")
	if err != nil {
		bin = "/usr/sbin/apache2"
	}
	if _, err := os.Stat(bin); err != nil {
		if realserver.Require() {
			t.Fatalf("apache2 is not installed and AUTHWALL_REQUIRE_SERVERS=1")
		}
		t.Skip("apache2 is not installed")
	}
	args := []string{"-d", serverRoot, "-f", conf,
		"-C", "LoadModule info_module /usr/lib/apache2/modules/mod_info.so", "-t", "-D", "DUMP_CONFIG"}
	for _, d := range defines {
		args = append(args, "-D", d)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "LANG=C")
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	dumped = parseDumpConfig(string(out))
	require.NotEmpty(t, dumped, "DUMP_CONFIG listed nothing:\n%s", out)

	cfg, err := ReadApache(conf, ApacheOptions{ServerRoot: serverRoot, Vars: vars, Defines: defines, Modules: []string{"info_module"}})
	require.NoError(t, err)
	var flatten func([]*Node)
	flatten = func(nodes []*Node) {
		for _, n := range nodes {
			ours = append(ours, dumpedDirective{n.File, n.Line, strings.ToLower(n.Name)})
			flatten(n.Children)
		}
	}
	flatten(cfg.Nodes)
	i := 0
	for _, d := range dumped {
		for i < len(ours) && ours[i] != d {
			i++
		}
		require.Less(t, i, len(ours), "apache2 lists %s, which our reader lacks or has out of order", d)
	}
	return dumped, ours
}

func parseDumpConfig(out string) []dumpedDirective {
	var list []dumpedDirective
	file, line := "", 0
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(text, "# In file: "):
			file = strings.TrimPrefix(text, "# In file: ")
		case strings.HasPrefix(text, "#") && strings.HasSuffix(text, ":"):
			line, _ = strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(text, "#"), ":")))
		case line > 0 && text != "":
			name := strings.Fields(strings.TrimPrefix(text, "<"))[0]
			list = append(list, dumpedDirective{file, line, strings.ToLower(strings.TrimSuffix(name, ">"))})
			line = 0
		}
	}
	return list
}
