package audit

import (
	"bytes"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/internal/bench"
)

// TestFoldsToASCIIComplete proves the list of non-ASCII runes that case
// mapping can turn into ASCII letters from the Unicode tables themselves.
func TestFoldsToASCIIComplete(t *testing.T) {
	var found []string
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		ascii := unicode.ToLower(r) < utf8.RuneSelf
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			ascii = ascii || f < utf8.RuneSelf
		}
		if ascii {
			found = append(found, string(r))
		}
	}
	assert.ElementsMatch(t, foldsToASCII, found)
}

// TestLoginLinkWordsCoverPatterns ties the prefilter to loginRedirect's
// tables: every pattern and login word must contain a word of
// loginLinkWords, or the prefilter could skip a page that links to it.
func TestLoginLinkWordsCoverPatterns(t *testing.T) {
	covered := func(s string) bool {
		return newWordSet(loginLinkWords).in([]byte(s))
	}
	for _, lp := range loginRedirectPatterns {
		fields := append([]string{lp.host, lp.pathHas, lp.pathSuffix, lp.segPrefix, lp.queryHas}, lp.query...)
		ok := false
		for _, f := range fields {
			ok = ok || f != "" && covered(f)
		}
		assert.True(t, ok, "login pattern %s has no word of loginLinkWords", lp.name)
	}
	for _, w := range loginWords {
		assert.True(t, covered(w), w)
	}
	for _, w := range append(append([]bodyWord(nil), loginLinkWords...), append(softWallWords, paywallWords...)...) {
		assert.Equal(t, strings.ToLower(w.word), w.word, "words are lower case")
		assert.Less(t, w.anchor, len(w.word), w.word)
	}
}

// checkPrefilter fails when a prefilter would have skipped a page that the
// full check matches.
func checkPrefilter(t *testing.T, body []byte) {
	t.Helper()
	if _, ok := softWallPage(body); ok {
		assert.True(t, maySoftWall(body), "soft wall missed by the prefilter: %q", body)
	}
	if paywall(body) {
		assert.True(t, mayDeclarePaywall(body), "paywall missed by the prefilter: %q", body)
	}
}

func TestPrefilterOnFixtures(t *testing.T) {
	entries, err := os.ReadDir(respFixtureDir)
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		checkPrefilter(t, loadAnswer(t, e.Name()).Body)
	}
	for name, want := range map[string]bool{
		"login-form-wp-post-password.txt": true,
		"java-form-login.txt":             true,
		"generic-login-form.txt":          true,
		"nginx-basic.txt":                 false,
	} {
		assert.Equal(t, want, maySoftWall(loadAnswer(t, name).Body), name)
	}
}

func TestPrefilterCases(t *testing.T) {
	match := map[string]string{
		"plain":            `<form><input type="password"></form>`,
		"upper case":       `<FORM><INPUT TYPE="PASSWORD"></FORM>`,
		"decimal ref":      `<form><input type="pa&#115;sword"></form>`,
		"hex ref":          `<form><input type="pa&#X73;&#x73word"></form>`,
		"long s":           `<form><input type="paſsword"></form>`,
		"long s ref":       `<form><input type="pa&#383;sword"></form>`,
		"lowbar":           `<form action="/j&lowbar;security_check"></form>`,
		"UnderBar":         `<form action="/j&UnderBar;security_check"></form>`,
		"dotted I":         `<form action="/j_securİty_check"></form>`,
		"Idot":             `<form action="/j_secur&Idot;ty_check"></form>`,
		"Kelvin":           `<form action="/j_security_checK"></form>`,
		"Kelvin ref":       `<form action="/j_security_chec&#8490;"></form>`,
		"JSON escape":      `<script type="application/ld+json">{"is\u0041ccessibleForFree":false}</script>`,
		"JSON long s":      `<script type="application/ld+json">{"i\u017fAccessibleForFree":false}</script>`,
		"microdata ref":    `<meta itemprop="isAccessible&#70;orFree" content="false">`,
		"C1 reference":     `<form><input type="pass&#x80;word"></form>`,
		"paywall plain":    `<script type="application/ld+json">{"isAccessibleForFree":false}</script>`,
		"j_password input": `<input name="J_PASSWORD">`,
		"login link":       `<h1>Login required</h1><a href="/wp-login.php">Log in</a>`,
		"escaped link":     `<h1>Login required</h1><a href="/%6Cogin">Log in</a>`,
		"escaped host":     `<h1>Login required</h1><a href="https://accounts%2Egoogle.com/">Log in</a>`,
		"period host":      `<h1>Login required</h1><a href="https://accounts&period;google.com/">Log in</a>`,
		"escaped Kelvin":   `<h1>Login required</h1><a href="/%E2%84%AAerberos/saml">Log in</a>`,
		"half escaped":     "<h1>Login required</h1><a href=\"/\xe2%84%AA\">Log in</a>",
		"saml link":        `<h1>Sign in required</h1><a href="/SAML2/sso">Sign in</a>`,
	}
	for name, body := range match {
		b := []byte(body)
		assert.True(t, maySoftWall(b) || mayDeclarePaywall(b), name)
		checkPrefilter(t, b)
	}
	skip := map[string]string{
		"empty":           "",
		"article":         `<article><h1>News</h1><p>Caf&eacute; &amp; bar &#8217;s &#x2014; <a href="/a?b=1&amp;c=2%20d">more</a> – “quoted”</p></article>`,
		"search form":     `<form action="/search"><input type="search" name="q"></form>`,
		"inline JSON":     `<script>var s = "\u00e9\u2014";</script>`,
		"ref without num": `<p>&#; &#x; &lowba</p>`,
		"blog and logo":   `<header><a class="logo" href="/blog/">Blog</a></header>`,
	}
	for name, body := range skip {
		b := []byte(body)
		assert.False(t, maySoftWall(b), name)
		assert.False(t, mayDeclarePaywall(b), name)
	}
}

