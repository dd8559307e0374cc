package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"

	"authwall/audit"
)

// hostileMarkdown holds values that would be Markdown or HTML syntax if a
// writer let them through: links, images, autolinks, raw HTML, entities,
// emphasis, code spans with backticks, table pipes, escapes and line
// breaks.
var hostileMarkdown = []string{
	"[click](https://evil.example/)",
	"![img](https://evil.example/x.png)",
	"<https://evil.example/>",
	"https://evil.example/ and www.evil.example and mail@evil.example",
	"<img src=x onerror=alert(1)>",
	"</details><script>alert(1)</script>",
	"&lt;b&gt; &amp; &#x3c;",
	"*em* _em_ **strong** ~~strike~~",
	"`code` `` two `` ```",
	"`", "``", " ` ", "a|b", `a\|b`, `\`, `a\`, "|", "||",
	"line\n| x | y |\n|---|---|",
	"# heading", "- item", "1. item", "> quote", "---",
	"[ref]: https://evil.example/",
	"\\*not em\\*",
	"\x1b[31mred\u202eevil",
}

// renderMarkdown renders md as GitHub would (GFM: tables, autolinks,
// strikethrough), with raw HTML let through so a leak would show.
func renderMarkdown(t *testing.T, md []byte) *html.Node {
	t.Helper()
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	var out bytes.Buffer
	require.NoError(t, gm.Convert(md, &out))
	doc, err := html.Parse(&out)
	require.NoError(t, err)
	return doc
}

// markdownElements is every element the report's Markdown may render to;
// details and summary are the report's own.
var markdownElements = map[string]bool{
	"html": true, "head": true, "body": true, "h2": true, "h3": true, "h4": true, "p": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
	"code": true, "strong": true, "ul": true, "li": true, "details": true, "summary": true,
}

// checkRenderedMarkdown fails on any element or attribute the report does
// not make itself: no link, image, script or raw tag from a site value.
func checkRenderedMarkdown(t *testing.T, doc *html.Node) {
	t.Helper()
	details := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			assert.True(t, markdownElements[n.Data], "unexpected element <%s>", n.Data)
			for _, a := range n.Attr {
				ok := (n.Data == "th" || n.Data == "td") && (a.Key == "style" || a.Key == "align")
				assert.True(t, ok, "unexpected attribute %s on <%s>", a.Key, n.Data)
			}
			if n.Data == "details" {
				details++
			}
		}
		if n.Type == html.CommentNode {
			t.Errorf("unexpected comment %q", n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	assert.LessOrEqual(t, details, 1, "one <details> section at most")
}

// pipeSplit splits a table line at its unescaped pipes, as GFM does: a
// pipe after a backslash belongs to the cell.
func pipeSplit(line string) []string {
	var cells []string
	start := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
			cells = append(cells, line[start:i])
			start = i + 1
		}
	}
	return append(cells, line[start:])
}

var delimiterRow = regexp.MustCompile(`^\|(\s*:?-+:?\s*\|)+$`)

// checkMarkdownTables reads the output line by line: every table starts
// after a blank line with a header and a delimiter row, and every row has
// as many cells as the header.
func checkMarkdownTables(t *testing.T, out []byte) {
	t.Helper()
	lines := strings.Split(string(out), "\n")
	cols := 0 // columns of the table being read, 0 outside a table
	for i, line := range lines {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		require.True(t, strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`), "line %d: a row ends in a pipe: %q", i+1, line)
		n := len(pipeSplit(line))
		if cols == 0 {
			require.Greater(t, i, 0)
			require.Equal(t, "", lines[i-1], "line %d: a table starts after a blank line", i+1)
			require.Less(t, i+1, len(lines))
			require.Regexp(t, delimiterRow, lines[i+1], "line %d: delimiter row", i+2)
			require.Equal(t, n, len(pipeSplit(lines[i+1])), "line %d: delimiter row has the header's columns", i+2)
			cols = n
			continue
		}
		assert.Equal(t, cols, n, "line %d has %d cells, the header %d: %q", i+1, n-2, cols-2, line)
	}
}

