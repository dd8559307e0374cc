package accesslog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// MaxLine is the longest line read; a longer one is malformed and skipped,
// so one endless line cannot take all memory.
const MaxLine = 64 << 10

// maxMalformedShown is how many malformed line numbers a file's stats keep.
const maxMalformedShown = 5

// Counters count what has been read so far, for a progress line another
// goroutine draws.
type Counters struct {
	Bytes atomic.Int64 // bytes read from the files, compressed as stored
	Lines atomic.Int64
}

// FileStats is what reading one file found.
type FileStats struct {
	Name      string
	Lines     int // lines read, empty ones included
	Malformed int
	// FirstMalformed holds the first few malformed lines, in order.
	FirstMalformed []Malformed
}

// Malformed is one line that could not be read, and why.
type Malformed struct {
	Line    int
	Problem string
}

// Read streams one log, plain or gzip (told by its first bytes, not its
// name; concatenated gzip members, as rotation tools write, read as one),
// parses every line with p and calls fn with each entry. A line p cannot
// read, or fn refuses with an error, is counted as malformed and skipped.
// The error is for the input itself (not gzip after all, a read error);
// it names the file.
func Read(name string, r io.Reader, p Parser, c *Counters, fn func(*Entry) error) (FileStats, error) {
	st := FileStats{Name: name}
	if c == nil {
		c = &Counters{}
	}
	// One buffer of MaxLine serves both: bufio.NewReaderSize below hands a
	// plain file's reader back as it is, so its size caps the line.
	br := bufio.NewReaderSize(&countingReader{r: r, n: &c.Bytes}, MaxLine)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return st, fmt.Errorf("read %s: gzip: %w", name, err)
		}
		defer zr.Close()
		in = zr
	}
	lines := bufio.NewReaderSize(in, MaxLine)
	var e Entry
	for {
		line, tooLong, err := readLine(lines)
		if len(line) > 0 || tooLong || err == nil {
			st.Lines++
			c.Lines.Add(1)
			var problem error
			switch {
			case tooLong:
				problem = fmt.Errorf("line longer than %d bytes", MaxLine)
			case len(bytes.TrimSpace(line)) == 0:
			default:
				if problem = p.Parse(line, &e); problem == nil {
					problem = fn(&e)
				}
			}
			if problem != nil {
				st.Malformed++
				if len(st.FirstMalformed) < maxMalformedShown {
					st.FirstMalformed = append(st.FirstMalformed, Malformed{Line: st.Lines, Problem: problem.Error()})
				}
			}
		}
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			return st, fmt.Errorf("read %s: line %d: %w", name, st.Lines+1, err)
		}
	}
}

// readLine returns the next line without its end (\n or \r\n). A line
// longer than the buffer is skipped to its end and reported as tooLong.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	line, err = r.ReadSlice('\n')
	for errors.Is(err, bufio.ErrBufferFull) {
		tooLong = true
		_, err = r.ReadSlice('\n')
	}
	if tooLong {
		return nil, true, err
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	return line, false, err
}

// countingReader adds the bytes read to n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
