package hostile

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// accept serves the raw TCP listener until Close.
func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.serveRaw(c)
		}()
	}
}

// serveRaw answers one request on c, then the connection is closed.
func (s *Server) serveRaw(c net.Conn) {
	deadline := time.Now().Add(maxHandle)
	c.SetDeadline(deadline)
	req, err := http.ReadRequest(bufio.NewReader(io.LimitReader(c, maxHeadBytes)))
	if err != nil {
		return
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	write := func(s string) bool { _, err := io.WriteString(c, s); return err == nil }
	head := func(status string, headers ...string) bool {
		return write("HTTP/1.1 " + status + "\r\n" + strings.Join(headers, "\r\n") + "\r\nConnection: close\r\n\r\n")
	}
	p := req.URL.Path
	switch {
	case p == "/":
		body := page("raw home", req.URL.Query()["link"]...)
		head("200 OK", "Content-Type: text/html", "Content-Length: "+strconv.Itoa(len(body)))
		write(body)
	case p == "/hang":
		// Read nothing more, answer nothing: wait for the client to give up.
		io.Copy(io.Discard, c)
	case p == "/drip":
		head("200 OK", "Content-Type: text/html", "Content-Length: 100")
		for i := 0; i < 100 && s.sleep(ctx, time.Second); i++ {
			if !write("x") {
				return
			}
		}
	case p == "/drip-head":
		h := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok"
		for i := 0; i < len(h) && s.sleep(ctx, time.Second); i++ {
			if !write(h[i : i+1]) {
				return
			}
		}
	case p == "/short":
		head("200 OK", "Content-Type: text/html", "Content-Length: 1000")
		write("<html><body>" + strings.Repeat("s", 88))
	case p == "/long":
		head("200 OK", "Content-Type: text/html", "Content-Length: 10")
		write("<html><bo" + "dy>" + strings.Repeat("l", 88))
	case p == "/long-alive":
		// As /long, but without Connection: close: the client keeps the
		// connection for the next request and finds the extra bytes on it.
		write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10\r\n\r\n<html><bo" + "dy>" + strings.Repeat("l", 88))
		s.sleep(ctx, 200*time.Millisecond) // long enough for the client to put the connection back in its pool
	case p == "/reset":
		head("200 OK", "Content-Type: text/html", "Content-Length: 100000")
		write("<html><body>" + strings.Repeat("r", 988))
		time.Sleep(50 * time.Millisecond) // let the client read the headers
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // Close sends RST
		}
	case p == "/http10":
		write("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n")
		write(page("close-delimited", "/ok/http10"))
	case p == "/bad-chunk":
		head("200 OK", "Content-Type: text/html", "Transfer-Encoding: chunked")
		write("5\r\n<html\r\nzz\r\nbroken\r\n0\r\n\r\n")
	case strings.HasPrefix(p, "/status/"):
		code := strings.TrimPrefix(p, "/status/")
		if len(code) != 3 {
			head("404 Not Found", "Content-Length: 0")
			return
		}
		reason := "Whatever"
		if code == "007" {
			reason = "Odd"
		}
		body := page("status " + code)
		head(code+" "+reason, "Content-Type: text/html", "Content-Length: "+strconv.Itoa(len(body)))
		write(body)
	case p == "/early-hints":
		write("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
		body := page("after hints")
		head("200 OK", "Content-Type: text/html", "Content-Length: "+strconv.Itoa(len(body)))
		write(body)
	case p == "/1xx-flood":
		for i := 0; i < 10; i++ {
			write("HTTP/1.1 102 Processing\r\n\r\n")
		}
		body := page("after the flood")
		head("200 OK", "Content-Type: text/html", "Content-Length: "+strconv.Itoa(len(body)))
		write(body)
	default:
		head("404 Not Found", "Content-Type: text/plain", fmt.Sprintf("Content-Length: %d", 9))
		write("not found")
	}
}
