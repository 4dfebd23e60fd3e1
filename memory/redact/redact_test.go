package redact

import (
	"encoding/json"
	"strings"
	"testing"
)

// The fake credentials below are assembled at run time so that this file
// never holds a string a push-protection scanner would stop; none of them
// was ever a real key.
var (
	awsKey     = "AKIA" + "QYLPMN5HHHFPZAM2"
	ghToken    = "ghp_" + "R7uXb2kLq9ZtW4vN8cYp3mHs6dFj1aGe0oQi"
	glToken    = "glpat-" + "x9Vb7Qk2Lm4Np8Rt6Ws1"
	slackToken = "xoxb-" + "2384716502-9182736455019-" + "Qm7ZkP3vXr8LtY2nWb5cHs9d"
	stripeKey  = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc9Xk2"
	googleKey  = "AIza" + "SyD7mQ2xP9vK4tL8wR3nB6cF1hJ5gZ0eY-u"
	jwt        = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0" + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	pemKey     = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFc\n-----END RSA PRIVATE KEY-----"
)

func newRedactor(t testing.TB) *Redactor {
	t.Helper()
	r, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func TestStringRedactsSecrets(t *testing.T) {
	r := newRedactor(t)
	cases := []struct {
		name, in, rule, secret string
	}{
		{"aws access key", "export AWS_ACCESS_KEY_ID=" + awsKey, "aws-access-token", awsKey},
		{"github token", "git clone https://x:" + ghToken + "@github.com/o/r", "url-password", ghToken},
		{"github token alone", "token used: " + ghToken, "github-pat", ghToken},
		{"gitlab token", "GITLAB " + glToken + " in ci", "gitlab-pat", glToken},
		{"slack bot token", "slack: " + slackToken, "slack-bot-token", slackToken},
		{"stripe key", "stripe.Key = \"" + stripeKey + "\"", "stripe-access-token", stripeKey},
		{"google api key", "maps key " + googleKey + " here", "gcp-api-key", googleKey},
		{"jwt", "cookie " + jwt + " expired", "jwt", jwt},
		{"private key block", "key:\n" + pemKey + "\nend", "private-key", pemKey},
		{"password in url", "connect postgres://app:Wq8#zLr2vT@db.internal:5432/shop", "url-password", "Wq8#zLr2vT"},
		{"password field", "login failed password=hunter2x user=bob", "password-field", "hunter2x"},
		{"secret field yaml", "client_secret: 'b9Kx2mQ7Lp'", "password-field", "b9Kx2mQ7Lp"},
		{"connection string", "Server=db;User Id=sa;Password=Secr3tPass;", "password-field", "Secr3tPass"},
		{"ini with spaces", "password = hunter2x", "password-field", "hunter2x"},
		{"properties with a dotted key", "spring.datasource.password = myPassW0rd", "password-field", "myPassW0rd"},
		{"java string literal", `String password = "Secr3tPass";`, "", "Secr3tPass"},
		{"semicolon config line", "password = Secr3tPass;", "password-field", "Secr3tPass"},
		{"bearer token", "Authorization: Bearer abc123DEF456ghi789JKL", "bearer-token", "abc123DEF456ghi789JKL"},
		{"generic high-entropy assignment", `cfg.apiKey = "9f8e7d6c5b4a39281706f5e4d3c2b1a0zq"`, "", "9f8e7d6c5b4a39281706f5e4d3c2b1a0zq"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := r.String(c.in)
			if strings.Contains(got, c.secret) {
				t.Fatalf("secret survives: %q", got)
			}
			if c.rule != "" && !strings.Contains(got, "[REDACTED:"+c.rule+"]") {
				t.Errorf("got %q, want a [REDACTED:%s] marker", got, c.rule)
			}
			if !strings.Contains(got, "[REDACTED:") {
				t.Errorf("got %q, want a redaction marker", got)
			}
		})
	}
}

