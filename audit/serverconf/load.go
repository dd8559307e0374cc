package serverconf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// serverKind is one server whose configs Load reads: how to recognise its
// main file in a directory or a file by its name and content, and how to
// build its evaluator. Adding a server is one row in serverKinds.
type serverKind struct {
	name string
	// mainFiles are the main config's names inside a config directory
	// (/etc/nginx → nginx.conf), tried in order.
	mainFiles []string
	// sniff reports whether a file is this server's config, from its base
	// name and its first bytes.
	sniff func(base string, head []byte) bool
	load  func(path string) (Evaluator, error)
}

var serverKinds = []serverKind{
	{name: "nginx", mainFiles: []string{"nginx.conf"}, sniff: sniffNginx, load: loadNginxConfig},
	{name: "apache", mainFiles: []string{"apache2.conf", "httpd.conf"}, sniff: sniffApache, load: loadApacheConfig},
	{name: "haproxy", mainFiles: []string{"haproxy.cfg"}, sniff: sniffHAProxy, load: loadWith(ReadHAProxy, NewHAProxy)},
	{name: "lighttpd", mainFiles: []string{"lighttpd.conf"}, sniff: sniffLighttpd, load: loadWith(ReadLighttpd, NewLighttpd)},
	{name: "caddy", mainFiles: []string{"Caddyfile"}, sniff: sniffCaddy, load: loadWith(ReadCaddy, NewCaddy)},
}

// sniffBytes is how much of a file the recognisers look at.
const sniffBytes = 64 * 1024

// Load reads the server config at path, a main file, an included fragment
// (a sites-enabled file) or a config directory such as /etc/nginx, and
// returns its evaluator. Which server the config belongs to is decided by
// the file's name and content; a file no supported server recognises is an
// error that names it and the servers supported.
func Load(path string) (Evaluator, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read server config: %w", err)
	}
	if info.IsDir() {
		return loadDir(path)
	}
	head, err := readHead(path)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	for _, k := range serverKinds {
		if slices.Contains(k.mainFiles, base) || k.sniff(base, head) {
			return k.load(path)
		}
	}
	return nil, fmt.Errorf("%s: not a config of a server authwall reads (supported: %s)", path, supportedServers())
}

// loadDir finds a server's main config in dir.
func loadDir(dir string) (Evaluator, error) {
	var tried []string
	for _, k := range serverKinds {
		for _, name := range k.mainFiles {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return k.load(p)
			}
			tried = append(tried, name)
		}
	}
	return nil, fmt.Errorf("%s: a directory without a main server config (looked for %s; supported: %s)", dir, strings.Join(tried, ", "), supportedServers())
}

func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read server config: %w", err)
	}
	defer f.Close()
	head, err := io.ReadAll(io.LimitReader(f, sniffBytes))
	if err != nil {
		return nil, fmt.Errorf("read server config %s: %w", path, err)
	}
	return head, nil
}

func supportedServers() string {
	names := make([]string, len(serverKinds))
	for i, k := range serverKinds {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}

// nginxBlock is a line that opens one of nginx's own blocks, or a
// directive only nginx writes this way.
var nginxBlock = regexp.MustCompile(`(?m)^\s*(?:(?:http|events|server|upstream\s+\S+|location\s+[^{;]*|map\s+\S+\s+\S+|if\s*\(.*\))\s*\{|(?:worker_processes|server_name|listen|proxy_pass|auth_basic|root|try_files)\s+[^;]*;)`)

// sniffNginx: nginx's blocks and `directive args;` lines. Apache's
// `<Section>` lines and bare `Directive args` never match.
func sniffNginx(_ string, head []byte) bool {
	var kept [][]byte
	for _, line := range bytes.Split(head, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			kept = append(kept, line)
		}
	}
	return nginxBlock.Match(bytes.Join(kept, []byte("\n")))
}

