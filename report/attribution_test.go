package report

import (
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
