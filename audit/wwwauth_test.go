package audit

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestParseWWWAuthenticate(t *testing.T) {
	type ch = challenge
	type ps = map[string]string
	cases := []struct {
		name     string
		values   []string
		want     []challenge
		problems []string
	}{
		{"nothing", nil, nil, nil},
		{"empty value", []string{""}, nil, nil},
		{"bare scheme", []string{"Basic"}, []ch{{Scheme: "Basic"}}, nil},
		{"basic realm", []string{`Basic realm="Restricted Area"`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "Restricted Area"}}}, nil},
		{"empty realm", []string{`Basic realm=""`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": ""}}}, nil},
		{"token value", []string{`Basic realm=fe_main`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "fe_main"}}}, nil},
		{"lighttpd basic with charset", []string{`Basic realm="Restricted Area", charset="UTF-8"`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "Restricted Area", "charset": "UTF-8"}}}, nil},
		{"apache digest", []string{`Digest realm="Digest Area", nonce="3V1tl0RhBgA=861d276f583103fe98e353a2470348491577afff", algorithm=MD5, qop="auth"`},
			[]ch{{Scheme: "Digest", Params: ps{"realm": "Digest Area", "nonce": "3V1tl0RhBgA=861d276f583103fe98e353a2470348491577afff", "algorithm": "MD5", "qop": "auth"}}}, nil},
		{"registry bearer without spaces", []string{`Bearer realm="https://auth.example.org/token",service="registry",scope="repository:a/b:pull"`},
			[]ch{{Scheme: "Bearer", Params: ps{"realm": "https://auth.example.org/token", "service": "registry", "scope": "repository:a/b:pull"}}}, nil},
		{"two challenges in one header", []string{`Basic realm="a", Bearer realm="b"`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "a"}}, {Scheme: "Bearer", Params: ps{"realm": "b"}}}, nil},
		{"RFC 9110 example", []string{`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`},
			[]ch{{Scheme: "Newauth", Params: ps{"realm": "apps", "type": "1", "title": `Login to "apps"`}}, {Scheme: "Basic", Params: ps{"realm": "simple"}}}, nil},
		{"several headers: Negotiate and NTLM", []string{"Negotiate", "NTLM"},
			[]ch{{Scheme: "Negotiate"}, {Scheme: "NTLM"}}, nil},
		{"bare schemes in one header", []string{"Negotiate, NTLM"},
			[]ch{{Scheme: "Negotiate"}, {Scheme: "NTLM"}}, nil},
		{"token68", []string{"Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnagMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYKKwYBBAGCNwICCqKCBkAEggY8YIIGOAYJ=="},
			[]ch{{Scheme: "Negotiate", Token68: "YIIGhgYGKwYBBQUCoIIGejCCBnagMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYKKwYBBAGCNwICCqKCBkAEggY8YIIGOAYJ=="}}, nil},
		{"token68 then another challenge", []string{"Negotiate abc/def+g=, Basic realm=x"},
			[]ch{{Scheme: "Negotiate", Token68: "abc/def+g="}, {Scheme: "Basic", Params: ps{"realm": "x"}}}, nil},
		{"token68 with one padding char", []string{"Foo abc="}, []ch{{Scheme: "Foo", Token68: "abc="}}, nil},
		{"escaped quotes and commas in a quoted string", []string{`Basic realm="a \"quoted\", comma, realm", charset="UTF-8"`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": `a "quoted", comma, realm`, "charset": "UTF-8"}}}, nil},
		{"escaped backslash", []string{`Basic realm="back\\slash"`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": `back\slash`}}}, nil},
		{"odd case and spacing", []string{`  bAsIc   ReAlM = "x" ,  CHARSET=utf-8  `},
			[]ch{{Scheme: "bAsIc", Params: ps{"realm": "x", "charset": "utf-8"}}}, nil},
		{"tabs", []string{"Basic\trealm=\"x\""}, []ch{{Scheme: "Basic", Params: ps{"realm": "x"}}}, nil},
		{"empty list elements", []string{`, Basic realm="a",, , Bearer,`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "a"}}, {Scheme: "Bearer"}}, nil},
		{"bearer with RFC 6750 error", []string{`Bearer realm="api", error="invalid_token", error_description="The access token expired"`},
			[]ch{{Scheme: "Bearer", Params: ps{"realm": "api", "error": "invalid_token", "error_description": "The access token expired"}}}, nil},
		{"parameter after bare scheme joins it", []string{`Basic, realm="x"`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "x"}}}, nil},
		{"unterminated quoted string", []string{`Basic realm="unterminated`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "unterminated"}}},
			[]string{"malformed WWW-Authenticate: unterminated quoted string at byte 12"}},
		{"unterminated in the second header", []string{"Negotiate", `Digest realm="x", nonce="abc`},
			[]ch{{Scheme: "Negotiate"}, {Scheme: "Digest", Params: ps{"realm": "x", "nonce": "abc"}}},
			[]string{"malformed WWW-Authenticate: unterminated quoted string at byte 24 in header 2 of 2"}},
		{"parameter without scheme", []string{`realm="x"`}, nil,
			[]string{"malformed WWW-Authenticate: parameter without an auth scheme at byte 0"}},
		{"junk where a scheme should be", []string{`"Basic"`}, nil,
			[]string{`malformed WWW-Authenticate: unexpected '"' where an auth scheme was expected at byte 0`}},
		{"name= alone reads as a token68", []string{`Basic realm=, Bearer`},
			[]ch{{Scheme: "Basic", Token68: "realm="}, {Scheme: "Bearer"}}, nil},
		{"value with a space", []string{`Basic realm=two words`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "two"}}},
			[]string{`malformed WWW-Authenticate: unexpected 'w' after parameter "realm" at byte 16`}},
		{"duplicate parameter keeps the first", []string{`Basic realm="a", realm="b"`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "a"}}},
			[]string{`malformed WWW-Authenticate: duplicate parameter "realm" at byte 17`}},
		{"garbage after token68", []string{"Negotiate abc def, NTLM"},
			[]ch{{Scheme: "Negotiate"}, {Scheme: "NTLM"}},
			[]string{`malformed WWW-Authenticate: unexpected 'd' after "abc" at byte 14`}},
		{"bad byte in scheme", []string{"Ba\x00sic realm=x, Bearer"},
			[]ch{{Scheme: "Ba"}, {Scheme: "Bearer"}},
			[]string{`malformed WWW-Authenticate: unexpected '\x00' after auth scheme "Ba" at byte 2`}},
		{"recovery keeps later challenges", []string{`Basic realm="a" junk "x, y", Bearer realm="b"`},
			[]ch{{Scheme: "Basic", Params: ps{"realm": "a"}}, {Scheme: "Bearer", Params: ps{"realm": "b"}}},
			[]string{`malformed WWW-Authenticate: unexpected 'j' after parameter "realm" at byte 16`}},
		{"only commas and spaces", []string{" , ,, "}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := parseWWWAuthenticate(tc.values)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.problems, problems)
		})
	}
}