// apacheSniff matches a section or a directive only Apache writes this way
// (nginx's directives end in ';' and its blocks in '{').
var apacheSniff = regexp.MustCompile(`(?mi)^\s*(?:<(?:VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files|FilesMatch|IfModule|IfDefine|RequireAll|RequireAny|Limit|LimitExcept)\b[^>]*>|(?:ServerRoot|DocumentRoot|LoadModule|AuthType|AuthName|AuthUserFile|Require|AllowOverride|Alias|ServerName|IncludeOptional)\s+[^;{\n]*$)`)

// sniffApache: Apache's <Section> lines and bare `Directive args` lines.
func sniffApache(base string, head []byte) bool {
	return base == ".htaccess" || apacheSniff.Match(head)
}

// loadApacheConfig reads an httpd config; its .htaccess files are read
// from the DocumentRoot tree at evaluation time, where AllowOverride lets
// them count.
func loadApacheConfig(path string) (Evaluator, error) {
	if filepath.Base(path) == ".htaccess" {
		return nil, fmt.Errorf("%s: an .htaccess file counts only under the Apache config whose AllowOverride allows it: give that config (apache2.conf or the site's file); its .htaccess files are read from the DocumentRoot", path)
	}
	cfg, err := ReadApache(path, ApacheOptions{})
	if err != nil {
		return nil, err
	}
	return withSamples{Evaluator: NewApacheEvaluator(cfg), samples: apacheSamples(cfg.Nodes)}, nil
}

// haproxySniff matches a line opening one of HAProxy's proxy sections.
var haproxySniff = regexp.MustCompile(`(?m)^\s*(?:frontend|backend|listen|defaults|global|userlist)(?:\s+\S+)?\s*$`)

func sniffHAProxy(base string, head []byte) bool {
	return strings.HasSuffix(base, ".cfg") && haproxySniff.Match(head) || bytes.Contains(head, []byte("http-request ")) && haproxySniff.Match(head)
}

// lighttpdSniff matches one of lighttpd's own `server.x = ...` settings or
// conditionals.
var lighttpdSniff = regexp.MustCompile(`(?m)^\s*(?:server\.(?:modules|document-root|port|bind)\s*[+:]?=|auth\.require\s*[+:]?=|url\.access-deny\s*[+:]?=|\$HTTP\["[a-z-]+"\]\s*(?:==|!=|=~|!~|=\^|=\$))`)

func sniffLighttpd(_ string, head []byte) bool { return lighttpdSniff.Match(head) }

// caddySniff matches a directive only a Caddyfile writes this way (no
// trailing ';', matchers such as `*` and `@name`).
var caddySniff = regexp.MustCompile(`(?m)^\s*(?:basic_?auth|reverse_proxy|file_server|forward_auth|handle_path|handle|respond|route|encode|root\s+\*|@[A-Za-z0-9_-]+\s)(?:\s|$|\{)`)

func sniffCaddy(base string, head []byte) bool {
	return strings.HasPrefix(base, "Caddyfile") || strings.HasSuffix(base, ".Caddyfile") || caddySniff.Match(head)
}

// loadWith builds a loader from a server's reader and evaluator.
func loadWith[E Evaluator](read func(string) ([]*Node, error), build func([]*Node) (E, error)) func(string) (Evaluator, error) {
	return func(path string) (Evaluator, error) {
		nodes, err := read(path)
		if err != nil {
			return nil, err
		}
		ev, err := build(nodes)
		if err != nil {
			var perr *ParseError
			if errors.As(err, &perr) {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return ev, nil
	}
}

func loadNginxConfig(path string) (Evaluator, error) {
	nodes, err := ReadNginx(path)
	if err != nil {
		return nil, err
	}
	n, err := NewNginx(nodes)
	var perr *ParseError
	if err != nil && !errors.As(err, &perr) {
		return nil, fmt.Errorf("%s: %w", path, err) // a ParseError names its file and line already
	}
	if err != nil {
		return nil, err
	}
	return withSamples{Evaluator: n, samples: nginxSamples(nodes)}, nil
}
