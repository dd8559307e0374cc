package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"authwall/audit"
)

func TestSourceText(t *testing.T) {
	assert.Equal(t, "-", sourceText(nil))
	assert.Equal(t, "-", sourceText(&audit.Attribution{}))
	assert.Equal(t, "nginx auth_basic", sourceText(&audit.Attribution{Source: "nginx", Mechanism: "basic", Directive: "auth_basic"}))
	assert.Equal(t, "unknown session", sourceText(&audit.Attribution{Source: "unknown", Mechanism: "session"}))
	assert.Equal(t, "apache Require valid-user (.htaccess:3)", sourceText(&audit.Attribution{Source: "apache", Directive: "Require valid-user", Location: &audit.Location{File: ".htaccess", Line: 3}}))
}

func TestSourceCellKeepsTheLocation(t *testing.T) {
	a := &audit.Attribution{Source: "nginx", Directive: `if ($http_user_agent ~* "(bot|crawl|spider)") { return 403; }`,
		Location: &audit.Location{File: "deploy/nginx/sites-enabled/example.org.conf", Line: 70}}
	cell := sourceCell(a)
	assert.True(t, strings.HasSuffix(cell, " (deploy/nginx/sites-enabled/example.org.conf:70)"), cell)
	assert.True(t, strings.HasPrefix(cell, "nginx if"), cell)
	assert.Equal(t, "nginx auth_basic", sourceCell(&audit.Attribution{Source: "nginx", Directive: "auth_basic"}))
	assert.Equal(t, "nginx auth_basic (a\\x1b.conf:1)", sourceCell(&audit.Attribution{Source: "nginx", Directive: "auth_basic", Location: &audit.Location{File: "a\x1b.conf", Line: 1}}))
}
