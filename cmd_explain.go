package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"authwall/audit/serverconf"
	"authwall/crawler"
	"authwall/report"
)

func explainCommand(stdout io.Writer) *cobra.Command {
	var (
		configPath string
		agent      string
		format     string
	)
	cmd := &cobra.Command{
		Use:   "explain --server-config FILE [flags] URL...",
		Short: "What the given server config does with each URL, and which line decides",
		Long: `explain reads a server's own config and decides, the way the server does, what an
anonymous request for each URL gets: the server block and location chosen, the internal
redirects, the status answered before any content is read, and the directive that decides
it, with its file and line. Nothing is requested. URL names the host and port the config
serves.`,
		Example: `  authwall explain --server-config /etc/nginx https://example.org/blog/ https://example.org/admin/
  authwall explain --server-config site.conf --agent bingbot -f json http://localhost:8080/docs/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return &FieldError{Field: "format", Problem: fmt.Sprintf("%q: want table or json", format)}
			}
			if configPath == "" {
				return &FieldError{Field: "server-config", Problem: "is required: the config file or directory to read",
					Hint: "try: authwall explain --server-config /etc/nginx https://example.org/blog/"}
			}
			agents, err := crawler.ParseAgents([]string{agent})
			if err != nil {
				return &FieldError{Field: "agent", Err: err}
			}
			var reqs []serverconf.Request
			for _, raw := range args {
				req, err := serverconf.RequestFor(raw, agents[0].UserAgent)
				if err != nil {
					return usageErr("give full URLs, such as https://example.org/blog/", "URL %q: %v", raw, err)
				}
				reqs = append(reqs, req)
			}
			ev, err := serverconf.Load(configPath)
			if err != nil {
				return inputErr(err)
			}
			es := make([]report.Explanation, len(reqs))
			for i, req := range reqs {
				es[i] = report.Explanation{URL: args[i], Server: ev.Server(), Verdict: ev.Evaluate(req)}
			}
			if format == "json" {
				return report.WriteExplainJSON(stdout, es)
			}
			return report.WriteExplainTable(stdout, es)
		},
	}
	cmd.Flags().StringVar(&configPath, "server-config", "", "server config `PATH` (nginx, Apache, Caddy, HAProxy or lighttpd): a file, or a directory such as /etc/nginx")
	cmd.Flags().StringVar(&agent, "agent", "googlebot", "decide as the agent `NAME`: googlebot, googlebot-desktop, bingbot, bingbot-mobile or name=User-Agent")
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output `FORMAT`: table or json (an array, one object per URL)")
	return cmd
}
