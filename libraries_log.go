package main

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
)

// libraryLog receives what Go's libraries write through the standard
// logger, so that nothing reaches stderr but authwall's own messages.
// net/http's client logs there, with no per-Transport hook, when a server
// sends bytes after a response's declared end ("Unsolicited response
// received on idle HTTP channel starting with ..."): the site's own bytes,
// hundreds of characters in the middle of the output. The lines are
// counted, and the run's notes say how many there were. The standard
// logger is process state, so main installs one libraryLog, once.
type libraryLog struct {
	unsolicited atomic.Int64 // responses with more bytes than their Content-Length
	other       atomic.Int64 // any other library line
}

// unsolicitedLine is how net/http's Transport starts the line it logs for
// bytes a server sent on an idle connection.
const unsolicitedLine = "Unsolicited response received on idle HTTP channel"

// Write takes one log line: the log package writes each line in one call.
func (l *libraryLog) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(unsolicitedLine)) {
		l.unsolicited.Add(1)
	} else {
		l.other.Add(1)
	}
	return len(p), nil
}

// libraryLogCounts is a snapshot of a libraryLog's counters.
type libraryLogCounts struct{ unsolicited, other int64 }

// counts returns the counters so far; zero for a nil libraryLog (a run
// without one: the tests that call run in-process).
func (l *libraryLog) counts() libraryLogCounts {
	if l == nil {
		return libraryLogCounts{}
	}
	return libraryLogCounts{l.unsolicited.Load(), l.other.Load()}
}

// notesSince says what the libraries logged after before, as notes for
// the report.
func (l *libraryLog) notesSince(before libraryLogCounts) []string {
	now := l.counts()
	var notes []string
	if n := now.unsolicited - before.unsolicited; n > 0 {
		notes = append(notes, fmt.Sprintf("responses with more bytes than their Content-Length: %d (the server, or a proxy in front of it, declares a wrong length; clients drop the connection and may cut the next response)", n))
	}
	if n := now.other - before.other; n > 0 {
		notes = append(notes, fmt.Sprintf("lines logged by Go libraries, not shown: %d", n))
	}
	return notes
}

// libraryLogKey carries main's libraryLog to the runs through the
// context, so that run keeps its signature and in-process tests need none.
type libraryLogKey struct{}

func withLibraryLog(ctx context.Context, l *libraryLog) context.Context {
	return context.WithValue(ctx, libraryLogKey{}, l)
}

// libraryLogFrom returns the context's libraryLog, or nil.
func libraryLogFrom(ctx context.Context) *libraryLog {
	l, _ := ctx.Value(libraryLogKey{}).(*libraryLog)
	return l
}
