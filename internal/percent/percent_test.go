package percent

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsHexAndUnhex(t *testing.T) {
	// The value of each hex digit; -1 for bytes that are not one.
	for c, want := range map[byte]int{
		'0': 0, '9': 9, 'a': 10, 'f': 15, 'A': 10, 'F': 15,
		'g': -1, 'G': -1, '/': -1, ':': -1, '@': -1, '`': -1, '%': -1, ' ': -1, 0: -1, 0xff: -1,
	} {
		assert.Equal(t, want >= 0, IsHex(c), "IsHex(%q)", c)
		if want >= 0 {
			assert.Equal(t, byte(want), Unhex(c), "Unhex(%q)", c)
		}
	}
}

// TestAgreesWithParseUint: every byte, against the standard library.
func TestAgreesWithParseUint(t *testing.T) {
	for i := range 256 {
		c := byte(i)
		v, err := strconv.ParseUint(string(c), 16, 8)
		assert.Equal(t, err == nil, IsHex(c), "IsHex(%q)", c)
		if err == nil {
			assert.Equal(t, byte(v), Unhex(c), "Unhex(%q)", c)
		}
	}
}
