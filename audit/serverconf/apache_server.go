package serverconf

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// apacheServer is the main server or one <VirtualHost>, with the sections
// and settings the evaluator needs, in file order.
type apacheServer struct {
	node       *Node // the <VirtualHost>; nil for the main server
	context    string
	addrs      []apacheAddr
	names      []string // ServerName then ServerAlias patterns, lower case
	docRoot    string
	aliases    []apacheAlias
	redirects  []apacheRedirect
	dirs       []*apacheSection // <Directory>, <DirectoryMatch>
	files      []*apacheSection // top-level <Files>, <FilesMatch>
	locs       []*apacheSection // <Location>, <LocationMatch>
	ifs        []*apacheSection
	rewrite    *apacheRewrite
	setenv     []apacheSetEnv
	accessFile string
	dirIndex   []string
	top        []*Node // directives outside any section
}

type apacheAddr struct {
	host string // "*", "_default_", an address or name
	port int    // 0: any port
}

type apacheAlias struct {
	node   *Node
	prefix string
	re     *regexp.Regexp
	target string
}

// apacheSection is a <Directory>, <Files>, <Location> or <If> section.
type apacheSection struct {
	node       *Node
	kind       string // directory, files, location, if
	path       string // normalised path or pattern
	re         *regexp.Regexp
	wildcard   bool
	components int
	context    string
	order      int
}

// apacheSetEnv is a SetEnvIf User-Agent / BrowserMatch line.
type apacheSetEnv struct {
	node *Node
	re   *regexp.Regexp
	vars []string
	attr string // what it tests, lower case: "user-agent", "remote_addr", "request_uri"...
}

// newApacheServer collects a server's sections from its nodes.
func newApacheServer(vhost *Node, nodes []*Node, order *int) (*apacheServer, []string) {
	s := &apacheServer{node: vhost}
	var notes []string
	if vhost != nil {
		s.context = "VirtualHost " + strings.Join(vhost.Args, " ")
		for _, a := range vhost.Args {
			s.addrs = append(s.addrs, parseApacheAddr(a))
		}
	}
	for _, n := range nodes {
		name := strings.ToLower(n.Name)
		switch name {
		case "virtualhost":
			continue
		case "directory", "directorymatch", "files", "filesmatch", "location", "locationmatch", "if", "elseif", "else":
			sec, err := newApacheSection(n, s.context, *order)
			*order++
			if err != nil {
				notes = append(notes, err.Error())
				continue
			}
			switch sec.kind {
			case "directory":
				s.dirs = append(s.dirs, sec)
			case "files":
				s.files = append(s.files, sec)
			case "location":
				s.locs = append(s.locs, sec)
			default:
				s.ifs = append(s.ifs, sec)
			}
			continue
		case "servername":
			if len(n.Args) > 0 {
				s.names = append([]string{apacheHostName(n.Args[0])}, s.names...)
			}
		case "serveralias":
			for _, a := range n.Args {
				s.names = append(s.names, strings.ToLower(a))
			}
		case "documentroot":
			if len(n.Args) > 0 {
				s.docRoot = n.Args[0]
			}
		case "alias", "scriptalias":
			if len(n.Args) == 2 {
				s.aliases = append(s.aliases, apacheAlias{node: n, prefix: n.Args[0], target: n.Args[1]})
			}
		case "aliasmatch", "scriptaliasmatch":
			if len(n.Args) == 2 {
				re, err := regexp.Compile(n.Args[0])
				if err != nil {
					notes = append(notes, fmt.Sprintf("%s:%d: %s pattern not understood: %v", n.File, n.Line, n.Name, err))
					continue
				}
				s.aliases = append(s.aliases, apacheAlias{node: n, re: re, target: n.Args[1]})
			}
		case "redirect", "redirectmatch", "redirectpermanent", "redirecttemp":
			if r, ok := newApacheRedirect(n); ok {
				s.redirects = append(s.redirects, r)
			}
		case "rewriteengine", "rewriterule", "rewritecond", "rewriteoptions":
			if s.rewrite == nil {
				s.rewrite = &apacheRewrite{}
			}
			s.rewrite.add(n, s.topContext())
			continue // server-level rules run at URL translation, not per directory
		case "setenvif", "setenvifnocase", "browsermatch", "browsermatchnocase":
			if e, ok := newApacheSetEnv(n); ok {
				s.setenv = append(s.setenv, e)
			}
		case "accessfilename":
			if len(n.Args) > 0 {
				s.accessFile = n.Args[0]
			}
		case "directoryindex":
			s.dirIndex = append([]string(nil), n.Args...)
		}
		s.top = append(s.top, n)
	}
	return s, notes
}

// topContext names the server level for a directive outside any section.
func (s *apacheServer) topContext() string {
	if s.context == "" {
		return "server config"
	}
	return s.context
}

func apacheHostName(s string) string {
	s = strings.ToLower(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s[i:], "]") {
		s = s[:i]
	}
	return s
}

