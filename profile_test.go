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