// checkMarkdown is the Markdown writer's entry in the conformance suite.
func checkMarkdown(t *testing.T, r *audit.Report, out []byte) {
	assertTerminalSafe(t, out)
	assert.LessOrEqual(t, len(out), maxMarkdownBytes, "within the step summary budget")
	checkMarkdownTables(t, out)
	checkRenderedMarkdown(t, renderMarkdown(t, out))
	verdict := "## authwall: PASS\n"
	if r.Failed {
		verdict = "## authwall: FAIL\n"
	}
	assert.True(t, bytes.HasPrefix(out, []byte(verdict)), "starts with the verdict")
}

// cellTexts renders a one-row table and returns the text of its cells.
func cellTexts(t *testing.T, cells ...string) []string {
	t.Helper()
	var md strings.Builder
	md.WriteString("|" + strings.Repeat(" h |", len(cells)) + "\n|" + strings.Repeat("---|", len(cells)) + "\n|")
	for _, c := range cells {
		md.WriteString(" " + c + " |")
	}
	md.WriteString("\n")
	doc := renderMarkdown(t, []byte(md.String()))
	checkRenderedMarkdown(t, doc)
	return elementTexts(doc, "td")
}

// elementTexts returns the text of each element with the given name.
func elementTexts(doc *html.Node, name string) []string {
	var texts []string
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == name {
			texts = append(texts, nodeText(n))
		}
	}
	return texts
}

func nodeText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(nodeText(c))
	}
	return b.String()
}

// TestMarkdownEscaping renders each hostile value as prose and as a code
// span in a table cell: each must show exactly its visible text, as one
// cell, with no element of its own.
func TestMarkdownEscaping(t *testing.T) {
	for _, s := range hostileMarkdown {
		t.Run(fmt.Sprintf("%q", s), func(t *testing.T) {
			want := visibleText(s)
			got := cellTexts(t, mdText(s, 1000), mdCodeCell(s, 1000), "end")
			require.Len(t, got, 3, "the value must stay in its cell")
			assert.Equal(t, strings.Trim(want, " "), got[0], "prose (Markdown trims the spaces around it)")
			assert.Equal(t, want, got[1], "code span")
			assert.Equal(t, "end", got[2])

			// Outside a table, a code span needs no pipe escape.
			doc := renderMarkdown(t, []byte("- "+mdText(s, 1000)+"\n- "+mdCode(s, 1000)+"\n"))
			checkRenderedMarkdown(t, doc)
			items := elementTexts(doc, "li")
			assert.Equal(t, []string{strings.Trim(want, " "), want}, items)
		})
	}
}

func TestMarkdownCodeSpan(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/blog/", "`/blog/`"},
		{"a`b", "``a`b``"},
		{"`a", "`` `a ``"},
		{"a ``` b", "````a ``` b````"},
		{"", "-"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, mdCode(tc.in, 100), "%q", tc.in)
	}
	assert.Equal(t, "`a\\|b`", mdCodeCell("a|b", 100))
	assert.Equal(t, "`abc…`", mdCode("abcdefgh", 4), "cut to 4 characters")
}

// TestMarkdownHostile puts the Markdown attacks into every field of a
// report: the rendered HTML has no element the report does not make, and
// every table keeps its columns.
func TestMarkdownHostile(t *testing.T) {
	r := hostileReport()
	all := strings.Join(hostileMarkdown, " ")
	r.Target = "https://evil.example/" + all
	r.Baseline = all
	r.Notes = append(r.Notes, hostileMarkdown...)
	for i, s := range hostileMarkdown {
		f := audit.Finding{
			Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, Failing: i%2 == 0, New: true,
			URL: "https://evil.example/" + s, Path: "/" + s, Message: s,
			Statuses: map[string]int{"googlebot": 401, s: 401}, Agents: []string{s},
			NotFetched: map[string]string{s: s},
			Attribution: &audit.Attribution{Source: s, Directive: s, Realm: s, Confidence: s, Fix: s,
				Location: &audit.Location{File: s, Line: 3}},
		}
		r.Findings = append(r.Findings, f)
		r.Fixed = append(r.Fixed, f)
	}
	var out bytes.Buffer
	require.NoError(t, (&Markdown{}).Write(&out, r))
	checkMarkdown(t, r, out.Bytes())
	doc := renderMarkdown(t, out.Bytes())
	text := nodeText(doc)
	assert.Contains(t, text, "[click](https://evil.example/)", "shown as text")
	assert.Contains(t, text, "</details><script>alert(1)</script>", "shown as text")
	assert.NotContains(t, out.String(), "\x1b", "control characters shown as escapes")
}

