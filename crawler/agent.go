package crawler

import (
	"fmt"
	"strings"
)

// Agent is one identity the crawler fetches as. UserAgent goes on the wire;
// RobotsToken picks the robots.txt group. They are separate because robots
// groups match the product token, never the full header.
type Agent struct {
	Name        string
	UserAgent   string
	RobotsToken string
}

// chromeVersion is a current stable Chrome version, used where crawlers embed
// the Chrome version they render with.
const chromeVersion = "142.0.7444.175"

// BrowserAgentName names the control fetch in statuses and reports.
const BrowserAgentName = "browser"

// knownAgents holds the user agents the search engines document.
var knownAgents = []Agent{
	{Name: "googlebot", RobotsToken: "Googlebot", UserAgent: "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chromeVersion + " Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
	{Name: "googlebot-desktop", RobotsToken: "Googlebot", UserAgent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/" + chromeVersion + " Safari/537.36"},
	{Name: "bingbot", RobotsToken: "bingbot", UserAgent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/" + chromeVersion + " Safari/537.36"},
	{Name: "bingbot-mobile", RobotsToken: "bingbot", UserAgent: "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chromeVersion + " Mobile Safari/537.36 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"},
}

// BrowserAgent is the control: a current desktop Chrome that no robots.txt governs.
func browserAgent() Agent {
	return Agent{Name: BrowserAgentName, UserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chromeVersion + " Safari/537.36"}
}

// knownAgentNames lists the built-in agent names, for help and errors.
func knownAgentNames() []string {
	names := make([]string, len(knownAgents))
	for i, a := range knownAgents {
		names[i] = a.Name
	}
	return names
}

// ParseAgents turns names ("googlebot") and custom "name=User-Agent" entries
// into agents. A custom agent's robots token is the product token of its
// User-Agent: the first word, cut at '/'.
func ParseAgents(specs []string) ([]Agent, error) {
	var agents []Agent
	seen := map[string]bool{}
	for _, spec := range specs {
		spec = strings.TrimSpace(spec)
		if spec == "" {
			continue
		}
		var a Agent
		if name, ua, ok := strings.Cut(spec, "="); ok {
			name, ua = strings.TrimSpace(name), strings.TrimSpace(ua)
			if name == "" || ua == "" {
				return nil, fmt.Errorf("agent %q: want name=User-Agent", spec)
			}
			a = Agent{Name: name, UserAgent: ua, RobotsToken: productToken(ua)}
		} else {
			found := false
			for _, k := range knownAgents {
				if strings.EqualFold(k.Name, spec) {
					a, found = k, true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("unknown agent %q (known: %s, or name=User-Agent)", spec, strings.Join(knownAgentNames(), ", "))
			}
		}
		if a.Name == BrowserAgentName {
			return nil, fmt.Errorf("agent name %q is reserved for the control fetch", a.Name)
		}
		if seen[a.Name] {
			return nil, fmt.Errorf("agent %q given twice", a.Name)
		}
		seen[a.Name] = true
		agents = append(agents, a)
	}
	if len(agents) == 0 {
		return nil, fmt.Errorf("no agents given")
	}
	return agents, nil
}

// productToken extracts the robots.txt product token from a User-Agent:
// "Googlebot-Image/1.0" -> "Googlebot-Image", and for the Mozilla-style
// strings the token after "compatible;".
func productToken(ua string) string {
	if i := strings.Index(ua, "compatible;"); i >= 0 {
		rest := strings.TrimSpace(ua[i+len("compatible;"):])
		return cutToken(rest)
	}
	return cutToken(ua)
}

func cutToken(s string) string {
	end := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	})
	if end < 0 {
		return s
	}
	return s[:end]
}
