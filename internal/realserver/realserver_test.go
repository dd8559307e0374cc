package realserver

import (
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNginxLeavesTempDirAlone pins a bug: opening up the test's folders
// must never chmod the system temp dir (it lost its sticky bit once).
func TestNginxLeavesTempDirAlone(t *testing.T) {
	before, err := os.Stat(os.TempDir())
	require.NoError(t, err)
	srv := Nginx(t, "../../testdata/nginx/inherited-auth.conf", "../../testdata/nginx/site")
	after, err := os.Stat(os.TempDir())
	require.NoError(t, err)
	assert.Equal(t, before.Mode(), after.Mode())

	resp, err := http.Get(srv.URL + "/about.html")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, "workers can read the copied site")
}
