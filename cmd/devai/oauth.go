package main

// This file is OAuth 2.1 for `devai serve --http`: bearer JWTs of one
// issuer, checked against the issuer's published keys, and the
// protected-resource metadata (RFC 9728) through which an MCP client finds
// that issuer (MCP authorization specification, 2025-06-18 and later).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/hashicorp/go-hclog"

	"github.com/devaiops/devai/memory/decisions"
)

// resourceMetadataPath is where the protected-resource metadata is served;
// the metadata of the resource at /mcp is at resourceMetadataPath + "/mcp".
const resourceMetadataPath = "/.well-known/oauth-protected-resource"

// asymmetricAlgs are the signature algorithms a JWT may use: only public-key
// ones, so neither "none" nor an HMAC keyed with a published key passes.
var asymmetricAlgs = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.PS256, oidc.PS384, oidc.PS512,
	oidc.ES256, oidc.ES384, oidc.ES512, oidc.EdDSA,
}

// errIssuerUnavailable is a JWT that could not be checked because the
// issuer's metadata or keys could not be fetched: the token may be fine.
var errIssuerUnavailable = errors.New("the OAuth issuer cannot be reached to check the token; try again shortly")

// rediscoverAfter is how long a failed discovery is remembered before the
// next request tries again, so an issuer that is down is not hammered.
const rediscoverAfter = 10 * time.Second

type oauthConfig struct {
	Issuer   string
	Audience string
	Scopes   []string     // all required; none: any token of the issuer for the audience
	Client   *http.Client // nil: a client with a 10 s timeout
	Now      func() time.Time
}

// oauthVerifier checks JWTs of one issuer for one audience. It discovers
// the issuer's key set on first use (and again after a failure, at most
// every rediscoverAfter); go-oidc fetches the keys again when a token names
// a key it does not know, so the issuer may rotate its keys.
type oauthVerifier struct {
	cfg oauthConfig

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	failedAt time.Time
	failErr  error
}

func newOAuthVerifier(cfg oauthConfig) (*oauthVerifier, error) {
	u, err := url.Parse(cfg.Issuer)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Hostname()))) {
		return nil, fmt.Errorf("--oauth-issuer %q: want the issuer's https URL (http only on loopback), as its tokens' iss claim spells it", cfg.Issuer)
	}
	if strings.TrimSpace(cfg.Audience) == "" {
		return nil, errors.New("--oauth-issuer needs --oauth-audience: the aud claim your identity provider puts in tokens for devai (often the public URL of /mcp)")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &oauthVerifier{cfg: cfg}, nil
}

// insufficientScopeError is a valid token without every scope required.
type insufficientScopeError struct{ want, missing []string }

func (e *insufficientScopeError) Error() string {
	return fmt.Sprintf("the token lacks the scope %s", strings.Join(e.missing, ", "))
}

// claims are the parts of a JWT devai reads beyond what go-oidc checks.
type claims struct {
	Subject           string          `json:"sub"`
	PreferredUsername string          `json:"preferred_username"`
	Email             string          `json:"email"`
	Name              string          `json:"name"`
	ClientID          string          `json:"client_id"`
	AuthorizedParty   string          `json:"azp"`
	Scope             string          `json:"scope"`
	Scp               json.RawMessage `json:"scp"` // a list (Hydra, Okta) or a string
}

// verify checks raw (signature, algorithm, issuer, audience, expiry, not
// before, scopes) and names its caller.
func (o *oauthVerifier) verify(ctx context.Context, raw string) (decisions.Caller, error) {
	v, err := o.current(ctx)
	if err != nil {
		return decisions.Caller{}, err
	}
	probe := &keyFetch{}
	tok, err := v.Verify(context.WithValue(ctx, keyFetchKey{}, probe), raw)
	if err != nil {
		if probe.err != nil {
			return decisions.Caller{}, fmt.Errorf("%w (%v)", errIssuerUnavailable, probe.err)
		}
		return decisions.Caller{}, explainJWTError(err)
	}
	var c claims
	if err := tok.Claims(&c); err != nil {
		return decisions.Caller{}, fmt.Errorf("the token's claims cannot be read: %v", err)
	}
	if c.Subject == "" {
		return decisions.Caller{}, errors.New("the token has no subject (sub)")
	}
	if missing := missingScopes(o.cfg.Scopes, c.scopes()); len(missing) > 0 {
		return decisions.Caller{}, &insufficientScopeError{want: o.cfg.Scopes, missing: missing}
	}
	return decisions.Caller{Name: c.name(), Via: decisions.ViaOAuth, Subject: c.Subject}, nil
}

