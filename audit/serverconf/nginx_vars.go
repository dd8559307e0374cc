package serverconf

import (
	"strings"
)

// ngxVar is a variable set by the config's own set directive.
type ngxVar struct {
	value string
	known bool
}

// set records a set directive's result.
func (r *ngxRequest) set(name, value string, known bool) {
	if r.vars == nil {
		r.vars = map[string]ngxVar{}
	}
	r.vars[name] = ngxVar{value: value, known: known}
}

// variable is the value of an nginx variable for this request; known is
// false for what the request does not tell (cookies, addresses, headers a
// crawler may or may not send).
func (r *ngxRequest) variable(name, uri string) (value string, known bool) {
	if v, ok := r.vars[name]; ok {
		return v.value, v.known
	}
	if m := r.maps[name]; m != nil {
		return r.mapValue(m, uri)
	}
	switch name {
	case "http_user_agent":
		return r.req.UserAgent, true
	case "request_method":
		return r.method, true
	case "uri", "document_uri":
		return uri, true
	case "request_uri":
		return r.rawURI, true
	case "host", "http_host", "server_name":
		return strings.ToLower(r.req.Host), true
	case "args", "query_string":
		return r.query, true
	case "is_args":
		if r.query != "" {
			return "?", true
		}
		return "", true
	}
	if strings.HasPrefix(name, "arg_") {
		for _, kv := range strings.Split(r.query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if strings.EqualFold(k, name[4:]) {
				return v, true
			}
		}
		return "", true
	}
	return "", false
}

// mapValue evaluates a map block (http level) as nginx does: an exact key
// first, then the regexes (~, ~* case-insensitive) in order, else default.
// Hostname wildcards are not modelled: such a map gives an unknown value.
func (r *ngxRequest) mapValue(m *Node, uri string) (string, bool) {
	r.mapCalls++
	if r.mapDepth > 8 || r.inMap[m] || r.mapCalls > ngxMaxMapCalls {
		return "", false // maps defined through each other in a loop, or too many
	}
	if r.inMap == nil {
		r.inMap = map[*Node]bool{}
	}
	r.mapDepth++
	r.inMap[m] = true
	defer func() { r.mapDepth--; delete(r.inMap, m) }()
	return r.evalMap(m, uri)
}

// evalMap is mapValue's work, once per map and URI.
func (r *ngxRequest) evalMap(m *Node, uri string) (string, bool) {
	src, known := expandNginxVars(m.Args[0], r, uri)
	if !known {
		return "", false
	}
	def := ""
	var exact *Node
	for _, e := range m.Children {
		switch {
		case e.Name == "hostnames":
			return "", false
		case e.Name == "default" && len(e.Args) > 0:
			def = e.Args[0]
		case e.Name == "volatile" || e.Name == "include":
		case !strings.HasPrefix(e.Name, "~") && strings.EqualFold(e.Name, src) && exact == nil:
			exact = e
		}
	}
	value := def
	if exact != nil && len(exact.Args) > 0 {
		value = exact.Args[0]
	} else {
		for _, e := range m.Children {
			if !strings.HasPrefix(e.Name, "~") || len(e.Args) == 0 {
				continue
			}
			caseless := strings.HasPrefix(e.Name, "~*")
			re, err := compilePCRE(strings.TrimPrefix(strings.TrimPrefix(e.Name, "~*"), "~"), caseless)
			if err != nil {
				return "", false
			}
			m, ok := re.match(src)
			if !ok {
				return "", false
			}
			if m {
				value = e.Args[0]
				break
			}
		}
	}
	return expandNginxVars(value, r, uri)
}

// readsUserAgent says an expression reads the User-Agent, directly or
// through a map.
func (r *ngxRequest) readsUserAgent(expr string) bool {
	if strings.Contains(expr, "http_user_agent") {
		return true
	}
	for name, m := range r.maps {
		if len(m.Args) > 0 && (strings.Contains(expr, "$"+name) || strings.Contains(expr, "${"+name+"}")) && strings.Contains(m.Args[0], "http_user_agent") {
			return true
		}
	}
	return false
}
