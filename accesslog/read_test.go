package accesslog

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gz(t testing.TB, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(text))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func readAll(t *testing.T, name string, data []byte) ([]string, FileStats, error) {
	t.Helper()
	var targets []string
	c := &Counters{}
	st, err := Read(name, bytes.NewReader(data), combined{}, c, func(e *Entry) error {
		if bytes.Contains(e.Target, []byte("refuse")) {
			return errors.New("refused by the caller")
		}
		targets = append(targets, string(e.Target))
		return nil
	})
	assert.Equal(t, int64(len(data)), c.Bytes.Load(), "every byte counted")
	assert.Equal(t, int64(st.Lines), c.Lines.Load())
	return targets, st, err
}

func TestRead(t *testing.T) {
	line := func(path string) string {
		return `10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET ` + path + ` HTTP/1.1" 200 1 "-" "ua"`
	}
	plain := line("/a") + "\r\n\n" + "garbage\n" + line("/refuse") + "\n" + strings.Repeat("x", MaxLine+10) + "\n" + line("/b") // no final newline
	targets, st, err := readAll(t, "access.log", []byte(plain))
	require.NoError(t, err)
	assert.Equal(t, []string{"/a", "/b"}, targets)
	assert.Equal(t, FileStats{Name: "access.log", Lines: 6, Malformed: 3, FirstMalformed: []Malformed{
		{Line: 3, Problem: "no client address field"},
		{Line: 4, Problem: "refused by the caller"},
		{Line: 5, Problem: "line longer than 65536 bytes"},
	}}, st)

	// gzip by content, whatever the name; two members (a rotated file
	// appended to) read as one stream.
	two := append(gz(t, line("/1")+"\n"), gz(t, line("/2")+"\n")...)
	targets, st, err = readAll(t, "access.log.1", two)
	require.NoError(t, err)
	assert.Equal(t, []string{"/1", "/2"}, targets)
	assert.Equal(t, 2, st.Lines)

	// A file that starts like gzip and is not is the input's error, named.
	_, _, err = readAll(t, "bad.gz", []byte{0x1f, 0x8b, 0, 0})
	assert.ErrorContains(t, err, "read bad.gz: gzip:")
	cut := gz(t, strings.Repeat(line("/x")+"\n", 100))
	_, _, err = readAll(t, "cut.gz", cut[:len(cut)-10])
	assert.ErrorContains(t, err, "read cut.gz: line ")

	// Only the first few malformed lines are kept.
	_, st, err = readAll(t, "junk", []byte(strings.Repeat("junk\n", 20)))
	require.NoError(t, err)
	assert.Equal(t, 20, st.Malformed)
	assert.Len(t, st.FirstMalformed, maxMalformedShown)
}
