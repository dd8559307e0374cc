package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"authwall/audit"
	"authwall/config"
)

// TestExamples keeps the shipped examples valid.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("examples/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		p, err := audit.LoadPaths(f)
		require.NoError(t, err, f)
		require.Positive(t, p.Len(), f)
	}
	c, err := config.Load("examples/authwall.yaml", true)
	require.NoError(t, err)
	require.NotEmpty(t, c.URL)
	_, err = os.Stat("examples/public.txt")
	require.NoError(t, err)
}
