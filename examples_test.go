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

// TestREADMENamesEverySource keeps the README's table of sources in step
// with the catalog: a new source needs a row saying how it is recognised.
func TestREADMENamesEverySource(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	cat, err := audit.DefaultCatalog()
	require.NoError(t, err)
	for _, src := range cat.Sources() {
		require.Contains(t, string(readme), "| `"+src+"` |", "README's sources table lacks %s", src)
	}
}
