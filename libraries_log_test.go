package main

import (
	"context"
	"log"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLibraryLogNotes(t *testing.T) {
	var lib *libraryLog
	assert.Empty(t, lib.notesSince(lib.counts()), "no libraryLog: no notes")
	assert.Nil(t, libraryLogFrom(context.Background()))

	lib = &libraryLog{}
	assert.Same(t, lib, libraryLogFrom(withLibraryLog(context.Background(), lib)))
	logger := log.New(lib, "", 0) // as main sets the standard logger
	logger.Printf("stray line")
	before := lib.counts()
	logger.Printf("Unsolicited response received on idle HTTP channel starting with %q; err=<nil>", "\x1b[31mthe site's bytes")
	logger.Printf("Unsolicited response received on idle HTTP channel starting with %q; err=<nil>", "more")
	logger.Printf("http2: some other line")
	assert.Equal(t, []string{
		"responses with more bytes than their Content-Length: 2 (the server, or a proxy in front of it, declares a wrong length; clients drop the connection and may cut the next response)",
		"lines logged by Go libraries, not shown: 1",
	}, lib.notesSince(before))
	assert.Empty(t, lib.notesSince(lib.counts()))
}
