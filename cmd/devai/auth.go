package main

// This file is who a caller of `devai serve --http` is: named bearer tokens
// (the token file) and OAuth 2.1 bearer JWTs (oauth.go), and the caller each
// request carries into the decision log and the proposals.

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory/decisions"
)

// namedToken is a bearer token and the person or service that holds it:
// the name is what the decision log and the proposals record.
type namedToken struct {
	Name  string
	Token string
}

// defaultTokenName names the token of --auth-token (DEVAI_AUTH_TOKEN).
const defaultTokenName = "default"

// tokenNamePattern is what a token name may be: a user name, an e-mail
// address or a service name; no spaces, nothing a log reader could mistake.
var tokenNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$`)

// authFlags are the flags of `devai serve` that say who may call it,
// besides --auth-token and --auth-token-file.
type authFlags struct {
	OAuthIssuer   string
	OAuthAudience string
	OAuthScopes   []string
	PublicURL     string
	MetricsPublic bool
}

func (a *authFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.OAuthIssuer, "oauth-issuer", "", "HTTP: also accept OAuth 2.1 bearer JWTs from this issuer `URL` (its keys are found through OpenID Connect discovery or RFC 8414 metadata); needs --oauth-audience")
	fs.StringVar(&a.OAuthAudience, "oauth-audience", "", "HTTP: the audience (aud) a JWT must name to be accepted, e.g. the public URL of /mcp")
	fs.Var(listFlag{&a.OAuthScopes}, "oauth-scopes", "HTTP: scopes a JWT must all hold (comma `list`; default: none required)")
	fs.StringVar(&a.PublicURL, "public-url", "", "HTTP: the `URL` clients reach this server at (e.g. https://devai.example.com), for the OAuth protected-resource metadata; default: the request's own host")
	fs.BoolVar(&a.MetricsPublic, "metrics-public", false, "HTTP: serve /metrics without authentication (for a Prometheus that holds no token)")
}

// apply puts the OAuth settings into hc.
func (a *authFlags) apply(hc *httpConfig) error {
	hc.MetricsPublic = a.MetricsPublic
	hc.PublicURL = strings.TrimRight(a.PublicURL, "/")
	if a.OAuthIssuer == "" {
		if a.OAuthAudience != "" || len(a.OAuthScopes) > 0 {
			return usagef("--oauth-audience and --oauth-scopes need --oauth-issuer")
		}
		return nil
	}
	v, err := newOAuthVerifier(oauthConfig{Issuer: a.OAuthIssuer, Audience: a.OAuthAudience, Scopes: a.OAuthScopes})
	if err != nil {
		return usageError{err}
	}
	hc.OAuth = v
	return nil
}

// readTokenFile reads the bearer tokens of --auth-token-file: one a line,
// "name: token", or a bare token, which is named token-N after its place
// among the file's tokens (token-1, token-2…). Blank lines and lines
// starting with # are skipped. A token that holds a colon must be written
// with a name.
func readTokenFile(path string) ([]namedToken, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read --auth-token-file: %w", err)
	}
	defer f.Close()
	var tokens []namedToken
	sc := bufio.NewScanner(f)
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		t, err := parseTokenLine(line, len(tokens)+1)
		if err != nil {
			return nil, fmt.Errorf("--auth-token-file %s line %d: %w", path, lineNo, err)
		}
		tokens = append(tokens, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read --auth-token-file %s: %w", path, err)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("--auth-token-file %s has no tokens (one a line: \"name: token\" or a bare token)", path)
	}
	return tokens, nil
}

// parseTokenLine reads "name: token" or a bare token, the n-th of its file.
// The message of an error shows the name, never the token.
func parseTokenLine(line string, n int) (namedToken, error) {
	name, token, ok := strings.Cut(line, ":")
	if !ok {
		return namedToken{Name: fmt.Sprintf("token-%d", n), Token: line}, nil
	}
	name, token = strings.TrimSpace(name), strings.TrimSpace(token)
	if !tokenNamePattern.MatchString(name) {
		return namedToken{}, errors.New(`want "name: token" with a name of letters, digits and . _ @ + - (at most 64, starting with a letter or digit), or a bare token without a colon`)
	}
	if token == "" {
		return namedToken{}, fmt.Errorf("%q has no token after the colon", name)
	}
	return namedToken{Name: name, Token: token}, nil
}

// unnamedTokens names the tokens of --auth-token: "default" (several, in
// tests: default-2, default-3…).
func unnamedTokens(tokens []string) []namedToken {
	out := make([]namedToken, len(tokens))
	for i, t := range tokens {
		name := defaultTokenName
		if i > 0 {
			name = fmt.Sprintf("%s-%d", defaultTokenName, i+1)
		}
		out[i] = namedToken{Name: name, Token: strings.TrimSpace(t)}
	}
	return out
}

// checkNamedTokens refuses short tokens (as checkTokens does) and a name or
// a token given twice: one token must mean one caller.
func checkNamedTokens(tokens []namedToken) error {
	names := map[string]bool{}
	sums := map[[32]byte]string{}
	for _, t := range tokens {
		if n := len([]rune(t.Token)); n < minTokenLength {
			return usagef("bearer token %q is %d characters long: every token must be at least %d characters; make one with: openssl rand -hex 32",
				t.Name, n, minTokenLength)
		}
		if names[t.Name] {
			return usagef("the token name %q is given twice: each name is one caller", t.Name)
		}
		names[t.Name] = true
		sum := sha256.Sum256([]byte(t.Token))
		if other, dup := sums[sum]; dup {
			return usagef("tokens %q and %q are the same token: give each caller its own", other, t.Name)
		}
		sums[sum] = t.Name
	}
	return nil
}

// authenticator checks the bearer token of each request: a named token,
// compared by its SHA-256 in constant time, or else a JWT of the OAuth
// issuer. A request that passes carries its caller in its context.
type authenticator struct {
	names     []string
	sums      [][32]byte
	oauth     *oauthVerifier // nil: no JWTs accepted
	publicURL string         // "": the request's own scheme and host
}

// newAuthenticator is the authentication hc asks for; nil when it asks for
// none (loopback only: checkBind refuses the rest).
func newAuthenticator(hc httpConfig) *authenticator {
	tokens := append(unnamedTokens(hc.Tokens), hc.NamedTokens...)
	if len(tokens) == 0 && hc.OAuth == nil {
		return nil
	}
	a := &authenticator{oauth: hc.OAuth, publicURL: hc.PublicURL}
	for _, t := range tokens {
		a.names = append(a.names, t.Name)
		a.sums = append(a.sums, sha256.Sum256([]byte(t.Token)))
	}
	return a
}

// anonymous is the caller of a server without authentication.
var anonymous = decisions.Caller{Name: "anonymous", Via: decisions.ViaNone}

// require answers 401 with WWW-Authenticate (403 for a JWT without the
// scopes asked for, 503 when the issuer cannot be reached) unless the
// request carries a valid bearer token; next sees the caller in the
// request's context. A nil authenticator lets every request through as
// anonymous.
func (a *authenticator) require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a == nil {
			next.ServeHTTP(w, r.WithContext(decisions.WithCaller(r.Context(), anonymous)))
			return
		}
		got, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			a.challenge(w, r, http.StatusUnauthorized, "", "unauthorized: send Authorization: Bearer <token>")
			return
		}
		if name, ok := a.matchToken(got); ok {
			caller := decisions.Caller{Name: name, Via: decisions.ViaToken}
			next.ServeHTTP(w, r.WithContext(decisions.WithCaller(r.Context(), caller)))
			return
		}
		if a.oauth == nil || !looksLikeJWT(got) {
			a.challenge(w, r, http.StatusUnauthorized, `error="invalid_token"`, "unauthorized: the bearer token is not valid")
			return
		}
		caller, err := a.oauth.verify(r.Context(), got)
		if err != nil {
			a.refuseJWT(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(decisions.WithCaller(r.Context(), caller)))
	})
}

// matchToken is the name of the token got is, comparing with every token
// (so the time taken says nothing about which matched, or how closely).
func (a *authenticator) matchToken(got string) (string, bool) {
	sum := sha256.Sum256([]byte(got))
	found := -1
	for i := range a.sums {
		eq := subtle.ConstantTimeCompare(sum[:], a.sums[i][:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	if found < 0 {
		return "", false
	}
	return a.names[found], true
}

// refuseJWT answers a JWT that did not pass: 503 when the issuer could not
// be asked, 403 when scopes are missing, else 401 saying what was wrong.
func (a *authenticator) refuseJWT(w http.ResponseWriter, r *http.Request, err error) {
	var scopeErr *insufficientScopeError
	switch {
	case errors.Is(err, errIssuerUnavailable):
		http.Error(w, "service unavailable: "+err.Error(), http.StatusServiceUnavailable)
	case errors.As(err, &scopeErr):
		a.challenge(w, r, http.StatusForbidden,
			fmt.Sprintf(`error="insufficient_scope", scope=%q, error_description=%q`, strings.Join(scopeErr.want, " "), quoteSafe(err.Error())),
			"forbidden: "+err.Error())
	default:
		a.challenge(w, r, http.StatusUnauthorized,
			fmt.Sprintf(`error="invalid_token", error_description=%q`, quoteSafe(err.Error())),
			"unauthorized: the bearer token is not valid: "+err.Error())
	}
}

// challenge answers status with a WWW-Authenticate header: the Bearer
// scheme, the realm, the protected-resource metadata and the scopes to ask
// for when OAuth is on (so an MCP client can find the authorization server
// and ask it for a fitting token), and params.
func (a *authenticator) challenge(w http.ResponseWriter, r *http.Request, status int, params, body string) {
	h := `Bearer realm="devai"`
	if a.oauth != nil {
		h += fmt.Sprintf(`, resource_metadata=%q`, a.origin(r)+resourceMetadataPath+publicPath(r))
		if scopes := a.oauth.cfg.Scopes; len(scopes) > 0 && status == http.StatusUnauthorized {
			h += fmt.Sprintf(`, scope=%q`, strings.Join(scopes, " ")) // what to ask the issuer for
		}
	}
	if params != "" {
		h += ", " + params
	}
	w.Header().Set("WWW-Authenticate", h)
	http.Error(w, body, status)
}

type publicPathKey struct{}

// withPublicPath keeps the path a client asked for (/mcp/NAME) on a
// request handed to a repository's endpoint as /mcp, so that a challenge
// names the metadata of the resource the client asked for.
func withPublicPath(ctx context.Context, path string) context.Context {
	return context.WithValue(ctx, publicPathKey{}, path)
}

// publicPath is the path the client asked for.
func publicPath(r *http.Request) string {
	if p, ok := r.Context().Value(publicPathKey{}).(string); ok {
		return p
	}
	return r.URL.Path
}

// origin is the scheme and host clients reach this server at.
func (a *authenticator) origin(r *http.Request) string {
	if a.publicURL != "" {
		return a.publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// quoteSafe keeps a message fit for a quoted-string of a header: no quotes
// or backslashes, printable ASCII only (RFC 6750 section 3).
func quoteSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '\''
		}
		return r
	}, s)
}

// looksLikeJWT reports whether a bearer token has the three dot-separated
// parts of a JWS compact serialisation.
func looksLikeJWT(token string) bool {
	return strings.Count(token, ".") == 2
}

// bearerToken is the token of an Authorization header of the Bearer
// scheme, whose name is case-insensitive (RFC 7235 section 2.1), so
// "bearer" and "BEARER" are Bearer too.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// oauthIssuerOf is the issuer whose JWTs hc accepts, for the start-up log.
func oauthIssuerOf(hc httpConfig) string {
	if hc.OAuth == nil {
		return ""
	}
	return hc.OAuth.cfg.Issuer
}

// callerLine is a caller as `devai decisions show` prints it:
// "alice (oauth, subject 5f2c…)".
func callerLine(c decisions.Caller) string {
	s := c.Name + " (" + c.Via
	if c.Subject != "" && c.Subject != c.Name {
		s += ", subject " + c.Subject
	}
	return s + ")"
}

// forwardedCallerHeader carries the caller of a call that a devai process
// serving through the index's holder forwards over the local socket, so
// the holder's decision record names the HTTP caller, not the local user.
const forwardedCallerHeader = "X-Devai-Caller"

// forwardCaller is the header a forwarded request carries: the caller of
// ctx, when there is one (none: the holder records the local user).
func forwardCaller(ctx context.Context) map[string]string {
	c, ok := decisions.CallerFrom(ctx)
	if !ok {
		return nil
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return nil
	}
	return map[string]string{forwardedCallerHeader: string(raw)}
}

// acceptForwardedCaller takes the caller a forwarding devai process names.
// Only the local socket uses it: the socket is the user's alone (0600),
// and that user may write the decision log anyway.
func acceptForwardedCaller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var c decisions.Caller
		raw := r.Header.Get(forwardedCallerHeader)
		if raw != "" && json.Unmarshal([]byte(raw), &c) == nil && c.Name != "" && knownVia(c.Via) {
			r = r.WithContext(decisions.WithCaller(r.Context(), c))
		}
		next.ServeHTTP(w, r)
	})
}

func knownVia(via string) bool {
	switch via {
	case decisions.ViaToken, decisions.ViaOAuth, decisions.ViaLocal, decisions.ViaNone:
		return true
	}
	return false
}
