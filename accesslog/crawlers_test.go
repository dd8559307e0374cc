package accesslog

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIdentifyCrawler(t *testing.T) {
	for ua, want := range map[string]string{
		googlebotUA: "googlebot",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/142.0.7444.175 Safari/537.36":                                           "googlebot-desktop",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":                                                                                                                     "googlebot-desktop",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/142.0.7444.175 Safari/537.36":                                            "bingbot",
		"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142 Mobile Safari/537.36 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)": "bingbot-mobile",
		"Googlebot-Image/1.0": "googlebot-image",
		"Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)":     "google-inspectiontool",
		"Mozilla/5.0 (compatible; BINGBOT/2.0)":                    "bingbot",
		"NotGooglebot/1.0":                                         "",
		"Googlebotty/1.0":                                          "",
		"Mozilla/5.0 (X11; Linux x86_64) Chrome/142 Safari/537.36": "",
		"":  "",
		"g": "",
	} {
		c, ok := IdentifyCrawler([]byte(ua))
		assert.Equal(t, want != "", ok, ua)
		assert.Equal(t, want, c.Name, ua)
	}
	c, _ := IdentifyCrawler([]byte(googlebotUA))
	assert.Equal(t, Crawler{Name: "googlebot", Token: "Googlebot", Engine: "google"}, c)
	assert.Contains(t, CrawlerTokens(), "bingbot")
}

const googleRanges = `{
  "creationTime": "2026-12-01T23:00:00.000000",
  "prefixes": [
    {"ipv6Prefix": "2001:4860:4801:10::/64"},
    {"ipv4Prefix": "66.249.64.0/27"},
    {"ipv4Prefix": "66.249.66.0/24"}
  ]
}`

func TestRangesAndVerify(t *testing.T) {
	g, err := ParseRanges(strings.NewReader(googleRanges), "googlebot.json")
	require.NoError(t, err)
	assert.Equal(t, 3, g.Len())
	for addr, in := range map[string]bool{
		"66.249.66.1": true, "66.249.64.31": true, "66.249.64.32": false, "::ffff:66.249.66.9": true,
		"2001:4860:4801:10::1": true, "2001:4860:4801:11::1": false, "10.0.0.1": false,
	} {
		assert.Equal(t, in, g.Contains(netip.MustParseAddr(addr)), addr)
	}

	google, _ := IdentifyCrawler([]byte(googlebotUA))
	bing, _ := IdentifyCrawler([]byte("bingbot/2.0"))
	var none *Verifier
	assert.Equal(t, Unverified, none.Verify(google, []byte("66.249.66.1")), "no ranges: unverified")
	v := &Verifier{}
	v.Add("google", g)
	for addr, want := range map[string]Verdict{
		"66.249.66.1": Verified, "66.249.66.1:443": Verified, "[2001:4860:4801:10::5]:80": Verified,
		"2001:4860:4801:10::5%eth0": Verified, "203.0.113.9": Spoofed, "crawl-66-249-66-1.googlebot.com": Unverified,
	} {
		assert.Equal(t, want, v.Verify(google, []byte(addr)), addr)
	}
	assert.Equal(t, Unverified, v.Verify(bing, []byte("203.0.113.9")), "no ranges for Bing: its claims stay unverified")
	v.Add("", g)
	assert.Equal(t, Spoofed, v.Verify(bing, []byte("203.0.113.9")), "ranges for every engine apply to Bing")
	assert.Equal(t, "spoofed", Spoofed.String())

	mapped, err := ParseRanges(strings.NewReader(`{"prefixes": [{"ipv6Prefix": "::ffff:66.249.64.0/115"}]}`), "mapped.json")
	require.NoError(t, err)
	assert.True(t, mapped.Contains(netip.MustParseAddr("66.249.66.1")), "an IPv4-mapped prefix holds its IPv4 addresses")
	assert.False(t, mapped.Contains(netip.MustParseAddr("66.249.96.1")))
}

func TestParseRangesErrors(t *testing.T) {
	for in, problem := range map[string]string{
		"{\n  \"prefixes\": [\n  oops":                     "ranges r.json:3: not JSON",
		`{"creationTime": "x"}`:                            `no "prefixes" list`,
		`{"prefixes": [{"ipv4Prefix": "2001:db8::/32"}]}`:  `prefixes[0]: ipv4Prefix "2001:db8::/32" is not an ipv4 prefix`,
		`{"prefixes": [{"ipv6Prefix": "66.249.64.0/27"}]}`: `is not an ipv6 prefix`,
		`{"prefixes": [{"ipv4Prefix": "66.249.64.0/33"}]}`: `is not an ipv4 prefix`,
		`[]`: `want {"prefixes"`,
	} {
		_, err := ParseRanges(strings.NewReader(in), "r.json")
		if assert.Error(t, err, in) {
			assert.Contains(t, err.Error(), problem, in)
		}
	}
}

func TestCrawlerNames(t *testing.T) {
	assert.Equal(t, []string{"googlebot", "googlebot-desktop", "bingbot", "bingbot-mobile"}, CrawlerNames()[:4])
}