func TestSchemeIsCaseInsensitive(t *testing.T) {
	cs, _ := parseWWWAuthenticate([]string{"nEgOtIaTe"})
	assert.True(t, schemeIs(cs[0], "Negotiate"))
	assert.False(t, schemeIs(cs[0], "NTLM"))
}

// FuzzParseWWWAuthenticate checks that no input makes the parser panic,
// loop or invent text: every scheme and parameter name comes from the
// input, and problems are well-formed.
func FuzzParseWWWAuthenticate(f *testing.F) {
	seeds := []string{
		"", "Basic", `Basic realm="Restricted Area"`, `Basic realm=""`,
		`Basic realm="Restricted Area", charset="UTF-8"`,
		`Digest realm="Digest Area", nonce="3V1tl0RhBgA=861d276f583103fe98e353a2470348491577afff", algorithm=MD5, qop="auth"`,
		`Bearer realm="sso"`, `Bearer error="invalid_token", error_description="x", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1"`,
		"Negotiate, NTLM", "Negotiate YIIGhg==", `Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`,
		`Basic realm="unterminated`, `Basic realm="a\`, `realm=x`, `,,,`, `Basic realm=, x`, "Basic \"", `a b c d`, "=", "a==, b", "\\\"",
		`Bearer realm="https://auth.example.org/token",service="registry",scope="repository:a/b:pull"`,
	}
	for _, s := range seeds {
		f.Add(s, "NTLM")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		challenges, problems := parseWWWAuthenticate([]string{a, b})
		for _, c := range challenges {
			if c.Scheme == "" {
				t.Fatalf("empty scheme from %q, %q", a, b)
			}
			if !strings.Contains(a, c.Scheme) && !strings.Contains(b, c.Scheme) {
				t.Fatalf("scheme %q not in the input", c.Scheme)
			}
			for name := range c.Params {
				if name != strings.ToLower(name) {
					t.Fatalf("parameter name %q not lower-cased", name)
				}
			}
		}
		for _, p := range problems {
			if !strings.HasPrefix(p, "malformed WWW-Authenticate: ") || !strings.Contains(p, " at byte ") {
				t.Fatalf("badly formed problem %q", p)
			}
			if strings.ContainsAny(p, "\r\n") && !strings.ContainsAny(a+b, "\r\n") {
				t.Fatalf("problem %q has a line break the input had not", p)
			}
		}
		if len(problems) > len(a)+len(b)+2 {
			t.Fatalf("%d problems for %d bytes", len(problems), len(a)+len(b))
		}
		_ = utf8.ValidString(a)
	})
}

func TestParseWWWAuthenticateSeveralHeaders(t *testing.T) {
	challenges, problems := parseWWWAuthenticate([]string{
		`Basic realm="Restricted Area", charset="UTF-8"`,
		"Negotiate, NTLM",
		`Bearer realm="api`,
	})
	assert.Equal(t, []challenge{
		{Scheme: "Basic", Params: map[string]string{"charset": "UTF-8", "realm": "Restricted Area"}},
		{Scheme: "Negotiate"},
		{Scheme: "NTLM"},
		{Scheme: "Bearer", Params: map[string]string{"realm": "api"}},
	}, challenges)
	assert.Equal(t, []string{"malformed WWW-Authenticate: unterminated quoted string at byte 13 in header 3 of 3"}, problems)
}
