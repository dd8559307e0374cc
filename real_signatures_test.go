package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// signatureReport is an extra JSON report for a real-server audit: pass
// args() to auditReal, then check() the catalog entry behind each finding.
type signatureReport struct{ file string }

func newSignatureReport(t *testing.T) signatureReport {
	t.Helper()
	return signatureReport{file: filepath.Join(t.TempDir(), "signatures.json")}
}

// args are the audit flags that write the report.
func (r signatureReport) args() []string { return []string{"--report", "json=" + r.file} }

// check asserts, for every finding, the catalog entry (attribution.signature)
// that attributed it; want is keyed by "kind path", and a finding without an
// attribution has the empty id.
func (r signatureReport) check(t *testing.T, baseURL string, want map[string]string) {
	t.Helper()
	data, err := os.ReadFile(r.file)
	require.NoError(t, err)
	var rep struct {
		Findings []struct {
			Kind, URL   string
			Attribution *struct{ Signature string }
		}
	}
	require.NoError(t, json.Unmarshal(data, &rep))
	got := map[string]string{}
	for _, f := range rep.Findings {
		sig := ""
		if f.Attribution != nil {
			sig = f.Attribution.Signature
		}
		got[f.Kind+" "+strings.TrimPrefix(f.URL, baseURL)] = sig
	}
	assert.Equal(t, want, got, "catalog entry per finding")
}
