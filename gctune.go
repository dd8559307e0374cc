package main

import "runtime/debug"

// The collector's defaults, chosen from measurements of big crawls (see
// the README's Performance section). A crawl allocates fast (a body per
// request) and keeps little (a small record per URL), so collecting at 3x
// the live heap instead of Go's 2x saves most of a collection's CPU; the
// soft limit keeps a million-URL crawl, whose live heap nears a gigabyte,
// from growing to three times that. With GOGC or GOMEMLIMIT in the
// environment, which Go reads itself, the collector is left to them.
const (
	gcPercent   = 200
	memoryLimit = 1536 << 20 // bytes
)

// tuneGC applies the defaults when the environment sets neither.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(memoryLimit)
}
