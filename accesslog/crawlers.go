package accesslog

import "bytes"

// Crawler is a search-engine crawler recognised by its product token.
type Crawler struct {
	// Name is the agent name in reports, the audit's where they exist:
	// "googlebot" (smartphone), "googlebot-desktop", "bingbot",
	// "bingbot-mobile"; otherwise the token in lower case.
	Name   string
	Token  string // the product token, as robots.txt groups name it
	Engine string // whose published ranges verify it: "google", "bing"
}

// crawlerToken is one row of the crawlers authwall recognises in logs.
// Mobile, when set, is the name for a User-Agent that says "Mobile": the
// search engines crawl with a smartphone and a desktop agent under one
// token.
type crawlerToken struct {
	token   string // lower case
	name    string
	mobile  string
	engine  string
	product string // as the crawler writes it
}

// crawlerTokens lists the crawlers whose walls matter for search, in
// report order. A token matches only as a whole word, so Googlebot never
// matches inside Googlebot-Image; a User-Agent naming two tokens is the
// first row's.
var crawlerTokens = []crawlerToken{
	{token: "googlebot", name: "googlebot-desktop", mobile: "googlebot", engine: "google", product: "Googlebot"},
	{token: "bingbot", name: "bingbot", mobile: "bingbot-mobile", engine: "bing", product: "bingbot"},
	{token: "googlebot-image", name: "googlebot-image", engine: "google", product: "Googlebot-Image"},
	{token: "googlebot-video", name: "googlebot-video", engine: "google", product: "Googlebot-Video"},
	{token: "googlebot-news", name: "googlebot-news", engine: "google", product: "Googlebot-News"},
	{token: "storebot-google", name: "storebot-google", engine: "google", product: "Storebot-Google"},
	{token: "google-inspectiontool", name: "google-inspectiontool", engine: "google", product: "Google-InspectionTool"},
	{token: "googleother", name: "googleother", engine: "google", product: "GoogleOther"},
}

// CrawlerNames lists the agent names IdentifyCrawler gives, in report
// order; of a token's two names, the one that is the token itself
// ("googlebot", the smartphone, as the audit names it; "bingbot") first.
func CrawlerNames() []string {
	var out []string
	for _, c := range crawlerTokens {
		switch {
		case c.mobile == "":
			out = append(out, c.name)
		case c.mobile == c.token:
			out = append(out, c.mobile, c.name)
		default:
			out = append(out, c.name, c.mobile)
		}
	}
	return out
}

// CrawlerTokens lists the product tokens recognised, for help text.
func CrawlerTokens() []string {
	out := make([]string, len(crawlerTokens))
	for i, c := range crawlerTokens {
		out[i] = c.product
	}
	return out
}

// IdentifyCrawler finds a crawler's product token in a User-Agent, with
// no regard to case, where the token stands as a word of its own:
// "compatible; Googlebot/2.1;" is Googlebot, "Googlebot-Image/1.0" is
// Googlebot-Image, "NotGooglebot/1.0" is nothing. It reads the header
// once, whatever the number of tokens.
func IdentifyCrawler(ua []byte) (Crawler, bool) {
	best := -1
	for i := 0; i < len(ua); i++ {
		c := lower(ua[i])
		if c != 'g' && c != 's' && c != 'b' || (i > 0 && isTokenByte(ua[i-1])) {
			continue
		}
		for r, t := range crawlerTokens {
			if (best >= 0 && r >= best) || t.token[0] != c || !hasPrefixFold(ua[i:], t.token) {
				continue
			}
			if end := i + len(t.token); end < len(ua) && isTokenByte(ua[end]) {
				continue
			}
			best = r
		}
	}
	if best < 0 {
		return Crawler{}, false
	}
	t := crawlerTokens[best]
	name := t.name
	if t.mobile != "" && bytes.Contains(ua, []byte("Mobile")) {
		name = t.mobile
	}
	return Crawler{Name: name, Token: t.product, Engine: t.engine}, true
}

// isTokenByte is a byte a product token is made of.
func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
