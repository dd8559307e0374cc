package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTuneGC(t *testing.T) {
	// Restore what the test process had, whatever tuneGC sets.
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	})

	for _, tc := range []struct {
		name    string
		env     map[string]string
		percent int
		limit   int64
	}{
		{name: "defaults", env: map[string]string{}, percent: gcPercent, limit: memoryLimit},
		{name: "GOGC set", env: map[string]string{"GOGC": "50"}, percent: 77, limit: 1 << 40},
		{name: "GOGC off", env: map[string]string{"GOGC": "off"}, percent: 77, limit: 1 << 40},
		{name: "GOMEMLIMIT set", env: map[string]string{"GOMEMLIMIT": "4GiB"}, percent: 77, limit: 1 << 40},
		{name: "both set", env: map[string]string{"GOGC": "off", "GOMEMLIMIT": "1GiB"}, percent: 77, limit: 1 << 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// What the runtime would have read from the environment; tuneGC
			// must leave it alone when the variable is set.
			debug.SetGCPercent(77)
			debug.SetMemoryLimit(1 << 40)
			tuneGC(func(k string) string { return tc.env[k] })
			assert.Equal(t, tc.percent, debug.SetGCPercent(77))
			assert.Equal(t, tc.limit, debug.SetMemoryLimit(-1))
		})
	}
}
