package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProfiles(t *testing.T) {
	srv := testSite(t)
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.out"), filepath.Join(dir, "mem.out")
	code, _, errOut := cli(t, "audit", "--no-progress", "-q", "--fail-on", "never", "--cpuprofile", cpu, "--memprofile", mem, srv.URL+"/")
	require.Equal(t, 0, code, errOut)
	for _, f := range []string{cpu, mem} {
		info, err := os.Stat(f)
		require.NoError(t, err)
		assert.NotZero(t, info.Size(), f)
	}

	missing := filepath.Join(dir, "no-such-dir", "cpu.out")
	for _, flag := range []string{"--cpuprofile", "--memprofile"} {
		code, _, errOut = cli(t, "audit", "--no-progress", "-q", flag, missing, srv.URL+"/")
		assert.Equal(t, 2, code, flag)
		assert.Contains(t, errOut, flag)
	}
}

// TestProfileWriteFailsAfterFindings: a profile that cannot be written at
// the end of a run is said on stderr, naming the file, whatever the run's
// outcome; the exit code stays the audit's (1), or is 2 when nothing else
// failed. /dev/full opens, then refuses every write.
func TestProfileWriteFailsAfterFindings(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	srv := testSite(t)
	wallPaths := writeFile(t, "public.txt", "/\n/blog/**\n")
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"failing findings", []string{"-p", wallPaths}, 1},
		{"nothing failing", []string{"--fail-on", "never"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"audit", "--no-progress", "-q", "--memprofile", "/dev/full"}, tc.args...)
			code, _, errOut := cli(t, append(args, srv.URL+"/")...)
			assert.Equal(t, tc.code, code, errOut)
			assert.Contains(t, errOut, "authwall: --memprofile: write /dev/full: no space left on device\n")
		})
	}
}
