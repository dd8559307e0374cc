package report

import (
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/stretchr/testify/assert"
)

func TestVisibleText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "/blog/", "/blog/"},
		{"html and quotes stay", `<script>"x"</script>`, `<script>"x"</script>`},
		{"formula stays", `=cmd|' /C calc'!A0`, `=cmd|' /C calc'!A0`},
		{"non-ASCII stays", "/café/日本", "/café/日本"},
		{"ESC", "\x1b[2J", `\x1b[2J`},
		{"OSC with BEL", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"newline, CR, tab", "a\nb\rc\td", `a\nb\rc\td`},
		{"NUL and DEL", "\x00\x7f", `\x00\x7f`},
		{"C1 CSI", "\u009b31m", `\u009b31m`},
		{"bidi override", "abc\u202edef", `abc\u202edef`},
		{"zero width", "a\u200bb", `a\u200bb`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"invalid UTF-8", "a\xff\xfeb", `a\xff\xfeb`},
		{"truncated UTF-8", "caf\xc3", `caf\xc3`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, visibleText(tc.in))
		})
	}
}

func TestCutToWidth(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"日本語日本語", 5, "日本…"},
		{"日本語日本語", 6, "日本…"},
	}
	for _, tc := range tests {
		got := cutToWidth(tc.in, tc.max)
		assert.Equal(t, tc.want, got, "%q max %d", tc.in, tc.max)
		assert.LessOrEqual(t, twwidth.Width(got), tc.max)
	}
}
