package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// readHtaccess reads the access file of one directory, and checks every
// directive in it against AllowOverride as httpd does: a directive that is
// not allowed there answers 500.
func (e *ApacheEvaluator) readHtaccess(fs apacheFSView, dir, name string, ov apacheOverride) ([]*Node, apacheRef, *apacheFail) {
	if !fs.onDisk {
		return nil, apacheRef{}, nil
	}
	file := filepath.Join(diskPath(fs.root, fs.server, dir), name)
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, apacheRef{}, nil
	}
	ref := apacheRef{node: &Node{Name: name, File: file, Line: 1}, context: name + " in " + dir}
	nodes, err := e.cfg.ParseHtaccess(file, data)
	if err != nil {
		return nil, ref, &apacheFail{ref: ref, reason: fmt.Sprintf("%s cannot be read: %v", file, err)}
	}
	if fail := e.checkOverrides(nodes, ov, ref.context); fail != nil {
		return nil, ref, fail
	}
	for _, n := range nodes {
		n.IncludedFrom = nil
	}
	return nodes, ref, nil
}

func (e *ApacheEvaluator) checkOverrides(nodes []*Node, ov apacheOverride, context string) *apacheFail {
	for _, n := range nodes {
		cat, module := apacheHtaccessCategory(n.Name)
		ref := apacheRef{node: n, context: context}
		switch {
		case cat == "" || (module != "" && !e.cfg.HasModule(module)):
			if !ov.nonfatal["unknown"] {
				return &apacheFail{ref, fmt.Sprintf("%s is not a directive httpd knows here (module not loaded?): every request answers 500", n.Name)}
			}
			continue
		case cat == "never":
			return &apacheFail{ref, fmt.Sprintf("%s is not allowed in .htaccess: every request answers 500", n.Name)}
		case cat == "always":
		case !ov.allows(cat):
			if ov.nonfatal["override"] {
				continue
			}
			why := "AllowOverride does not allow " + cat
			if !ov.set {
				why = "no AllowOverride applies (unset is not None: the file is read and every directive refused)"
			}
			return &apacheFail{ref, fmt.Sprintf("%s in .htaccess: %s; every request answers 500", n.Name, why)}
		}
		if strings.EqualFold(n.Name, "Require") && len(n.Args) > 0 {
			p := n.Args[0]
			if strings.EqualFold(p, "not") && len(n.Args) > 1 {
				p = n.Args[1]
			}
			if mod := apacheAuthzProviderModule(p); mod == "" || !e.cfg.HasModule(mod) {
				return &apacheFail{ref, fmt.Sprintf("Require %s: unknown authorization provider; every request answers 500", p)}
			}
		}
		if fail := e.checkOverrides(n.Children, ov, context); fail != nil {
			return fail
		}
	}
	return nil
}

// apacheHtaccessCategory is the AllowOverride category a directive needs
// in .htaccess and the module that defines it: "always" for sections
// allowed anywhere, "never" for server-only directives, "" when unknown.
func apacheHtaccessCategory(name string) (category, module string) {
	l := strings.ToLower(name)
	switch l {
	case "files", "filesmatch", "limit", "limitexcept", "if", "elseif", "else":
		return "always", ""
	case "require", "requireall", "requireany", "requirenone", "authmerging", "authzsendforbiddenonfailure":
		return "authconfig", "authz_core"
	case "authtype", "authname":
		return "authconfig", "authn_core"
	case "authuserfile":
		return "authconfig", "authn_file"
	case "authgroupfile":
		return "authconfig", "authz_groupfile"
	case "authbasicprovider", "authbasicauthoritative", "authbasicfake", "authbasicusedigestalgorithm":
		return "authconfig", "auth_basic"
	case "satisfy":
		return "authconfig", "access_compat"
	case "order", "allow", "deny":
		return "limit", "access_compat"
	case "options":
		return "options", ""
	case "directoryindex", "directoryslash", "fallbackresource":
		return "indexes", "dir"
	case "errordocument", "defaulttype", "addtype", "addhandler", "sethandler", "forcetype", "addcharset", "adddefaultcharset", "removehandler", "removetype", "addencoding", "addlanguage", "filesmatch_":
		return "fileinfo", ""
	case "redirect", "redirectmatch", "redirectpermanent", "redirecttemp":
		return "fileinfo", "alias"
	case "setenvif", "setenvifnocase", "browsermatch", "browsermatchnocase", "setenvifexpr":
		return "fileinfo", "setenvif"
	case "setenv", "unsetenv", "passenv":
		return "fileinfo", "env"
	case "header", "requestheader":
		return "fileinfo", "headers"
	case "expiresactive", "expiresdefault", "expiresbytype":
		return "indexes", "expires"
	case "indexoptions", "indexignore", "headername", "readmename", "adddescription", "addicon":
		return "indexes", "autoindex"
	case "directory", "directorymatch", "location", "locationmatch", "virtualhost", "documentroot", "alias", "aliasmatch",
		"scriptalias", "allowoverride", "allowoverridelist", "servername", "serveralias", "listen", "loadmodule",
		"include", "includeoptional", "serverroot", "accessfilename", "errorlog", "customlog", "user", "group":
		return "never", ""
	}
	if strings.HasPrefix(l, "authdigest") {
		return "authconfig", "auth_digest"
	}
	if strings.HasPrefix(l, "rewrite") {
		return "fileinfo", "rewrite"
	}
	return "", ""
}

// apacheAuthzProviderModule names the module that provides a Require
// provider.
func apacheAuthzProviderModule(p string) string {
	switch strings.ToLower(p) {
	case "all", "env", "method", "expr":
		return "authz_core"
	case "valid-user", "user":
		return "authz_user"
	case "ip", "host", "local", "forward-dns":
		return "authz_host"
	case "group":
		return "authz_groupfile"
	case "file-owner", "file-group":
		return "authz_owner"
	}
	return ""
}

// apacheHasAccessDirectives says whether a section holds anything that
// changes who gets in.
func apacheHasAccessDirectives(nodes []*Node) bool {
	for _, n := range nodes {
		cat, _ := apacheHtaccessCategory(n.Name)
		if cat == "authconfig" || cat == "limit" || strings.HasPrefix(strings.ToLower(n.Name), "rewrite") || apacheHasAccessDirectives(n.Children) {
			return true
		}
	}
	return false
}