// name is the most readable name the claims give: a user name, an e-mail
// address, a display name, the client (for a client-credentials token),
// or the subject.
func (c claims) name() string {
	for _, n := range []string{c.PreferredUsername, c.Email, c.Name, c.ClientID, c.AuthorizedParty} {
		if n = strings.TrimSpace(n); n != "" {
			return n
		}
	}
	return c.Subject
}

// scopes are the token's scopes: "scope" (RFC 9068, space-separated) and
// "scp" (a list or a string).
func (c claims) scopes() []string {
	out := strings.Fields(c.Scope)
	var list []string
	var one string
	switch {
	case json.Unmarshal(c.Scp, &list) == nil:
		out = append(out, list...)
	case json.Unmarshal(c.Scp, &one) == nil:
		out = append(out, strings.Fields(one)...)
	}
	return out
}

func missingScopes(want, have []string) []string {
	var missing []string
	for _, s := range want {
		if !slices.Contains(have, s) {
			missing = append(missing, s)
		}
	}
	return missing
}

// explainJWTError says in a line what was wrong with a token, for the
// error_description of WWW-Authenticate.
func explainJWTError(err error) error {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return fmt.Errorf("the token expired at %s", expired.Expiry.UTC().Format(time.RFC3339))
	case strings.Contains(msg, "expected audience"):
		return errors.New("the token is not for this server: its audience (aud) does not name --oauth-audience")
	case strings.Contains(msg, "different provider"):
		return errors.New("the token is from another issuer (iss) than --oauth-issuer")
	case strings.Contains(msg, "nbf"):
		return errors.New("the token is not valid yet (nbf)")
	case strings.Contains(msg, "unexpected signature algorithm"), strings.Contains(msg, "algorithm"):
		return errors.New("the token's signature algorithm is not accepted (public-key algorithms only)")
	case strings.Contains(msg, "malformed"):
		return errors.New("the token is not a well-formed signed JWT")
	default:
		return errors.New("the token's signature does not verify with the issuer's keys")
	}
}

// current is the verifier, discovering the issuer on first use.
func (o *oauthVerifier) current(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.verifier != nil {
		return o.verifier, nil
	}
	if !o.failedAt.IsZero() && o.cfg.Now().Sub(o.failedAt) < rediscoverAfter {
		return nil, o.failErr
	}
	v, err := o.discover(ctx)
	if err != nil {
		o.failedAt, o.failErr = o.cfg.Now(), fmt.Errorf("%w (%v)", errIssuerUnavailable, err)
		return nil, o.failErr
	}
	o.verifier = v
	return v, nil
}

// warmUp discovers the issuer in the background as the server starts, so
// that a wrong --oauth-issuer shows in the log at once rather than at the
// first request. A nil verifier does nothing.
func (o *oauthVerifier) warmUp(ctx context.Context, logger hclog.Logger) {
	if o == nil {
		return
	}
	go func() {
		if _, err := o.current(ctx); err != nil {
			logger.Warn("OAuth: the issuer's keys cannot be found yet; JWTs get 503 until they can", "issuer", o.cfg.Issuer, "error", err)
			return
		}
		logger.Info("OAuth: accepting bearer JWTs", "issuer", o.cfg.Issuer, "audience", o.cfg.Audience)
	}()
}

// issuerMetadata is what devai reads of OpenID Connect discovery or OAuth
// authorization-server metadata (RFC 8414).
type issuerMetadata struct {
	Issuer  string   `json:"issuer"`
	JWKSURI string   `json:"jwks_uri"`
	Algs    []string `json:"id_token_signing_alg_values_supported"`
}

