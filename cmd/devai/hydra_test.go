package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/decisions"
)

// hydraHowTo is how to get the hydra binary the test runs: ory/hydra v2 is
// a program the Go module proxy serves; DSN=memory needs its sqlite build.
const hydraHowTo = `ory/hydra v2 is not installed; build it once (about 12 minutes on 2 cores):
  src=$(go mod download -json github.com/ory/hydra/v2@v2.3.0 | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  d=$(mktemp -d) && cp -r "$src"/. "$d" && chmod -R u+w "$d" && cd "$d" &&
  go mod edit -dropreplace github.com/ory/hydra-client-go/v2 &&
  CGO_ENABLED=1 GOFLAGS=-mod=mod go build -tags sqlite,sqlite_omit_load_extension -o "$HOME/.cache/devai/hydra" .
then set DEVAI_HYDRA=$HOME/.cache/devai/hydra (or put hydra on PATH); DEVAI_REQUIRE_HYDRA=1 makes its absence a failure`

// hydraBinary is $DEVAI_HYDRA or hydra on PATH; the test skips without one
// unless DEVAI_REQUIRE_HYDRA=1.
func hydraBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("DEVAI_HYDRA"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("hydra"); err == nil {
		return p
	}
	if os.Getenv("DEVAI_REQUIRE_HYDRA") == "1" {
		t.Fatal(hydraHowTo)
	}
	t.Skip(hydraHowTo)
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// hydra is an Ory Hydra server on loopback, in memory, issuing JWT access
// tokens.
type hydra struct {
	public, admin string
}

func startHydra(t *testing.T) *hydra {
	t.Helper()
	bin := hydraBinary(t)
	pub, adm := freePort(t), freePort(t)
	h := &hydra{public: fmt.Sprintf("http://127.0.0.1:%d", pub), admin: fmt.Sprintf("http://127.0.0.1:%d", adm)}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "all", "--dev", "--sqa-opt-out")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "DSN=memory", "URLS_SELF_ISSUER="+h.public,
		fmt.Sprintf("SERVE_PUBLIC_PORT=%d", pub), fmt.Sprintf("SERVE_ADMIN_PORT=%d", adm),
		"SERVE_PUBLIC_HOST=127.0.0.1", "SERVE_ADMIN_HOST=127.0.0.1",
		"STRATEGIES_ACCESS_TOKEN=jwt", "SECRETS_SYSTEM=devai-test-secret-0123456789", "LOG_LEVEL=warn")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start hydra: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(h.admin + "/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return h
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("hydra not ready after 60 s: %v\n%s", err, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// do sends a JSON (or form) request and decodes the JSON answer into out.
func hydraDo(t *testing.T, req *http.Request, out any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		t.Fatalf("%s %s: %s %v", req.Method, req.URL, resp.Status, body)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL, err)
		}
	}
}

// client registers a client-credentials client allowed these audiences
// and the scope "devai"; lifespan, when set, is its tokens' lifespan.
func (h *hydra) client(t *testing.T, audiences []string, lifespan string) (id, secret string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"client_name": "devai-test", "grant_types": []string{"client_credentials"},
		"token_endpoint_auth_method": "client_secret_basic", "audience": audiences, "scope": "devai"})
	req, _ := http.NewRequest(http.MethodPost, h.admin+"/admin/clients", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	var c struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	hydraDo(t, req, &c)
	if lifespan != "" {
		req, _ = http.NewRequest(http.MethodPut, h.admin+"/admin/clients/"+c.ID+"/lifespans",
			strings.NewReader(`{"client_credentials_grant_access_token_lifespan":"`+lifespan+`"}`))
		req.Header.Set("Content-Type", "application/json")
		hydraDo(t, req, nil)
	}
	return c.ID, c.Secret
}

// token is an access token of the client-credentials grant.
func (h *hydra) token(t *testing.T, id, secret, audience string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"devai"}, "audience": {audience}}
	req, _ := http.NewRequest(http.MethodPost, h.public+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	hydraDo(t, req, &tok)
	if strings.Count(tok.AccessToken, ".") != 2 {
		t.Fatalf("hydra's access token is not a JWT (STRATEGIES_ACCESS_TOKEN=jwt): %q", tok.AccessToken)
	}
	return tok.AccessToken
}

// TestHydraAccessTokens (issue 14): devai serve --http accepts a real
// access token of a real OAuth 2.1 server (Ory Hydra, client-credentials
// grant, JWT strategy) through mcp-go's streamable HTTP client and records
// its subject; it refuses that server's expired, wrong-audience and
// tampered tokens, and its tokens where another issuer is configured, each
// with a WWW-Authenticate that says why and where the metadata is.
func TestHydraAccessTokens(t *testing.T) {
	h := startHydra(t)
	const aud = "https://devai.test/mcp"
	id, secret := h.client(t, []string{aud, "https://other.test"}, "")
	shortID, shortSecret := h.client(t, []string{aud}, "1s")
	good := h.token(t, id, secret, aud)
	wrongAud := h.token(t, id, secret, "https://other.test")
	expiring := h.token(t, shortID, shortSecret, aud)

	v, err := newOAuthVerifier(oauthConfig{Issuer: h.public, Audience: aud, Scopes: []string{"devai"}})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTeamServer(t, httpConfig{OAuth: v})
	if err := ts.callAs(t, good); err != nil {
		t.Fatalf("a valid hydra token: %v", err)
	}
	if got := ts.lastCaller(t); got != (decisions.Caller{Name: id, Via: decisions.ViaOAuth, Subject: id}) {
		t.Errorf("record caller %+v, want the client %s via oauth", got, id)
	}
	if rep, err := decisions.Verify(ts.decisions); err != nil || !rep.OK() {
		t.Errorf("verify: %v %+v", err, rep.Break)
	}

	time.Sleep(2100 * time.Millisecond) // the 1 s token expires
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := strings.Replace(string(payload), `"sub":"`+id, `"sub":"admin`, 1)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]

	// A server that trusts another issuer: hydra's tokens are not its.
	other := newTestIssuer(t)
	other.publish(rsaKey(t, "elsewhere"))
	ov, err := newOAuthVerifier(oauthConfig{Issuer: other.URL, Audience: aud})
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := newTeamServer(t, httpConfig{OAuth: ov})

	for _, tt := range []struct {
		name, url, token, why string
	}{
		{"expired", ts.URL, expiring, "the token expired at"},
		{"wrong audience", ts.URL, wrongAud, "audience"},
		{"tampered", ts.URL, tampered, "signature does not verify"},
		{"wrong issuer", elsewhere.URL, good, `error="invalid_token"`},
	} {
		resp := post(t, tt.url+"/mcp", map[string]string{"Authorization": "Bearer " + tt.token}, initBody)
		h := resp.Header.Get("WWW-Authenticate")
		if resp.StatusCode != 401 || !strings.Contains(h, tt.why) || !strings.Contains(h, `resource_metadata="`+tt.url+resourceMetadataPath+`/mcp"`) {
			t.Errorf("%s: %d %q, want 401 with %q and the resource metadata", tt.name, resp.StatusCode, h, tt.why)
		}
	}
}
