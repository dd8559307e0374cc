package audit

import (
	"fmt"

	"authwall/crawler"
)

// White-box attribution: with the user's server configs (Options.
// ServerConfigs), each wall finding is asked about again, this time of
// the config, as its first agent: the attribution then names the file and
// line that decide, and the HTTP evidence and the config's verdict are
// compared. A private page that was served gets the block that served it.

// attributeFromConfigs adds the configs' verdicts to the findings.
func (a *Auditor) attributeFromConfigs(findings []Finding, agents []crawler.Agent) {
	if len(a.opts.ServerConfigs) == 0 {
		return
	}
	userAgents := map[string]string{}
	for _, ag := range agents {
		userAgents[ag.Name] = ag.UserAgent
	}
	for i := range findings {
		f := &findings[i]
		if len(f.Agents) == 0 {
			continue
		}
		ua := userAgents[f.Agents[0]]
		switch f.Kind {
		case PublicUnauthorized, PublicForbidden, PublicLoginRedirect, PublicServerError, UndeclaredBlocked:
			a.configWall(f, ua)
		case PrivateExposed:
			a.configExposed(f, ua)
		}
	}
}

// wallTarget is the URL that answered with the wall and its status: the
// hop that redirected to the login page for a login redirect, else the
// last hop (a 401/403/5xx reached through redirects).
func wallTarget(f *Finding) (string, int) {
	if f.Kind == PublicLoginRedirect {
		for _, h := range f.Redirects {
			if _, login := loginRedirect(h.Location); login {
				return h.URL, h.Status
			}
		}
	} else if len(f.Redirects) > 0 {
		last := f.Redirects[len(f.Redirects)-1]
		return last.URL, last.Status
	}
	return f.URL, f.Statuses[f.Agents[0]]
}

func (a *Auditor) configWall(f *Finding, userAgent string) {
	att := f.Attribution
	if att == nil {
		return // every wall finding is attributed; nothing to add to otherwise
	}
	target, status := wallTarget(f)
	cv, ok := askConfigs(a.opts.ServerConfigs, target, userAgent)
	if !ok {
		att.Evidence = appendNew(att.Evidence, "no server block of the given server configs serves "+target)
		return
	}
	switch {
	case cv.walls() && (cv.agrees(status) || cv.v.Status == 0):
		if cv.agrees(status) {
			att.Confidence = "high"
			if att.Source != cv.server {
				own := cv.attribution()
				att.Signature, att.Source, att.Mechanism, att.Directive = "", own.Source, own.Mechanism, own.Directive
			}
		}
		att.Location = cv.decidedAt()
		att.Fix = cv.wallFix()
		att.Evidence = append([]string{cv.wallEvidence()}, att.Evidence...)
	case cv.walls():
		att.Location = cv.decidedAt()
		att.Evidence = append([]string{cv.wallEvidence(),
			fmt.Sprintf("the config predicts %d but the site answered %d: a layer in front of the server (CDN, proxy) or the application changes the answer", cv.v.Status, status)},
			att.Evidence...)
	default:
		if att.Source == cv.server {
			att.Confidence = lowerConfidence(att.Confidence)
		}
		att.Evidence = append([]string{cv.openEvidence(),
			fmt.Sprintf("the site answered %d although the config leaves the path open: the wall comes from another layer (CDN, proxy, application) or from a config that was not given", status)},
			att.Evidence...)
	}
	att.Evidence = appendNew(att.Evidence, cv.v.Notes...)
}

func (a *Auditor) configExposed(f *Finding, userAgent string) {
	cv, ok := askConfigs(a.opts.ServerConfigs, f.URL, userAgent)
	if !ok {
		return
	}
	if cv.walls() {
		att := cv.attribution()
		att.Confidence = "low"
		att.Fix = fmt.Sprintf("Find what serves this path in front of or instead of the %s config: the config walls it, the site did not.", cv.server)
		att.Evidence = append(att.Evidence, fmt.Sprintf("the config predicts %s but the site answered %d to %s", cv.statusText(), f.Statuses[f.Agents[0]], f.Agents[0]))
		f.Attribution = &att
		return
	}
	att := cv.exposedAttribution()
	f.Attribution = &att
}
