package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// profiles are the run's --cpuprofile and --memprofile files, for a bug
// report about speed or memory ("go tool pprof authwall FILE" reads them).
type profiles struct {
	cpu, mem string
	cpuFile  *os.File
}

// start opens both files before the run, so that a path that cannot be
// written is a usage error and not a lost profile after a long crawl.
func (p *profiles) start() error {
	if p.mem != "" {
		f, err := os.Create(p.mem)
		if err != nil {
			return inputErr(fmt.Errorf("--memprofile: %w", err))
		}
		f.Close()
	}
	if p.cpu == "" {
		return nil
	}
	f, err := os.Create(p.cpu)
	if err != nil {
		return inputErr(fmt.Errorf("--cpuprofile: %w", err))
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return inputErr(fmt.Errorf("--cpuprofile: %w", err))
	}
	p.cpuFile = f
	return nil
}

// stop ends the CPU profile and writes the heap profile: what the run
// allocated in all, and what was live at its last collection.
func (p *profiles) stop() error {
	var errs []error
	if p.cpuFile != nil {
		pprof.StopCPUProfile()
		if err := p.cpuFile.Close(); err != nil {
			errs = append(errs, fmt.Errorf("--cpuprofile: %w", err))
		}
		p.cpuFile = nil
	}
	if p.mem != "" {
		f, err := os.Create(p.mem)
		if err == nil {
			runtime.GC()
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("--memprofile: %w", err))
		}
	}
	return errors.Join(errs...)
}
