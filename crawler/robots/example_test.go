package robots_test

import (
	"fmt"

	"authwall/crawler/robots"
)

func ExampleFile_Test() {
	f := robots.Parse([]byte(`User-agent: *
Disallow: /private/

User-agent: Googlebot
Disallow: /private/
Allow: /private/press/  # the press kit is public
`))
	for _, c := range []struct{ token, path string }{
		{"Googlebot", "/private/press/kit.zip"},
		{"bingbot", "/private/press/kit.zip"},
		{"Googlebot", "/blog/"},
	} {
		v := f.Test(c.token, c.path)
		fmt.Printf("%s %s: allowed=%v line %d: %s\n", c.token, c.path, v.Allowed, v.Line, v.Rule)
	}
	// Output:
	// Googlebot /private/press/kit.zip: allowed=true line 6: Allow: /private/press/
	// bingbot /private/press/kit.zip: allowed=false line 2: Disallow: /private/
	// Googlebot /blog/: allowed=true line 0:
}

func ExampleStateForStatus() {
	for _, status := range []int{200, 403, 429, 503, 0} {
		fmt.Println(status, robots.StateForStatus(status))
	}
	// Output:
	// 200 rules
	// 403 allow-all
	// 429 disallow-all
	// 503 disallow-all
	// 0 disallow-all
}