// TestMarkdownBounded: a report far larger than a job summary may be is
// cut to MaxRows per table and to the byte budget, and says how many
// findings it left out.
func TestMarkdownBounded(t *testing.T) {
	r := largeReport(5000)
	var out bytes.Buffer
	require.NoError(t, (&Markdown{MaxRows: 10}).Write(&out, r))
	rows := 0
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "| `/section-") {
			rows++
		}
	}
	assert.Equal(t, 20, rows, "10 failing and 10 other findings")
	assert.Regexp(t, `… and \d+ more failing findings`, out.String())
	assert.Regexp(t, `… and \d+ more findings`, out.String())

	// Long hostile values in every row: the byte budget stops the tables.
	long := strings.Repeat("|`<&*", 2000)
	for i := range r.Findings {
		r.Findings[i].Path = fmt.Sprintf("/%d%s", i, long)
		r.Findings[i].URL = ""
		r.Findings[i].Attribution = &audit.Attribution{Source: long, Directive: long, Fix: long, Location: &audit.Location{File: long, Line: 1}}
	}
	r.Notes = []string{long, long, long}
	out.Reset()
	require.NoError(t, (&Markdown{MaxRows: 100000}).Write(&out, r))
	assert.LessOrEqual(t, out.Len(), maxMarkdownBytes)
	assert.Regexp(t, `… and \d+ more failing findings`, out.String())
	checkMarkdownTables(t, out.Bytes())
}

// FuzzMarkdownCell: whatever a site sends, prose and code span each stay
// in their own cell and show exactly the value's visible text.
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range hostileMarkdown {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := visibleText(s)
		if utf8.RuneCountInString(want) > 200 {
			return // cut with "…": covered by TestMarkdownCodeSpan
		}
		got := cellTexts(t, mdText(s, 1000), mdCodeCell(s, 1000), "end")
		require.Len(t, got, 3)
		assert.Equal(t, strings.Trim(want, " "), got[0], "prose")
		if want == "" {
			want = "-"
		}
		assert.Equal(t, want, got[1], "code span")
	})
}

// TestMarkdownCountsSeverities: the counts table gives the severities the
// findings have, not the kind's default (a wall only claimed in the logs
// is a warning).
func TestMarkdownCountsSeverities(t *testing.T) {
	r := sampleReport()
	r.Findings = []audit.Finding{
		{Kind: audit.PrivateExposed, Severity: audit.SeverityWarning, URL: "https://example.org/a", Path: "/a"},
		{Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: "https://example.org/b", Path: "/b"},
		{Kind: audit.RobotsUnavailable, Severity: audit.SeverityWarning, URL: "https://example.org/robots.txt", Path: "/robots.txt"},
		{Kind: audit.RobotsUnavailable, Severity: audit.SeverityError, URL: "https://example.org:8443/robots.txt", Path: "/robots.txt"},
	}
	var out bytes.Buffer
	require.NoError(t, (&Markdown{}).Write(&out, r))
	assert.Contains(t, out.String(), "| `private-exposed` | warning | 1 |")
	assert.Contains(t, out.String(), "| `public-401` | error | 1 |")
	assert.Contains(t, out.String(), "| `robots-unavailable` | error, warning | 2 |")
}