func parseApacheAddr(a string) apacheAddr {
	host, port := a, 0
	if i := strings.LastIndexByte(a, ':'); i >= 0 && !strings.Contains(a[i:], "]") {
		host = a[:i]
		if a[i+1:] != "*" {
			port, _ = strconv.Atoi(a[i+1:])
		}
	}
	return apacheAddr{host: strings.Trim(host, "[]"), port: port}
}

// newApacheSection reads a section's kind and pattern.
func newApacheSection(n *Node, parent string, order int) (*apacheSection, error) {
	name := strings.ToLower(n.Name)
	sec := &apacheSection{node: n, order: order}
	label := n.Name + " " + strings.Join(n.Args, " ")
	if parent != "" {
		sec.context = parent + " > " + strings.TrimSpace(label)
	} else {
		sec.context = strings.TrimSpace(label)
	}
	isRegex := strings.HasSuffix(name, "match")
	args := n.Args
	if len(args) >= 2 && args[0] == "~" {
		isRegex, args = true, args[1:]
	}
	switch strings.TrimSuffix(name, "match") {
	case "directory":
		sec.kind = "directory"
	case "files":
		sec.kind = "files"
	case "location":
		sec.kind = "location"
	default:
		sec.kind = "if"
		return sec, nil
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("%s:%d: <%s> needs a path", n.File, n.Line, n.Name)
	}
	p := args[0]
	if isRegex {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: <%s> pattern %q is not understood (%v)", n.File, n.Line, n.Name, p, err)
		}
		sec.re = re
		return sec, nil
	}
	sec.wildcard = hasWildcard(p)
	if sec.kind == "directory" {
		if p != "/" {
			p = strings.TrimRight(path.Clean(p), "/")
		}
		sec.components = strings.Count(p, "/")
		if p == "/" {
			sec.components = 0
		}
	}
	sec.path = p
	return sec, nil
}

func newApacheSetEnv(n *Node) (apacheSetEnv, bool) {
	name := strings.ToLower(n.Name)
	args := n.Args
	e := apacheSetEnv{node: n}
	if strings.HasPrefix(name, "setenvif") {
		if len(args) < 3 {
			return e, false
		}
		e.attr = strings.ToLower(args[0])
		args = args[1:]
	} else {
		if len(args) < 2 {
			return e, false
		}
		e.attr = "user-agent"
	}
	pat := args[0]
	if strings.HasSuffix(name, "nocase") {
		pat = "(?i)" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return e, false
	}
	e.re = re
	e.vars = args[1:]
	return e, true
}

// matchesDir says whether a non-regex <Directory> covers the directory
// dir exactly (the walk applies it at its own depth).
func (s *apacheSection) matchesDir(dir string) bool {
	if s.wildcard {
		ok, _ := path.Match(s.path, dir)
		return ok
	}
	return s.path == dir
}

// matchesLocation is <Location>'s rule: a prefix ending at a slash or the
// end of the URL; * and ? never match a slash.
func (s *apacheSection) matchesLocation(uri string) bool {
	if s.re != nil {
		return s.re.MatchString(uri)
	}
	if s.wildcard {
		ok, _ := path.Match(s.path, uri)
		return ok
	}
	p := s.path
	if p == "/" {
		return true
	}
	if !strings.HasPrefix(uri, p) {
		return false
	}
	return strings.HasSuffix(p, "/") || len(uri) == len(p) || uri[len(p)] == '/'
}

// matchesFile is <Files>'s rule on the last path component.
func (s *apacheSection) matchesFile(base string) bool {
	if s.re != nil {
		return s.re.MatchString(base)
	}
	ok, _ := path.Match(s.path, base)
	return ok
}

// apacheRedirect is a server-level Redirect or RedirectMatch.
type apacheRedirect struct {
	node   *Node
	prefix string
	re     *regexp.Regexp
	status int
}

func newApacheRedirect(n *Node) (apacheRedirect, bool) {
	r := apacheRedirect{node: n, status: 302}
	args := n.Args
	switch strings.ToLower(n.Name) {
	case "redirectpermanent":
		r.status = 301
	case "redirect", "redirectmatch":
		if len(args) > 0 {
			switch strings.ToLower(args[0]) {
			case "permanent":
				r.status, args = 301, args[1:]
			case "temp":
				r.status, args = 302, args[1:]
			case "seeother":
				r.status, args = 303, args[1:]
			case "gone":
				r.status, args = 410, args[1:]
			default:
				if st, err := strconv.Atoi(args[0]); err == nil {
					r.status, args = st, args[1:]
				}
			}
		}
	}
	if len(args) == 0 {
		return r, false
	}
	if strings.EqualFold(n.Name, "RedirectMatch") {
		re, err := regexp.Compile(args[0])
		if err != nil {
			return r, false
		}
		r.re = re
		return r, true
	}
	r.prefix = args[0]
	return r, true
}

func (r apacheRedirect) matches(uri string) bool {
	if r.re != nil {
		return r.re.MatchString(uri)
	}
	_, ok := aliasMatch(r.prefix, uri)
	return ok
}
