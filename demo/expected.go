package demo

import (
	_ "embed"

	"authwall/audit"
)

// pathsFile is the declared paths file that goes with the site.
//
//go:embed paths.txt
var pathsFile string

// Paths returns the declared paths file (audit.ParsePaths format) that
// matches the site.
func Paths() []byte {
	return []byte(pathsFile)
}

// Expectation is one finding the demo site is built to produce. Source and
// Mechanism are the attribution expected for walls, empty for other kinds.
type Expectation struct {
	Kind      string
	Path      string
	Source    string
	Mechanism string
}

// Expected lists the findings an audit of the site with Paths() and the
// default agents (googlebot, bingbot, browser control) should report, with
// the attribution audit.DefaultCatalog gives each wall.
func Expected() []Expectation {
	const (
		public401 = string(audit.PublicUnauthorized)
		public403 = string(audit.PublicForbidden)
	)
	return []Expectation{
		{public401, "/blog/", "nginx", "basic"},
		{public401, "/blog/hello-world", "nginx", "basic"},   // found via the sitemap
		{public401, "/blog/release-notes", "nginx", "basic"}, // found via the sitemap
		{public401, "/docs/", "apache", "basic"},
		{public401, "/docs/install", "apache", "basic"}, // googlebot only: bingbot obeys robots.txt
		{public401, "/api/status", "express", "bearer"}, // passport-jwt: a bare 401, no challenge
		{public401, "/press/", "caddy", "basic"},        // found from the paths file's literal line
		{public403, "/careers", "nginx", "ua-rule"},     // the browser control gets 200
		// A bare 302 to /login names no product.
		{string(audit.PublicLoginRedirect), "/pricing", "unknown", "login-redirect"},
		{string(audit.RobotsBlocksPublic), "/docs/install", "", ""}, // bingbot
		{string(audit.PublicMissing), "/roadmap", "", ""},           // a literal line of the paths file, gone from the site
		{string(audit.PrivateExposed), "/account/settings", "", ""},
		{string(audit.PrivateInSitemap), "/admin/", "", ""},
		{string(audit.UndeclaredBlocked), "/internal/", "lighttpd", "basic"},
	}
}
