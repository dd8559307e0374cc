package audit

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A soft wall is a 2xx HTML page that stands in for the content: a login
// form, or a page that only says to log in. The page's content decides:
// a login page is its form, a blog post or an archive with a login form
// in it is mostly text.

// maxLoginPageWords is how many words of content a page with a login form
// may have and still count as a login page. Content is the text outside
// every form, outside page chrome (nav, header, footer, aside) and outside
// head, script, style, noscript and template.
const maxLoginPageWords = 120

// maxLoginRequiredWords is how many words of content a page without a
// form may have and still be a "please log in" page: the notice, a link
// and a way back, nothing of the page asked for.
const maxLoginRequiredWords = 60

// loginRequiredTitle matches the title or a heading of a page that asks
// the visitor to log in first.
var loginRequiredTitle = regexp.MustCompile(`(?i)\b(log ?in|sign ?in|log ?on|authentication|registration)\s+(is\s+)?required\b|` +
	`\b(log ?in|sign ?in)\s+to\s+(view|see|read|access|continue)\b|\bmembers[ -]only\b|\bplease\s+(log ?in|sign ?in)\b`)

// maxTitleBytes bounds the title and heading text kept from a page: a
// login notice is short, and a page of a million headings is not.
const maxTitleBytes = 1024

// pageText is what one pass over an HTML page reads for the soft-wall
// decision.
type pageText struct {
	content      int    // words of content (see maxLoginPageWords)
	passwordForm bool   // a form holds an <input type="password">
	marker       string // the first product login-form marker
	title        string // the <title> and the h1/h2 texts, one per line
	loginLink    string // the first link to a login page (loginRedirect)
}

// readPage reads an HTML page in one pass of the tokenizer.
func readPage(body []byte) pageText {
	var (
		pt         pageText
		z          = html.NewTokenizer(bytes.NewReader(body))
		formDepth  int
		chrome     int // depth inside nav/header/footer/aside
		nonContent int // depth inside head, script, style, noscript, template
		heading    int // depth inside title, h1, h2
		titles     strings.Builder
	)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			pt.title = strings.TrimSpace(titles.String())
			return pt
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			open := tt == html.StartTagToken
			switch tok.DataAtom {
			case atom.Form:
				if open {
					formDepth++
				}
			case atom.Input:
				if formDepth > 0 && strings.EqualFold(strings.TrimSpace(htmlAttr(tok, "type")), "password") {
					pt.passwordForm = true
				}
			case atom.A:
				if href := htmlAttr(tok, "href"); pt.loginLink == "" && href != "" {
					if _, ok := loginRedirect(href); ok {
						pt.loginLink = href
					}
				}
			case atom.Nav, atom.Header, atom.Footer, atom.Aside:
				if open {
					chrome++
				}
			case atom.Title, atom.H1, atom.H2:
				if open {
					heading++
				}
			case atom.Head, atom.Script, atom.Style, atom.Noscript, atom.Template:
				if open {
					nonContent++
				}
			}
			if pt.marker == "" {
				pt.marker = loginMarker(tok)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Form:
				formDepth = max(formDepth-1, 0)
			case atom.Nav, atom.Header, atom.Footer, atom.Aside:
				chrome = max(chrome-1, 0)
			case atom.Title, atom.H1, atom.H2:
				heading = max(heading-1, 0)
				if titles.Len() < maxTitleBytes {
					titles.WriteByte('\n')
				}
			case atom.Head, atom.Script, atom.Style, atom.Noscript, atom.Template:
				nonContent = max(nonContent-1, 0)
			}
		case html.TextToken:
			text := z.Text()
			if heading > 0 && titles.Len() < maxTitleBytes {
				titles.Write(bytes.Join(bytes.Fields(text), []byte(" ")))
				titles.WriteByte(' ')
			}
			if formDepth == 0 && chrome == 0 && nonContent == 0 {
				pt.content += len(bytes.Fields(text))
			}
		}
	}
}

// loginMarker names the product login-form marker a tag carries, if any:
// Java EE FORM login, WordPress' post password form, the Password
// Protected plugin.
func loginMarker(tok html.Token) string {
	switch tok.DataAtom {
	case atom.Form:
		action := strings.ToLower(htmlAttr(tok, "action"))
		switch {
		case strings.Contains(action, "j_security_check"):
			return "j_security_check"
		case slices.Contains(strings.Fields(strings.ToLower(htmlAttr(tok, "class"))), "post-password-form"):
			return "post-password-form"
		case strings.Contains(action, "password-protected=login"):
			return "password-protected=login"
		}
	case atom.Input:
		switch name := strings.ToLower(htmlAttr(tok, "name")); name {
		case "j_password", "post_password", "password_protected_pwd":
			return name
		}
	}
	return ""
}

// softWallPage reports whether a 2xx HTML body stands in for the content,
// with the marker that shows it: a login form (a product's, or any form
// with a password field) on a page with little content besides, or a page
// whose title or heading asks to log in, that links to a login page and
// has almost no content.
func softWallPage(body []byte) (marker string, ok bool) {
	pt := readPage(body)
	if (pt.passwordForm || pt.marker != "") && pt.content <= maxLoginPageWords {
		if pt.marker != "" {
			return pt.marker, true
		}
		return `<form> with <input type="password">`, true
	}
	if pt.loginLink != "" && pt.content <= maxLoginRequiredWords {
		for _, line := range strings.Split(pt.title, "\n") {
			if t := strings.TrimSpace(line); loginRequiredTitle.MatchString(t) {
				return fmt.Sprintf("%q and a link to %s", oneShortLine(t), oneShortLine(pt.loginLink)), true
			}
		}
	}
	return "", false
}

func htmlAttr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// softWall reports whether a 2xx HTML answer is a soft wall, and the
// marker that shows it: a catalog signature marked replaces_content (an
// application's own "log in first" page) or, failing that, the page's own
// reading (softWallPage). readPage false skips that reading, for a body
// already read and found plain; plain reports that it ran and found
// nothing.
func (c *Catalog) softWall(a *Answer, readPage bool) (marker string, ok, plain bool) {
	v := newWallViewOf(a, readPage)
	plain = readPage && v.soft == ""
	for _, s := range c.sigs {
		if !s.replacesContent {
			continue
		}
		if _, ok := s.match(v); ok {
			return s.id, true, plain
		}
	}
	return v.soft, v.soft != "", plain
}
