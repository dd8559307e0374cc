package crawler

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawServer answers with whatever bytes answer returns for a request path,
// so that status lines net/http would never write can be sent.
func rawServer(t *testing.T, answer func(path string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 1000 { // bounded: a test makes a few dozen connections
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
				br := bufio.NewReader(conn)
				for range 100 { // keep-alive, bounded
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, req.Body)
					if _, err := io.WriteString(conn, answer(req.URL.Path)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func rawResponse(statusLine, body string) string {
	return fmt.Sprintf("%s\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", statusLine, len(body), body)
}

func TestUnknownAndInformationalStatus(t *testing.T) {
	base := rawServer(t, func(path string) string {
		switch path {
		case "/":
			return rawResponse("HTTP/1.1 200 OK", pageHTML("/odd299", "/odd599", "/hints", "/hints-many", "/short"))
		case "/odd299":
			return rawResponse("HTTP/1.1 299 Odd", "<html><body>two hundred ninety-nine</body></html>")
		case "/odd599":
			return rawResponse("HTTP/1.1 599 Odd", "<html><body>five hundred ninety-nine</body></html>")
		case "/hints":
			return "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n" +
				rawResponse("HTTP/1.1 200 OK", pageHTML("/after-hints"))
		case "/hints-many":
			return strings.Repeat("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n", 50) +
				rawResponse("HTTP/1.1 200 OK", pageHTML())
		case "/short":
			return rawResponse("HTTP/1.1 42 Short", "x")
		case "/after-hints":
			return rawResponse("HTTP/1.1 200 OK", pageHTML())
		}
		return rawResponse("HTTP/1.1 404 Not Found", "")
	})

	got, res, err := crawl(t, Options{Start: base + "/", NoControl: true, MaxRetries: 1, MaxRetryWait: time.Second})
	require.NoError(t, err)
	for _, a := range []string{"googlebot", "bingbot"} {
		assert.Equal(t, 299, got["/odd299"][a].Status())
		assert.Empty(t, got["/odd299"][a].Err)
		assert.Contains(t, string(got["/odd299"][a].Body), "ninety-nine")
		assert.Equal(t, 599, got["/odd599"][a].Status())
		assert.Empty(t, got["/odd599"][a].Err)

		// The client skips 1xx answers and returns the final response.
		h := got["/hints"][a]
		assert.Empty(t, h.Err)
		require.Len(t, h.Hops, 1)
		assert.Equal(t, 200, h.Status())
		assert.Empty(t, h.Hops[0].Header.Get("Link"), "headers are the final response's")

		// Go bounds 1xx answers by their header bytes, not their number:
		// fifty small ones still lead to the final answer.
		assert.Empty(t, got["/hints-many"][a].Err)
		assert.Equal(t, 200, got["/hints-many"][a].Status())

		// A status that is not three digits: an error for that URL, not
		// for the crawl.
		assert.Contains(t, got["/short"][a].Err, "status")
		assert.Equal(t, 0, got["/short"][a].Status())
	}
	assert.Contains(t, got, "/after-hints", "links of the final response are followed")
	assert.Equal(t, 7, res.URLs)
}
