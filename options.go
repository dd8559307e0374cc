package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"authwall/config"
)

// auditOptions is one audit's input, key for key the shape of the config
// file (config.Config) without its "unset" pointers. Three layers fill it,
// each winning over the one before: the defaults, the config file, the
// flags the user gave.
type auditOptions struct {
	URL          string
	Paths        []string              // declared paths files (--public)
	Public       []config.PatternEntry // patterns declared public in the config
	Private      []config.PatternEntry // patterns declared private in the config
	Agents       []string
	Control      bool
	Concurrency  int
	Rate         float64
	MaxPages     int
	MaxDepth     int
	Timeout      time.Duration
	MaxBody      config.Size
	Robots       bool
	Sitemaps     bool
	Include      []string
	Exclude      []string
	ServerConfig []string
	Reports      []string // FORMAT=FILE
	Format       string
	FailOn       []string
	Baseline     string
	Quiet        bool
	Progress     bool
	Verbose      bool

	ConfigFile string // the config file read, "" = none; errors and reports name it

	// Recheck is an earlier JSON report (--recheck): only its findings'
	// URLs are fetched again. A command-line action, not a config key.
	Recheck string
	// agentsGiven: --agents or the config named the agents, so a recheck
	// does not take the earlier report's.
	agentsGiven bool
}

func defaultOptions() auditOptions {
	return auditOptions{
		Agents:      []string{"googlebot", "bingbot"},
		Control:     true,
		Concurrency: 16,
		MaxPages:    10000,
		Timeout:     15 * time.Second,
		MaxBody:     15 * 1000 * 1000,
		Robots:      true,
		Sitemaps:    true,
		Format:      "table",
		FailOn:      []string{"error"},
		Progress:    true,
	}
}

// applyConfig takes every key the config file sets whose flag the user did
// not give: a flag wins over the config. flagGiven is asked with flag names.
// Input files the config names are relative to its folder.
func (o *auditOptions) applyConfig(c *config.Config, flagGiven func(flag string) bool) {
	o.ConfigFile = c.File
	dir := filepath.Dir(c.File)
	if c.URL != "" {
		o.URL = c.URL // the URL argument, when given, replaces it later
	}
	if len(c.Paths) > 0 && !flagGiven("public") {
		o.Paths = relativeTo(dir, c.Paths)
	}
	o.Public, o.Private = c.Public, c.Private // no flags: the config's alone
	fromConfigList(&o.Agents, c.Agents, flagGiven("agents"))
	fromConfig(&o.Control, c.Control, flagGiven("control"))
	fromConfig(&o.Concurrency, c.Concurrency, flagGiven("concurrency"))
	fromConfig(&o.Rate, c.Rate, flagGiven("rate"))
	fromConfig(&o.MaxPages, c.MaxPages, flagGiven("max-pages"))
	fromConfig(&o.MaxDepth, c.MaxDepth, flagGiven("max-depth"))
	if c.Timeout != nil && !flagGiven("timeout") {
		o.Timeout = time.Duration(*c.Timeout)
	}
	fromConfig(&o.MaxBody, c.MaxBody, flagGiven("max-body"))
	fromConfig(&o.Robots, c.Robots, flagGiven("robots"))
	fromConfig(&o.Sitemaps, c.Sitemaps, flagGiven("sitemaps"))
	fromConfigList(&o.Include, c.Include, flagGiven("include"))
	fromConfigList(&o.Exclude, c.Exclude, flagGiven("exclude"))
	if len(c.ServerConfig) > 0 && !flagGiven("server-config") {
		o.ServerConfig = relativeTo(dir, c.ServerConfig)
	}
	fromConfigList(&o.Reports, c.Reports, flagGiven("report"))
	if c.Format != "" && !flagGiven("format") {
		o.Format = c.Format
	}
	fromConfigList(&o.FailOn, c.FailOn, flagGiven("fail-on"))
	if c.Baseline != "" && !flagGiven("baseline") {
		o.Baseline = relativeTo(dir, []string{c.Baseline})[0]
	}
	fromConfig(&o.Quiet, c.Quiet, flagGiven("quiet"))
	fromConfig(&o.Progress, c.Progress, flagGiven("progress"))
	fromConfig(&o.Verbose, c.Verbose, flagGiven("verbose"))
}

