package report

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"authwall/audit"
)

// junitMessage reads "public-401: nginx auth_basic (conf/site.conf:12),
// realm "Restricted"; fix: ...", or the finding's own message when nothing
// was attributed.
func junitMessage(f audit.Finding, baseline bool) string {
	var b strings.Builder
	b.WriteString(string(f.Kind))
	if f.Severity == audit.SeverityWarning {
		b.WriteString(" (warning)")
	}
	if baseline && !f.New {
		b.WriteString(" (already in baseline)")
	}
	a := f.Attribution
	switch {
	case a != nil:
		b.WriteString(": " + sourceText(a))
		if a.Realm != "" {
			b.WriteString(", realm " + strconv.Quote(a.Realm))
		}
		if a.Fix != "" {
			b.WriteString("; fix: " + a.Fix)
		}
	case f.Message != "":
		b.WriteString(": " + f.Message)
	}
	return b.String()
}

// junitDetails is the failure text: what a person checks the verdict
// against.
func junitDetails(f audit.Finding, agents []string) string {
	var lines []string
	add := func(label, v string) {
		if v != "" {
			lines = append(lines, label+": "+v)
		}
	}
	add("message", f.Message)
	add("severity", string(f.Severity))
	add("url", f.URL)
	add("declared by", f.DeclaredBy)
	add("statuses", strings.Join(statusList(f, agents, statusText), ", "))
	add("agents", strings.Join(f.Agents, ", "))
	if a := f.Attribution; a != nil {
		attr := []string{}
		for _, v := range []string{a.Source, a.Mechanism, a.Directive} {
			if v != "" {
				attr = append(attr, v)
			}
		}
		desc := strings.Join(attr, " ")
		if a.Realm != "" {
			desc += ", realm " + strconv.Quote(a.Realm)
		}
		if a.Confidence != "" {
			desc += ", confidence " + a.Confidence
		}
		add("attribution", desc)
		if l := a.Location; l != nil && l.File != "" {
			loc := fmt.Sprintf("%s:%d", l.File, l.Line)
			if l.Context != "" {
				loc += " (" + l.Context + ")"
			}
			add("config", loc)
		}
		if len(a.Evidence) > 0 {
			lines = append(lines, "evidence:")
			for _, e := range a.Evidence {
				lines = append(lines, "  "+e)
			}
		}
	}
	if len(f.Redirects) > 0 {
		lines = append(lines, "redirects:")
		for _, h := range f.Redirects {
			hop := fmt.Sprintf("  %d %s", h.Status, h.URL)
			if h.Location != "" {
				hop += " -> " + h.Location
			}
			lines = append(lines, hop)
		}
	}
	if f.Attribution != nil {
		add("fix", f.Attribution.Fix)
	}
	return strings.Join(lines, "\n")
}

// junitClassname groups cases the way CI tools show them: by the path's
// first segment, by host for the home page and for other hosts.
func junitClassname(target, u string) string {
	t, _ := url.Parse(target)
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		if t != nil && t.Host != "" {
			return t.Host
		}
		return "authwall"
	}
	if t == nil || !strings.EqualFold(t.Host, p.Host) {
		return p.Host
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(p.EscapedPath(), "/"), "/")
	if first == "" {
		return p.Host
	}
	return first
}

// xmlText makes s fit XML 1.0: bytes that are not UTF-8 become U+FFFD and
// characters outside XML's Char production are dropped, since a site can
// send them and an XML parser rejects the whole file over one.
func xmlText(s string) string {
	s = validUTF8(s)
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return -1
	}, s)
}

// xmlChar is XML 1.0's Char production.
func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= utf8.MaxRune:
		return true
	}
	return false
}
