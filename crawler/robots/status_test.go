package robots

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStateForStatus(t *testing.T) {
	tests := []struct {
		status int
		want   State
	}{
		{200, StateRules},
		{204, StateRules},
		{301, StateAllowAll}, // redirects left over: unavailable, Google treats it as 404
		{400, StateAllowAll},
		{401, StateAllowAll},
		{403, StateAllowAll},
		{404, StateAllowAll},
		{410, StateAllowAll},
		{429, StateDisallowAll},
		{500, StateDisallowAll},
		{503, StateDisallowAll},
		{0, StateDisallowAll}, // network error or timeout
		{100, StateDisallowAll},
		{600, StateDisallowAll},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			assert.Equal(t, tt.want, StateForStatus(tt.status))
		})
	}
}