// TestPrefilterRandom builds random pages from pieces of login forms,
// "log in first" pages and paywall markup, spelled plainly, in other cases
// and in disguise, and checks that the prefilter never skips a page that
// the full check matches.
// The word scan at the edges of a body: a word that starts or ends it,
// an anchor that ends its word (oauth2's "2"), an anchor on the last byte
// with its word cut short, both cases, and IndexByte's path (few anchors).
func TestWordSetEdges(t *testing.T) {
	for body, want := range map[string]bool{
		"Login to continue":   true,
		"see /LOGIN":          true,
		"the oauth2":          true,
		"OAuth2 flow":         true,
		"a log":               false,
		"oauth":               false,
		"passwor":             false,
		"singing and sighing": false,
		"x amazonCognito.com": true,
		"":                    false,
	} {
		assert.Equal(t, want, softWallSet.in([]byte(body)), "%q", body)
	}
	require.NotNil(t, paywallSet.few, "one word, two cases: the IndexByte path")
	assert.True(t, paywallSet.in([]byte(`{"ISACCESSIBLEFORFREE":false}`)))
	assert.True(t, paywallSet.in([]byte(`isAccessibleForFree`)))
	assert.False(t, paywallSet.in([]byte(`isAccessibleFor`)))
	assert.Nil(t, softWallSet.few, "many anchors: the loop")
}

func TestPrefilterRandom(t *testing.T) {
	pieces := []string{
		"<form>", "</form>", `<form action="`, `<form class="`, `<input type="`, `<input name="`, `">`, `"/>`,
		`<meta itemprop="`, `" content="False">`, `<script type="application/ld+json">{"`, `":false}</script>`,
		"<h1>", "</h1>", "<title>", "</title>", "Login required", "Please sign in", "Members only", `<a href="`, `">x</a>`,
		"/login", "/%6Cogin", "/log&#105;n", "/users/sign&lowbar;in", "https://accounts%2Egoogle.com/", "/saml2/", "/SAML", "/authorize?client_id=1",
		"password", "PassWord", "pa&#115;sword", "pa&#x53;sword", "paſsword", "pass", "word",
		"j_security_check", "j&lowbar;security_check", "j_securİty_check", "j_security_chec&#8490;", "j_", "security_check",
		"post-password-form", "post_password", "password_protected_pwd", "password-protected=login",
		"isAccessibleForFree", "is\\u0041ccessibleForFree", "isAccessible&#70;orFree", "iſAccessibleForFree", "For", "Free",
		"<p>", "</p>", "text ", "&amp;", "&#8217;", "\\u00e9", "<nav>", "</nav>", "<head>", "</head>", " ",
	}
	rng := rand.New(rand.NewPCG(9, 9))
	matched := 0
	for n := 0; n < 40000; n++ {
		var b strings.Builder
		for k := rng.IntN(12) + 1; k > 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		body := []byte(b.String())
		if _, ok := softWallPage(body); ok || paywall(body) {
			matched++
		}
		checkPrefilter(t, body)
	}
	assert.Greater(t, matched, 100, "the random pages must include matches")
}

// FuzzPrefilter: on any input, a page the prefilter skips is one the full
// checks do not match.
func FuzzPrefilter(f *testing.F) {
	for _, s := range []string{"", `<form><input type="pa&#115;sword"></form>`, `<form action="j_security_chec&#8490;">`,
		`<script type="application/ld+json">{"is\u0041ccessibleForFree":false}</script>`,
		`<title>Login required</title><a href="/%6Cogin">Log in</a>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		body := []byte(s)
		if _, ok := softWallPage(body); ok && !maySoftWall(body) {
			t.Fatalf("soft wall missed: %q", s)
		}
		if paywall(body) && !mayDeclarePaywall(body) {
			t.Fatalf("paywall missed: %q", s)
		}
	})
}

// BenchmarkPrefilter scans an 18 KB article page, as most pages are.
func BenchmarkPrefilter(b *testing.B) {
	var page strings.Builder
	page.WriteString(`<html><head><title>An article</title></head><body><nav><a class="logo" href="/">Home</a></nav><article>`)
	for page.Len() < 18<<10 {
		page.WriteString(`<p>The crawler reads every page once &amp; follows each <a href="/docs/page-1.html?x=1&amp;y=2">link</a> it finds.</p>`)
	}
	page.WriteString(`</article></body></html>`)
	body := []byte(page.String())
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if maySoftWall(body) || mayDeclarePaywall(body) {
			b.Fatal("an article page needs no full check")
		}
	}
}

// BenchmarkPrefilterSitePage scans a page of the benchmark site
// (internal/bench): varied English text, ~35 links, ~18 KB.
func BenchmarkPrefilterSitePage(b *testing.B) {
	var page bytes.Buffer
	if err := (bench.Site{N: 20000}).Write(&page, 1234); err != nil {
		b.Fatal(err)
	}
	body := page.Bytes()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if maySoftWall(body) || mayDeclarePaywall(body) {
			b.Fatal("a site page needs no full check")
		}
	}
}
