package report

import (
	"fmt"
	"os"

	"authwall/audit"
)

// ReadBaseline reads an earlier JSON report for --baseline and returns its
// findings. Errors name the file and what is wrong with it.
func ReadBaseline(file string) ([]audit.Finding, error) {
	r, err := readJSONFile(file)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return r.auditFindings(), nil
}

// ReadReport reads an earlier JSON report, for audit --recheck: its
// target, its agents and its findings, as far as the JSON carries them.
// Errors name the file and what is wrong with it.
func ReadReport(file string) (*audit.Report, error) {
	r, err := readJSONFile(file)
	if err != nil {
		return nil, err
	}
	rep := &audit.Report{Tool: r.Tool.Name, Version: r.Tool.Version, Target: r.Target, Findings: r.auditFindings()}
	for _, a := range r.Agents {
		rep.Agents = append(rep.Agents, audit.AgentInfo{Name: a.Name, UserAgent: a.UserAgent, RobotsToken: a.RobotsToken})
	}
	return rep, nil
}

// readJSONFile reads a JSON report file; errors name the file.
func readJSONFile(file string) (*jsonReport, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err // names the file
	}
	defer f.Close()
	r, err := readJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return r, nil
}

// auditFindings turns the report's findings back into domain findings, as
// far as the JSON carries them.
func (r *jsonReport) auditFindings() []audit.Finding {
	out := make([]audit.Finding, 0, len(r.Findings))
	for _, jf := range r.Findings {
		f := audit.Finding{
			Kind: audit.Kind(jf.Kind), Severity: audit.Severity(jf.Severity), Message: jf.Message,
			URL: jf.URL, Path: jf.Path, DeclaredBy: jf.DeclaredBy, Statuses: jf.Statuses,
			NotFetched: jf.NotFetched, FoundVia: jf.FoundVia, LinkedFrom: jf.LinkedFrom,
			Agents: jf.Agents, New: jf.New, Failing: jf.Failing, Recheck: jf.Recheck, Logs: auditLogs(jf.Logs),
		}
		for _, h := range jf.Redirects {
			f.Redirects = append(f.Redirects, audit.Redirect{URL: h.URL, Status: h.Status, Location: h.Location})
		}
		if a := jf.Attribution; a != nil {
			f.Attribution = &audit.Attribution{
				Signature: a.Signature, Source: a.Source, Mechanism: a.Mechanism, Directive: a.Directive,
				Realm: a.Realm, Confidence: a.Confidence, Evidence: a.Evidence, Fix: a.Fix, Edge: a.Edge,
			}
			if a.Location != nil {
				f.Attribution.Location = &audit.Location{File: a.Location.File, Line: a.Location.Line, Context: a.Location.Context}
			}
		}
		out = append(out, f)
	}
	return out
}
