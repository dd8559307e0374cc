package demo

import (
	"bytes"
	"fmt"
	"html/template"
)

// page is one HTML page of the demo product site.
type page struct {
	Path        string
	Title       string
	Description string
	Body        template.HTML // static text written here, never request data
}

// layoutHTML frames every page of the product the demo site pretends to
// sell, so the crawler finds the public pages from any of them.
const layoutHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Skylark</title>
<meta name="description" content="{{.Description}}">
<style>
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1d2433;background:#f7f8fa}
header,footer{background:#fff;border-bottom:1px solid #e3e6eb;padding:.8em 2em;display:flex;gap:1.5em;align-items:center}
footer{border-top:1px solid #e3e6eb;border-bottom:0;margin-top:3em;font-size:.9em;color:#5b6475}
header nav,footer nav{display:flex;gap:1.2em}
a{color:#2456d6;text-decoration:none}a:hover{text-decoration:underline}
.brand{font-weight:700;font-size:1.2em;color:#1d2433}
main{max-width:46em;margin:2em auto;padding:0 2em}
.card{background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:1em 1.5em;margin:1em 0}
label{display:block;margin:.6em 0 .2em}input{padding:.4em;width:18em}
button{margin-top:1em;padding:.5em 1.2em;background:#2456d6;color:#fff;border:0;border-radius:4px}
</style>
</head>
<body>
<header>
<a class="brand" href="/">Skylark</a>
<nav>
<a href="/blog/">Blog</a>
<a href="/docs/">Docs</a>
<a href="/pricing">Pricing</a>
<a href="/careers">Careers</a>
<a href="/login">Sign in</a>
</nav>
</header>
<main>
{{.Body}}
</main>
<footer>
<span>© Skylark Labs</span>
<nav>
<a href="/about">About</a>
<a href="/contact">Contact</a>
<a href="/api/status">API status</a>
<a href="/account/">Your account</a>
</nav>
</footer>
</body>
</html>
`

// sitePages are the pages the application answers with 200.
func sitePages() []page {
	return []page{
		{
			Path: "/", Title: "Status pages your customers trust",
			Description: "Skylark hosts status pages and uptime checks for small teams.",
			Body: `<h1>Status pages your customers trust</h1>
<p>Skylark checks your sites every minute and keeps a public status page up to date, so your
customers know what is going on before they write to support.</p>
<div class="card">
<h2>Get started</h2>
<p>Read the <a href="/docs/">documentation</a>, compare the <a href="/pricing">plans</a>,
or see what is new on the <a href="/blog/">blog</a>.</p>
</div>
<div class="card">
<h2>Already a customer?</h2>
<p><a href="/login">Sign in</a>, or change where alerts go in your
<a href="/account/settings">notification settings</a>.</p>
</div>
<div class="card">
<h2>We are hiring</h2>
<p>Two open positions on the <a href="/careers">careers page</a>.
Staff: the on-call rota is on the <a href="/internal/">team wiki</a>.</p>
</div>`,
		},
		{
			Path: "/about", Title: "About us",
			Description: "Skylark is a team of six people who used to be woken up by outages.",
			Body: `<h1>About us</h1>
<p>Skylark is six people in two time zones who spent years being woken up by outages that
customers had noticed first. We built the status page we wanted to have.</p>
<p>Questions? <a href="/contact">Get in touch</a>.</p>`,
		},
		{
			Path: "/contact", Title: "Contact",
			Description: "How to reach the Skylark team.",
			Body: `<h1>Contact</h1>
<div class="card">
<p>Sales and billing: <a href="mailto:hello@example.com">hello@example.com</a></p>
<p>Support: <a href="mailto:support@example.com">support@example.com</a>, answered within one
working day.</p>
</div>`,
		},
		{
			Path: "/careers", Title: "Careers",
			Description: "Open positions at Skylark.",
			Body: `<h1>Careers</h1>
<div class="card"><h2>Backend engineer (Go)</h2><p>Remote, Europe. You will own the check
scheduler and the alerting pipeline.</p></div>
<div class="card"><h2>Support engineer</h2><p>Remote, Americas. Help customers set up their
first status page.</p></div>`,
		},
		{
			Path: "/login", Title: "Sign in",
			Description: "Sign in to your Skylark account.",
			Body: `<h1>Sign in</h1>
<form class="card" method="post" action="/login">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in</button>
</form>
<p>New here? See the <a href="/pricing">plans</a>.</p>`,
		},
		{
			// Private, yet served to anyone: the route was registered before
			// the auth middleware, so it never asks who is calling.
			Path: "/account/settings", Title: "Notification settings",
			Description: "Where Skylark sends your alerts.",
			Body: `<h1>Notification settings</h1>
<div class="card">
<p>Signed in as <strong>dana@example.com</strong> (owner, Acme Widgets).</p>
<p>Alerts go to: dana@example.com, #ops on Slack, +1 555 0100 (SMS, nights only).</p>
<p>API key ending in 4f2a, created 3 March (<a href="/account/">manage keys</a>).</p>
</div>`,
		},
	}
}

func notFoundPage() page {
	return page{
		Path: "(404)", Title: "Page not found", Description: "This page does not exist.",
		Body: `<h1>Page not found</h1><p>Try the <a href="/">home page</a>.</p>`,
	}
}

func renderPage(layout *template.Template, p page) ([]byte, error) {
	var b bytes.Buffer
	if err := layout.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("render demo page %s: %w", p.Path, err)
	}
	return b.Bytes(), nil
}
