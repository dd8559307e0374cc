package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
	"authwall/report"
)

// failingWriter writes part of a report, then fails.
type failingWriter struct{}

func (failingWriter) Write(w io.Writer, _ *audit.Report) error {
	_, _ = io.WriteString(w, `{"schema":1,`)
	return errors.New("disk on fire")
}

func TestWriteReportFile(t *testing.T) {
	rep := &audit.Report{Tool: "authwall", Pages: []audit.Page{{URL: "http://127.0.0.1/"}}}
	jsonWriter, err := report.New("json", report.Options{})
	require.NoError(t, err)

	t.Run("complete file, readable by all", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "sub", "report.json")
		require.NoError(t, writeReportFile(reportTarget{format: "json", file: file, writer: jsonWriter}, rep))
		info, err := os.Stat(file)
		require.NoError(t, err)
		// 0644 less the umask, not os.CreateTemp's 0600.
		assert.Zero(t, info.Mode().Perm()&^0o644, "no more than 0644")
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm()&0o600, "the owner reads and writes")
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Contains(t, string(data), `"pages":[{"url":"http://127.0.0.1/"`)
		assertOnlyFiles(t, filepath.Dir(file), "report.json")
	})

	t.Run("a failing writer leaves the old file and no temporary one", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "report.json")
		require.NoError(t, os.WriteFile(file, []byte("earlier"), 0o644))
		err := writeReportFile(reportTarget{format: "json", file: file, writer: failingWriter{}}, rep)
		require.ErrorContains(t, err, "render json report: disk on fire")
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Equal(t, "earlier", string(data))
		assertOnlyFiles(t, dir, "report.json")
	})

	t.Run("a replaced file keeps its mode", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "report.json")
		require.NoError(t, os.WriteFile(file, []byte("earlier"), 0o600))
		require.NoError(t, os.Chmod(file, 0o600))
		require.NoError(t, writeReportFile(reportTarget{format: "json", file: file, writer: jsonWriter}, rep))
		info, err := os.Stat(file)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	})

	t.Run("a dangling symlink gets the file it names", func(t *testing.T) {
		dir := t.TempDir()
		link := filepath.Join(dir, "report.json")
		require.NoError(t, os.Symlink(filepath.Join(dir, "real.json"), link))
		require.NoError(t, writeReportFile(reportTarget{format: "json", file: link, writer: jsonWriter}, rep))
		data, err := os.ReadFile(filepath.Join(dir, "real.json"))
		require.NoError(t, err)
		assert.Contains(t, string(data), `"schema":1`)
	})

	t.Run("a failing writer leaves a symlinked file as it was", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "real.json")
		require.NoError(t, os.WriteFile(target, []byte("earlier"), 0o644))
		link := filepath.Join(dir, "report.json")
		require.NoError(t, os.Symlink(target, link))
		err := writeReportFile(reportTarget{format: "json", file: link, writer: failingWriter{}}, rep)
		require.Error(t, err)
		data, err := os.ReadFile(target)
		require.NoError(t, err)
		assert.Equal(t, "earlier", string(data))
		assertOnlyFiles(t, dir, "real.json", "report.json")
	})

	t.Run("a named pipe is written in place", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "pipe")
		require.NoError(t, syscall.Mkfifo(fifo, 0o600))
		got := make(chan []byte, 1)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- nil
				return
			}
			defer f.Close()
			data, _ := io.ReadAll(f)
			got <- data
		}()
		require.NoError(t, writeReportFile(reportTarget{format: "json", file: fifo, writer: jsonWriter}, rep))
		assert.Contains(t, string(<-got), `"tool":{"name":"authwall"`)
		info, err := os.Lstat(fifo)
		require.NoError(t, err)
		assert.Equal(t, os.ModeNamedPipe, info.Mode().Type(), "still the pipe, not replaced by a file")
	})

	t.Run("a symlink is followed, not replaced", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "real.json")
		require.NoError(t, os.WriteFile(target, nil, 0o644))
		link := filepath.Join(dir, "report.json")
		require.NoError(t, os.Symlink(target, link))
		require.NoError(t, writeReportFile(reportTarget{format: "json", file: link, writer: jsonWriter}, rep))
		info, err := os.Lstat(link)
		require.NoError(t, err)
		assert.Equal(t, os.ModeSymlink, info.Mode().Type())
		data, err := os.ReadFile(target)
		require.NoError(t, err)
		assert.Contains(t, string(data), `"schema":1`)
	})
}

func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	assert.Equal(t, names, got)
}
