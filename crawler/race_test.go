//go:build race

package crawler

// raceEnabled: the race detector's instrumentation roughly doubles what
// a test allocates, so allocation bounds scale with it.
const raceEnabled = true
