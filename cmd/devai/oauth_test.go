package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/devaiops/devai/memory/decisions"
)

// testIssuer is an OAuth issuer on loopback: OpenID Connect discovery and
// a JWKS that a test may rotate. Tokens are signed here with real keys.
type testIssuer struct {
	*httptest.Server
	mu   sync.Mutex
	keys []jose.JSONWebKey // public keys served
	jwks int               // JWKS fetches
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	iss := &testIssuer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": iss.URL, "jwks_uri": iss.URL + "/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256", "HS256", "none"}})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		iss.mu.Lock()
		defer iss.mu.Unlock()
		iss.jwks++
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: iss.keys})
	})
	iss.Server = httptest.NewServer(mux)
	t.Cleanup(iss.Close)
	return iss
}

// publish makes the issuer serve exactly these keys' public halves.
func (iss *testIssuer) publish(keys ...jose.JSONWebKey) {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	iss.keys = nil
	for _, k := range keys {
		iss.keys = append(iss.keys, k.Public())
	}
}

func rsaKey(t *testing.T, kid string) jose.JSONWebKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return jose.JSONWebKey{Key: k, KeyID: kid, Algorithm: "RS256", Use: "sig"}
}

// sign makes a JWT of claims with key (its kid in the header unless
// noKid).
func sign(t *testing.T, key jose.JSONWebKey, alg jose.SignatureAlgorithm, claims map[string]any, noKid bool) string {
	t.Helper()
	sk := jose.SigningKey{Algorithm: alg, Key: key}
	if noKid {
		sk.Key = key.Key
	}
	signer, err := jose.NewSigner(sk, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const testAudience = "https://devai.example.com/mcp"

func (iss *testIssuer) claims(over map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{"iss": iss.URL, "aud": []string{testAudience}, "sub": "user-42", "preferred_username": "alice",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "scp": []string{"devai", "openid"}}
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// TestJWTValidation (issue 14): a JWT is accepted only when signed by the
// issuer's published key with a public-key algorithm, for this audience,
// from this issuer, within its validity; each refusal is a 401 whose
// WWW-Authenticate says why and where the metadata is.
func TestJWTValidation(t *testing.T) {
	iss := newTestIssuer(t)
	key, other := rsaKey(t, "k1"), rsaKey(t, "k-other")
	iss.publish(key)
	v, err := newOAuthVerifier(oauthConfig{Issuer: iss.URL, Audience: testAudience, Scopes: []string{"devai"}})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTeamServer(t, httpConfig{OAuth: v, NamedTokens: []namedToken{{"ci", "ci-token-0123456789abc"}}})
	pubDER, _ := x509.MarshalPKIXPublicKey(key.Public().Key)
	good := sign(t, key, jose.RS256, iss.claims(nil), false)
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+iss.URL+`","aud":"`+testAudience+`","sub":"admin","exp":9999999999,"scp":["devai"]}`)) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	hmacWithPublic := sign(t, jose.JSONWebKey{Key: pubDER, KeyID: "k1"}, jose.HS256, iss.claims(nil), false)
	hour := time.Hour
	tests := []struct {
		name, token string
		status      int
		why         string // in WWW-Authenticate
	}{
		{"valid", good, 200, ""},
		{"no kid, published key", sign(t, key, jose.RS256, iss.claims(nil), true), 200, ""},
		{"named token beside JWTs", "ci-token-0123456789abc", 200, ""},
		{"expired", sign(t, key, jose.RS256, iss.claims(map[string]any{"exp": time.Now().Add(-hour).Unix()}), false), 401, "the token expired at"},
		{"not yet valid", sign(t, key, jose.RS256, iss.claims(map[string]any{"nbf": time.Now().Add(hour).Unix()}), false), 401, "not valid yet"},
		{"wrong audience", sign(t, key, jose.RS256, iss.claims(map[string]any{"aud": "https://other.example.com"}), false), 401, "audience"},
		{"wrong issuer", sign(t, key, jose.RS256, iss.claims(map[string]any{"iss": "https://evil.example.com"}), false), 401, "another issuer"},
		{"tampered payload", tampered, 401, "signature does not verify"},
		{"unpublished key", sign(t, other, jose.RS256, iss.claims(nil), false), 401, "signature does not verify"},
		{"no kid, unpublished key", sign(t, other, jose.RS256, iss.claims(nil), true), 401, "signature does not verify"},
		{"alg none", none, 401, "algorithm is not accepted"},
		{"HS256 keyed with the public key", hmacWithPublic, 401, "algorithm is not accepted"},
		{"no subject", sign(t, key, jose.RS256, iss.claims(map[string]any{"sub": nil}), false), 401, "no subject"},
		{"missing scope", sign(t, key, jose.RS256, iss.claims(map[string]any{"scp": []string{"openid"}}), false), 403, `error="insufficient_scope", scope="devai"`},
		{"not a JWT", "random-token-0123456789", 401, `error="invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, ts.URL+"/mcp", map[string]string{"Authorization": "Bearer " + tt.token}, initBody)
			h := resp.Header.Get("WWW-Authenticate")
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, h, tt.status)
			}
			if tt.status == 200 {
				return
			}
			if !strings.Contains(h, tt.why) || !strings.Contains(h, `resource_metadata="`+ts.URL+resourceMetadataPath+`/mcp"`) {
				t.Errorf("WWW-Authenticate %q, want %q and the resource metadata", h, tt.why)
			}
		})
	}
	// The record of a call made with the JWT names its subject.
	if err := ts.callAs(t, good); err != nil {
		t.Fatal(err)
	}
	if got := ts.lastCaller(t); got != (decisions.Caller{Name: "alice", Via: decisions.ViaOAuth, Subject: "user-42"}) {
		t.Errorf("record caller %+v", got)
	}
}

// TestJWKSRotation: the issuer replaces its key; a token of the new key is
// accepted (the key set is fetched again for the unknown kid) and one of
// the retired key is refused.
func TestJWKSRotation(t *testing.T) {
	iss := newTestIssuer(t)
	old, next := rsaKey(t, "2026-01"), rsaKey(t, "2026-02")
	iss.publish(old)
	v, err := newOAuthVerifier(oauthConfig{Issuer: iss.URL, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTeamServer(t, httpConfig{OAuth: v})
	status := func(token string) int {
		return post(t, ts.URL+"/mcp", map[string]string{"Authorization": "Bearer " + token}, initBody).StatusCode
	}
	if got := status(sign(t, old, jose.RS256, iss.claims(nil), false)); got != 200 {
		t.Fatalf("before the rotation: %d", got)
	}
	iss.publish(next)
	if got := eventually(t, 200, func() int { return status(sign(t, next, jose.RS256, iss.claims(nil), false)) }); got != 200 {
		t.Errorf("a token of the new key: %d, want 200", got)
	}
	// go-oidc hands a fetch's keys to the request that waited for them a
	// moment before it stores them in its cache (and lets the next fetch
	// start): for that moment the next request still sees the keys before.
	// So each step after a fetch is asked until it holds, for at most 2 s.
	if got := eventually(t, 401, func() int { return status(sign(t, old, jose.RS256, iss.claims(nil), false)) }); got != 401 {
		t.Errorf("a token of the retired key: %d, want 401", got)
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecKey := jose.JSONWebKey{Key: ec, KeyID: "ec-1", Algorithm: "ES256", Use: "sig"}
	iss.publish(next, ecKey)
	if got := eventually(t, 200, func() int { return status(sign(t, ecKey, jose.ES256, iss.claims(nil), false)) }); got != 200 {
		t.Errorf("an ES256 token of an added key: %d, want 200", got)
	}
}

// eventually asks f until it answers want, for at most 2 s, and returns
// its last answer.
func eventually(t *testing.T, want int, f func() int) int {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		got := f()
		if got == want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestIssuerUnavailable: while the issuer cannot be reached, a JWT gets
// 503 (it may be valid), not 401; the named tokens keep working.
func TestIssuerUnavailable(t *testing.T) {
	iss := newTestIssuer(t)
	key := rsaKey(t, "k1")
	iss.publish(key)
	url := iss.URL
	iss.Close()
	v, err := newOAuthVerifier(oauthConfig{Issuer: url, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTeamServer(t, httpConfig{OAuth: v, NamedTokens: []namedToken{{"ci", "ci-token-0123456789abc"}}})
	token := sign(t, key, jose.RS256, map[string]any{"iss": url, "aud": testAudience, "sub": "u", "exp": time.Now().Add(time.Hour).Unix()}, false)
	resp := post(t, ts.URL+"/mcp", map[string]string{"Authorization": "Bearer " + token}, initBody)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("issuer down: %d, want 503", resp.StatusCode)
	}
	if resp := post(t, ts.URL+"/mcp", map[string]string{"Authorization": "Bearer ci-token-0123456789abc"}, initBody); resp.StatusCode != 200 {
		t.Errorf("named token while the issuer is down: %d", resp.StatusCode)
	}
}

// TestDiscoveryChecksTheIssuer: metadata that names another issuer is
// refused (with what to set), and RFC 8414 metadata is used when there is
// no OpenID Connect discovery.
func TestDiscoveryChecksTheIssuer(t *testing.T) {
	var srv *httptest.Server
	issuerName := ""
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/oauth-authorization-server/tenant", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": issuerName, "jwks_uri": srv.URL + "/jwks"})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{})
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	v, _ := newOAuthVerifier(oauthConfig{Issuer: srv.URL + "/tenant", Audience: testAudience})
	issuerName = srv.URL + "/tenant"
	if _, err := v.discover(t.Context()); err != nil {
		t.Errorf("RFC 8414 metadata: %v", err)
	}
	issuerName = "https://elsewhere.example.com"
	if _, err := v.discover(t.Context()); err == nil || !strings.Contains(err.Error(), "set --oauth-issuer to exactly") {
		t.Errorf("metadata of another issuer: %v", err)
	}
}
