package serverconf

import (
	"os"
	"path"
	"sort"
	"strings"
)

// apacheFileSection is a <Files> section found on the way, in merge order.
type apacheFileSection struct {
	sec *apacheSection
}

// apacheWalk is the result of the directory walk.
type apacheWalk struct {
	conf   apacheDirConf
	files  []apacheFileSection
	base   string // the last component of the mapped file name
	isDir  bool
	dir    string // the deepest directory reached, as a disk path
	fail   *apacheFail
	notes  []string
	exists func(name string) bool
}

// walk is ap_directory_walk: the non-regex <Directory> sections (main
// server's and vhost's together, shortest path first) and each existing
// directory's .htaccess, level by level, then the regex sections.
func (e *ApacheEvaluator) walk(srv *apacheServer, st apacheDirConf, filename, method string) apacheWalk {
	w := apacheWalk{}
	var plain, regex []*apacheSection
	for _, d := range mainThenVhost(e, srv, func(s *apacheServer) []*apacheSection { return s.dirs }) {
		if d.re == nil {
			plain = append(plain, d)
		} else {
			regex = append(regex, d)
		}
	}
	sort.SliceStable(plain, func(i, j int) bool { return plain[i].components < plain[j].components })
	for _, f := range mainThenVhost(e, srv, func(s *apacheServer) []*apacheSection { return s.files }) {
		w.files = append(w.files, apacheFileSection{f})
	}
	accessFile := pick(srv.accessFile, e.main.accessFile, srv.accessFile != "")

	fs := e.newFSView(filename)
	segs := strings.Split(strings.Trim(filename, "/"), "/")
	dir := "/"
	level := 0
	apply := func(d string, htaccess bool) {
		for _, sec := range plain {
			if sec.components == level && sec.matchesDir(d) {
				st = st.apply(apacheRef{node: sec.node, context: sec.context}, sec.node.Children, d, method)
				w.collectFiles(sec.node, sec.context)
			}
		}
		if !htaccess || (st.override.set && st.override.none) {
			return
		}
		nodes, ref, fail := e.readHtaccess(fs, d, accessFile, st.override)
		if fail != nil {
			w.fail = fail
			return
		}
		if nodes != nil {
			st = st.apply(ref, nodes, d, method)
			w.collectFiles(&Node{Children: nodes}, ref.context)
		}
	}
	apply(dir, true)
	w.isDir = true
	last := ""
	for i, seg := range segs {
		if w.fail != nil {
			return w
		}
		if seg == "" {
			continue
		}
		next := path.Join(dir, seg)
		last = seg
		kind := fs.kind(next, i == len(segs)-1)
		if kind != "dir" {
			w.isDir = false
			// httpd knows an existing file from its first stat of the whole
			// name (so not with path info after it, nor a trailing slash)
			// and, with FollowSymLinks (and not SymLinksIfOwnerMatch), walks
			// it as one more level: <Directory /x/*> applies to the files in /x.
			whole := i == len(segs)-1 && !strings.HasSuffix(filename, "/")
			if kind == "file" && whole && st.followsLinksBlindly() {
				level++
				apply(next, false)
			}
			break
		}
		dir = next
		level++
		apply(dir, true)
	}
	if w.fail != nil {
		return w
	}
	if w.isDir && strings.HasSuffix(filename, "/") {
		last = ""
	}
	w.base = last
	w.dir = dir
	// Regex sections see the file name as far as the walk got.
	subject := path.Join(dir, last)
	if w.isDir && strings.HasSuffix(filename, "/") && subject != "/" {
		subject += "/"
	}
	for _, sec := range regex {
		if sec.re.MatchString(subject) {
			st = st.apply(apacheRef{node: sec.node, context: sec.context}, sec.node.Children, "", method)
			w.collectFiles(sec.node, sec.context)
		}
	}
	w.conf = st
	w.exists = func(name string) bool { return fs.kind(path.Join(dir, name), true) == "file" }
	return w
}

// collectFiles keeps the <Files> sections nested in a section.
func (w *apacheWalk) collectFiles(n *Node, context string) {
	for _, c := range n.Children {
		switch strings.ToLower(c.Name) {
		case "files", "filesmatch":
			sec, err := newApacheSection(c, context, 0)
			if err != nil {
				w.notes = append(w.notes, err.Error())
				continue
			}
			w.files = append(w.files, apacheFileSection{sec})
		}
	}
}

// apacheFSView answers whether a path is a directory or a file: from the
// disk when the document tree is there, else by the shape of the URL
// (every segment but the last is a directory).
type apacheFSView struct {
	root   string
	server string
	onDisk bool
	slash  bool
}

func (e *ApacheEvaluator) newFSView(filename string) apacheFSView {
	v := apacheFSView{root: e.cfg.Root, server: e.cfg.ServerRoot, slash: strings.HasSuffix(filename, "/")}
	top := "/" + strings.SplitN(strings.Trim(filename, "/"), "/", 2)[0]
	if _, err := os.Stat(diskPath(v.root, v.server, top)); err == nil {
		v.onDisk = true
	}
	return v
}

func (v apacheFSView) kind(p string, last bool) string {
	if !v.onDisk {
		if !last || v.slash {
			return "dir"
		}
		return "file"
	}
	st, err := os.Stat(diskPath(v.root, v.server, p))
	switch {
	case err != nil:
		return ""
	case st.IsDir():
		return "dir"
	default:
		return "file"
	}
}
