// Package config reads authwall.yaml, whose keys mirror the audit flags.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// DefaultFile is read when present and no --config is given.
const DefaultFile = "authwall.yaml"

// Config is the YAML config. Pointer fields tell "unset" from a zero value,
// so a flag wins only where the user set one and the config fills the rest.
type Config struct {
	URL          string         `yaml:"url"`
	Paths        []string       `yaml:"paths"`   // declared paths files (the --public flag)
	Public       []PatternEntry `yaml:"public"`  // patterns declared public inline
	Private      []PatternEntry `yaml:"private"` // patterns declared private inline
	Agents       []string       `yaml:"agents"`
	Control      *bool          `yaml:"control"`
	Concurrency  *int           `yaml:"concurrency"`
	Rate         *float64       `yaml:"rate"`
	MaxPages     *int           `yaml:"max_pages"`
	MaxDepth     *int           `yaml:"max_depth"`
	Timeout      *Duration      `yaml:"timeout"`
	MaxBody      *Size          `yaml:"max_body"`
	Robots       *bool          `yaml:"robots"`
	Sitemaps     *bool          `yaml:"sitemaps"`
	Include      []string       `yaml:"include"`
	Exclude      []string       `yaml:"exclude"`
	ServerConfig []string       `yaml:"server_config"`
	Reports      []string       `yaml:"reports"` // FORMAT=FILE, as --report
	Format       string         `yaml:"format"`
	FailOn       []string       `yaml:"fail_on"`
	Baseline     string         `yaml:"baseline"`
	Quiet        *bool          `yaml:"quiet"`
	Progress     *bool          `yaml:"progress"`
	Verbose      *bool          `yaml:"verbose"`

	File string `yaml:"-"` // where it was read from
}

// PatternEntry is one inline pattern with its line in the YAML file, so
// reports and errors can point at it.
type PatternEntry struct {
	Pattern string
	Line    int
}

// UnmarshalYAML keeps the line of the pattern.
func (p *PatternEntry) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a pattern must be a string", n.Line)
	}
	p.Pattern, p.Line = n.Value, n.Line
	return nil
}

// Duration is a time.Duration written as "15s", "2m".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration such as 15s or 2m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Size is a byte count written as "15MB", "512KiB" or a plain number.
type Size int64

// UnmarshalYAML parses a size.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseSize(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*s = Size(v)
	return nil
}

// String writes the size in the largest unit that divides it, "15MB" or
// "512KiB", so a default in --help reads as the user would write it.
func (s Size) String() string {
	for _, u := range []struct {
		name string
		n    Size
	}{{"GiB", 1 << 30}, {"GB", 1e9}, {"MiB", 1 << 20}, {"MB", 1e6}, {"KiB", 1 << 10}, {"KB", 1e3}} {
		if s >= u.n && s%u.n == 0 {
			return strconv.FormatInt(int64(s/u.n), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(s), 10)
}

// Set parses a size given as a flag value, so --max-body and max_body
// accept the same text.
func (s *Size) Set(text string) error {
	v, err := ParseSize(text)
	if err != nil {
		return err
	}
	*s = Size(v)
	return nil
}

// Type names the value in --help.
func (s *Size) Type() string { return "size" }

// ParseSize reads "15MB", "15 MiB", "500KB", "1048576" (decimal and binary
// units, case-insensitive).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]float64{"": 1, "b": 1, "kb": 1e3, "k": 1e3, "mb": 1e6, "m": 1e6, "gb": 1e9, "g": 1e9,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}[unit]
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || f < 0 || f*mult > 1<<40 {
		return 0, fmt.Errorf("%q is not a size such as 15MB, 512KiB or 1048576", s)
	}
	return int64(f * mult), nil
}

// Load reads a config file. A missing file is an error only when required.
func Load(file string, required bool) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		if !required && errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read config %s: %w", file, err)
	}
	c, err := Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", file, err)
	}
	c.File = file
	return c, nil
}

// Parse reads YAML config from r; unknown keys are errors, so a typo is
// not silently ignored.
func Parse(r io.Reader) (*Config, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return &c, nil // an empty file is a valid, empty config
		}
		return nil, cleanYAMLError(err)
	}
	return &c, nil
}

// cleanYAMLError drops the library's "yaml: " prefixes; the messages
// already carry the line.
func cleanYAMLError(err error) error {
	msg := strings.ReplaceAll(err.Error(), "yaml: unmarshal errors:\n  ", "")
	msg = strings.TrimPrefix(msg, "yaml: ")
	return errors.New(msg)
}
