package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"authwall/crawler"
)

func robotsCommand(stdout, stderr io.Writer) *cobra.Command {
	var (
		file   string
		agents []string
		token  string
		format string
	)
	cmd := &cobra.Command{
		Use:   "robots [flags] URL...",
		Short: "robots.txt verdict per agent for each URL, with the deciding line",
		Long: `robots reads robots.txt from each URL's site (or from --file) and prints, per URL
and agent, whether the agent may fetch it and the line that decided. It runs the code
the crawler uses, so its verdicts are the crawler's.`,
		Example: `  authwall robots https://example.org/private/x https://example.org/blog/
  authwall robots --file robots.txt --token Googlebot-Image https://example.org/img/a.png
  authwall robots --format json --agents googlebot,bingbot https://example.org/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageErr("", "--format %q: want text or json", format)
			}
			var list []crawler.Agent
			var err error
			if token != "" {
				list = []crawler.Agent{{Name: token, RobotsToken: token, UserAgent: "Mozilla/5.0 (compatible; " + token + ")"}}
			} else if list, err = crawler.ParseAgents(agents); err != nil {
				return usageErr("", "--agents: %v", err)
			}
			var body []byte
			if file != "" {
				if body, err = os.ReadFile(file); err != nil {
					return inputErr(fmt.Errorf("read robots.txt: %w", err))
				}
				if body == nil {
					body = []byte{}
				}
			}
			checks, err := crawler.CheckRobots(c.Context(), crawler.Options{Agents: list, Logger: newLogger(stderr, false, false)}, args, body)
			if err != nil {
				return inputErr(err)
			}
			enc := json.NewEncoder(stdout)
			enc.SetEscapeHTML(false)
			for _, ck := range checks {
				if format == "json" {
					if err := enc.Encode(robotsLine{URL: ck.URL, Agent: ck.Agent, Token: ck.Token, Allowed: ck.Allowed, Line: ck.Line, Rule: ck.Rule, Robots: string(ck.State), Status: ck.Status, Error: ck.Err}); err != nil {
						return err
					}
					continue
				}
				verdict := "allowed"
				if !ck.Allowed {
					verdict = "disallowed"
				}
				why := "no rule matched"
				switch {
				case ck.Line > 0:
					why = fmt.Sprintf("line %d: %s", ck.Line, ck.Rule)
				case ck.Rule != "":
					why = ck.Rule
				case ck.State == crawler.RobotsAllowAll && file == "":
					why = fmt.Sprintf("robots.txt answered %d: no restrictions", ck.Status)
				}
				fmt.Fprintf(stdout, "%-10s %-18s %s  (%s)\n", verdict, ck.Agent, ck.URL, why)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "file", "", "read robots.txt from `FILE` instead of fetching it")
	cmd.Flags().StringSliceVar(&agents, "agents", []string{"googlebot", "bingbot"}, "`LIST` of agents: googlebot, googlebot-desktop, bingbot, bingbot-mobile or name=User-Agent")
	cmd.Flags().StringVar(&token, "token", "", "decide for this product `TOKEN` (e.g. Googlebot-Image) instead of --agents")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output `FORMAT`: text or json (one object a line)")
	return cmd
}

// robotsLine is one JSON line of `authwall robots --format json`.
type robotsLine struct {
	URL     string `json:"url"`
	Agent   string `json:"agent"`
	Token   string `json:"token"`
	Allowed bool   `json:"allowed"`
	Line    int    `json:"line"`
	Rule    string `json:"rule"`
	Robots  string `json:"robots"`
	Status  int    `json:"robots_status,omitempty"`
	Error   string `json:"error,omitempty"`
}