// discover reads the issuer's metadata (OpenID Connect discovery, else RFC
// 8414) and builds a verifier over its JWKS.
func (o *oauthVerifier) discover(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	var errs []error
	for _, u := range metadataURLs(o.cfg.Issuer) {
		md, err := o.fetchMetadata(ctx, u)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if md.Issuer != o.cfg.Issuer {
			return nil, fmt.Errorf("%s names the issuer %q, not %q: set --oauth-issuer to exactly what the provider says", u, md.Issuer, o.cfg.Issuer)
		}
		if md.JWKSURI == "" {
			return nil, fmt.Errorf("%s has no jwks_uri", u)
		}
		keys := &probedKeySet{inner: oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), o.cfg.Client), md.JWKSURI)}
		return oidc.NewVerifier(o.cfg.Issuer, keys, &oidc.Config{
			ClientID:             o.cfg.Audience,
			SupportedSigningAlgs: acceptedAlgs(md.Algs),
			Now:                  o.cfg.Now,
		}), nil
	}
	return nil, fmt.Errorf("discover the OAuth issuer %s: %w", o.cfg.Issuer, errors.Join(errs...))
}

// acceptedAlgs is what the issuer advertises, less any algorithm that is
// not public-key; every public-key one when it advertises none of those.
func acceptedAlgs(advertised []string) []string {
	var out []string
	for _, a := range advertised {
		if slices.Contains(asymmetricAlgs, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return asymmetricAlgs
	}
	return out
}

// metadataURLs are where an issuer's metadata may be: OpenID Connect
// discovery (path appended) and RFC 8414 (path inserted after the
// well-known prefix).
func metadataURLs(issuer string) []string {
	u, _ := url.Parse(issuer) // checked by newOAuthVerifier
	path := strings.TrimRight(u.Path, "/")
	origin := u.Scheme + "://" + u.Host
	return []string{
		origin + path + "/.well-known/openid-configuration",
		origin + "/.well-known/oauth-authorization-server" + path,
	}
}

func (o *oauthVerifier) fetchMetadata(ctx context.Context, u string) (issuerMetadata, error) {
	var md issuerMetadata
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return md, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := o.cfg.Client.Do(req)
	if err != nil {
		return md, fmt.Errorf("get %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return md, fmt.Errorf("get %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&md); err != nil {
		return md, fmt.Errorf("read %s: %w", u, err)
	}
	return md, nil
}

// keyFetch, carried in a verification's context, records why the key set
// could not be fetched: go-oidc flattens that error into text, and devai
// answers it with 503, not 401.
type keyFetch struct{ err error }

type keyFetchKey struct{}

// probedKeySet is the issuer's remote key set, telling a failed fetch
// (the issuer down) from a signature that does not verify.
type probedKeySet struct{ inner *oidc.RemoteKeySet }

func (k *probedKeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	payload, err := k.inner.VerifySignature(ctx, jwt)
	if err != nil && strings.HasPrefix(err.Error(), "fetching keys") {
		if p, ok := ctx.Value(keyFetchKey{}).(*keyFetch); ok {
			p.err = err
		}
	}
	return payload, err
}

// resourceMetadata is the protected-resource metadata document (RFC 9728).
type resourceMetadata struct {
	Resource               string   `json:"resource"`
	AuthorizationServers   []string `json:"authorization_servers"`
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
	ScopesSupported        []string `json:"scopes_supported,omitempty"`
	ResourceName           string   `json:"resource_name"`
}

// serveResourceMetadata answers /.well-known/oauth-protected-resource and,
// for the resource at /mcp, /.well-known/oauth-protected-resource/mcp:
// the resource is the path after the well-known prefix ("/mcp" when none).
func (a *authenticator) serveResourceMetadata(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, resourceMetadataPath)
	if path == "" || path == "/" {
		path = "/mcp"
	}
	md := resourceMetadata{
		Resource:               a.origin(r) + path,
		AuthorizationServers:   []string{a.oauth.cfg.Issuer},
		BearerMethodsSupported: []string{"header"},
		ScopesSupported:        a.oauth.cfg.Scopes,
		ResourceName:           "devai",
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "max-age=3600")
	_ = json.NewEncoder(w).Encode(md)
}
