package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// readJSON reads a JSON report written by JSON. It checks the schema version
// and that the fields every reader relies on are present; fields it does not
// know are ignored, since schema 1 only ever grows.
func readJSON(r io.Reader) (*jsonReport, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read JSON report: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("read JSON report: not JSON: at byte %d: %w", se.Offset, err)
		}
		return nil, fmt.Errorf("read JSON report: not a JSON object: %w", err)
	}
	if top == nil {
		return nil, errors.New("read JSON report: not a JSON object: null")
	}
	raw, ok := top["schema"]
	if !present(raw, ok) {
		return nil, errors.New(`read JSON report: missing field "schema" (not an authwall JSON report?)`)
	}
	var schema int
	if err := json.Unmarshal(raw, &schema); err != nil {
		return nil, fmt.Errorf("read JSON report: field \"schema\": want an integer, got %s", rawExcerpt(raw))
	}
	if schema != schemaVersion {
		return nil, fmt.Errorf("read JSON report: schema version %d is not supported (this version of authwall reads %d)", schema, schemaVersion)
	}
	// Required: the fields schema 1 had from the start, which a reader (a
	// baseline, a dashboard) needs. Fields added since (message, agents,
	// failing, notes...) stay optional, so older reports still read.
	if err := checkFields(top, "read JSON report", []string{"tool", "target", "started_at", "duration_ms", "agents", "summary", "findings", "pages"}); err != nil {
		return nil, err
	}
	if err := checkObject(top["summary"], "summary", []string{"urls", "requests", "findings", "failed"}); err != nil {
		return nil, err
	}
	for _, list := range []struct {
		key    string
		fields []string
	}{
		{"agents", []string{"name"}},
		{"findings", []string{"kind", "severity", "url", "statuses"}},
		{"pages", []string{"url"}},
	} {
		if err := checkList(top[list.key], list.key, list.fields); err != nil {
			return nil, err
		}
	}
	var jr jsonReport
	if err := json.Unmarshal(data, &jr); err != nil {
		return nil, fmt.Errorf("read JSON report: %w", err)
	}
	return &jr, nil
}

// present treats an explicit null like a missing field.
func present(raw json.RawMessage, ok bool) bool {
	return ok && len(raw) > 0 && string(raw) != "null"
}

func checkFields(obj map[string]json.RawMessage, where string, fields []string) error {
	for _, f := range fields {
		if raw, ok := obj[f]; !present(raw, ok) {
			return fmt.Errorf("%s: missing field %q", where, f)
		}
	}
	return nil
}

func checkObject(raw json.RawMessage, where string, fields []string) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return fmt.Errorf("read JSON report: field %q: want an object, got %s", where, rawExcerpt(raw))
	}
	return checkFields(obj, "read JSON report: "+where, fields)
}

func checkList(raw json.RawMessage, where string, fields []string) error {
	var objs []json.RawMessage
	if err := json.Unmarshal(raw, &objs); err != nil {
		return fmt.Errorf("read JSON report: field %q: want a list, got %s", where, rawExcerpt(raw))
	}
	for i, o := range objs {
		if err := checkObject(o, fmt.Sprintf("%s[%d]", where, i), fields); err != nil {
			return err
		}
	}
	return nil
}

// rawExcerpt is the start of a raw JSON value, for an error message that
// says what was found instead.
func rawExcerpt(raw json.RawMessage) string {
	const max = 40
	s := string(raw)
	if len(s) > max {
		s = s[:max] + "..."
	}
	return validUTF8(s)
}