func TestStringLeavesNonSecrets(t *testing.T) {
	r := newRedactor(t)
	cases := []struct{ name, in string }{
		{"uuid", "request 3f2504e0-4f89-11d3-9a0c-0305e82c3301 failed after 3 retries"},
		{"uuid as id", `{"session_id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}`},
		{"git hash", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 fixed sessions.Store.Cleanup"},
		{"short git hash", "blame: a1b2c3d (alice 2025-01-02) return nil"},
		{"base64 image", "![logo](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==)"},
		{"aws documentation example key", "aws_access_key_id = AKIA" + "IOSFODNN7EXAMPLE"},
		{"code reading a token", `token := r.Header.Get("Authorization")`},
		{"typescript type", "interface Login { password: string }"},
		{"java variable handed on", "final Token token = currentToken;"},
		{"javascript environment read", "const apiKey = process.env.API_KEY;"},
		{"python attribute", "self._token = self._next_token"},
		{"config field", "let secret = config.secret;"},
		{"env placeholder", "password=${DB_PASSWORD}"},
		{"template placeholder", "token: {{ .Values.token }}"},
		{"prose", "the secret of a good session store is a short expiry"},
		{"search query", "account lockout after failed logins"},
		{"go identifiers", "func (s *Store) Cleanup(ctx context.Context) error { return s.sweep(ctx) }"},
		{"file path", "/home/dev/shop/internal/sessions/store.go:42"},
		{"url without password", "see https://example.com/docs/auth?page=2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := r.String(c.in); got != c.in {
				t.Errorf("changed a text with no secret:\n in  %q\n out %q\n findings %+v", c.in, got, r.Find(c.in))
			}
		})
	}
}

func TestValueRedactsJSONArguments(t *testing.T) {
	r := newRedactor(t)
	var args any
	in := `{"query":"why does login fail","password":"pw","nested":{"api_key":"k1","list":["ok","Bearer abc123DEF456ghi789JKL"]},"limit":5,"token_count":3,"kinds":["code"]}`
	if err := json.Unmarshal([]byte(in), &args); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(r.Value(args))
	s := string(out)
	for _, leak := range []string{`"pw"`, `"k1"`, "abc123DEF456ghi789JKL"} {
		if strings.Contains(s, leak) {
			t.Errorf("%s leaks into %s", leak, s)
		}
	}
	for _, keep := range []string{`"why does login fail"`, `"limit":5`, `"token_count":3`, `"kinds":["code"]`, `[REDACTED:field-password]`, `[REDACTED:field-api_key]`, `[REDACTED:bearer-token]`} {
		if !strings.Contains(s, keep) {
			t.Errorf("want %s in %s", keep, s)
		}
	}
	if !strings.Contains(in, `"pw"`) {
		t.Fatal("input changed")
	}
}

func TestEveryGitleaksRuleCompiles(t *testing.T) {
	r := newRedactor(t)
	if n := len(r.rules); n < 200 {
		t.Errorf("%d rules, want gitleaks' full set (200+)", n)
	}
}

func BenchmarkStringArguments(b *testing.B) {
	r := newRedactor(b)
	text := `{"query":"session expiry after failed logins in the auth middleware","kinds":["code","test"],"path":"internal/**/*.go","limit":10}`
	b.ReportAllocs()
	for b.Loop() {
		r.String(text)
	}
}

// TestLargeTextRunsByLine: past lineModeOver the rules run line by line;
// the same secrets are found, multi-line ones (a private key block)
// included, at the right offsets.
func TestLargeTextRunsByLine(t *testing.T) {
	r := newRedactor(t)
	filler := strings.Repeat("time=2026-01-02T03:04:05Z level=INFO msg=request path=/v1/login status=200 key_id=7\n", 300)
	secrets := map[string]string{
		"aws-access-token": "AWS_ACCESS_KEY_ID=" + awsKey,
		"github-pat":       "pushed with " + ghToken,
		"private-key":      pemKey,
		"url-password":     "dsn=postgres://app:Wq8zLr2vT@db:5432/shop",
		"jwt":              "cookie " + jwt + " expired",
	}
	text := filler
	for _, s := range secrets {
		text += s + "\n" + filler
	}
	if len(text) <= lineModeOver {
		t.Fatalf("text of %d bytes does not exercise line mode", len(text))
	}
	got := r.String(text)
	for rule := range secrets {
		if !strings.Contains(got, "[REDACTED:"+rule+"]") {
			t.Errorf("no [REDACTED:%s] in the large text", rule)
		}
	}
	for _, leak := range []string{awsKey, ghToken, "MIIEowIBAAKCAQEA", "Wq8zLr2vT", jwt} {
		if strings.Contains(got, leak) {
			t.Errorf("%.20s… survives in the large text", leak)
		}
	}
	if strings.Count(got, "key_id=7") != strings.Count(text, "key_id=7") {
		t.Error("filler lines changed")
	}
}