// fromConfig copies a key the config sets (non-nil) unless its flag was given.
func fromConfig[T any](dst *T, key *T, flagGiven bool) {
	if key != nil && !flagGiven {
		*dst = *key
	}
}

// fromConfigList copies a list the config sets; an empty list leaves the
// default, as an absent key does.
func fromConfigList(dst *[]string, key []string, flagGiven bool) {
	if len(key) > 0 && !flagGiven {
		*dst = key
	}
}

func relativeTo(dir string, files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		if filepath.IsAbs(f) {
			out[i] = f
		} else {
			out[i] = filepath.Join(dir, f)
		}
	}
	return out
}

// FieldError is a bad value for one option. Field is the flag's name; the
// config key is the same with _ for -, so the message serves both.
type FieldError struct {
	Field   string // "concurrency"
	Problem string // read after the flag: "must be at least 1, got 0"
	Err     error  // or the error of the parser that read the value
	Hint    string // what to try, "" = nothing to add
}

func (e *FieldError) Error() string {
	flag := "--" + e.Field
	if e.Err == nil {
		return flag + " " + e.Problem
	}
	if msg := e.Err.Error(); !strings.HasPrefix(msg, flag) {
		return flag + ": " + msg
	}
	return e.Err.Error() // the parser named the flag itself
}

func (e *FieldError) Unwrap() error { return e.Err }

// validate checks the values that need no file and no other package's
// parser; newAudit parses the rest (agents, fail-on, formats) as it builds
// from them. Every problem is a *FieldError, except a missing or
// scheme-less URL, which is the argument's.
func (o auditOptions) validate() error {
	switch {
	case o.URL == "":
		return usageErr("try: authwall audit --public public.txt https://example.org/", "no URL to audit")
	case !strings.Contains(o.URL, "://"):
		return usageErr("try: https://"+o.URL, "URL %q has no scheme", o.URL)
	case o.Concurrency < 1:
		return &FieldError{Field: "concurrency", Problem: fmt.Sprintf("must be at least 1, got %d", o.Concurrency)}
	case o.Rate < 0:
		return &FieldError{Field: "rate", Problem: fmt.Sprintf("must not be negative, got %g", o.Rate)}
	case o.MaxPages < 1:
		return &FieldError{Field: "max-pages", Problem: fmt.Sprintf("must be at least 1, got %d", o.MaxPages)}
	case o.MaxDepth < 0:
		return &FieldError{Field: "max-depth", Problem: fmt.Sprintf("must not be negative, got %d", o.MaxDepth)}
	case o.Timeout <= 0:
		return &FieldError{Field: "timeout", Problem: fmt.Sprintf("must be positive, got %s", o.Timeout)}
	case o.MaxBody < 1024:
		return &FieldError{Field: "max-body", Problem: fmt.Sprintf("must be at least 1KiB, got %s", o.MaxBody)}
	}
	return validateReports(o.Reports)
}

// validateReports checks the form of the --report values.
func validateReports(specs []string) error {
	for _, spec := range specs {
		if _, _, ok := reportSpec(spec); !ok {
			return &FieldError{Field: "report", Problem: fmt.Sprintf("%q: want FORMAT=FILE", spec),
				Hint: "e.g. --report json=authwall.json"}
		}
	}
	return nil
}

// reportSpec splits a --report value, FORMAT=FILE.
func reportSpec(spec string) (format, file string, ok bool) {
	format, file, ok = strings.Cut(spec, "=")
	return format, file, ok && format != "" && file != ""
}
