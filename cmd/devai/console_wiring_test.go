package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/decisions"
)

// TestConsoleWiring: --console and --review-branch decide whether devai
// serve --http mounts the review console, and the mounted console answers
// at /console/ with its security headers.
func TestConsoleWiring(t *testing.T) {
	t.Parallel()
	ix := openShopIndex(t)
	dlog, err := decisions.Open(t.TempDir(), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dlog.Close()
	token := strings.Repeat("k", 32)
	rows := []struct {
		name    string
		args    []string
		tokens  []string
		want    bool
		wantErr string
	}{
		{"loopback: on by default", []string{"--http", "127.0.0.1:7437"}, nil, true, ""},
		{"loopback, turned off", []string{"--http", "127.0.0.1:7437", "--console=false"}, nil, false, ""},
		{"all interfaces with a token: on", []string{"--http", ":7437"}, []string{token}, true, ""},
		{"all interfaces without a token, asked for", []string{"--http", ":7437", "--console"}, nil, false, "needs authentication"},
		{"stdio", nil, nil, false, ""},
		{"review branch without the console", []string{"--http", "127.0.0.1:7437", "--console=false", "--review-branch", "review"}, nil, false, "needs the review console"},
		{"review branch that git refuses", []string{"--http", "127.0.0.1:7437", "--review-branch", "bad..name"}, nil, false, "not a valid branch name"},
		{"review branch read as an option", []string{"--http", "127.0.0.1:7437", "--review-branch=-f"}, nil, false, "want a branch name"},
		{"review branch", []string{"--http", "127.0.0.1:7437", "--review-branch", "review/approved"}, nil, true, ""},
	}
	for _, r := range rows {
		cfg, fs := serveFlags()
		if err := fs.Parse(r.args); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		h, err := newConsole(cfg, httpConfig{Tokens: r.tokens}, ix, &teamStore{decisions: dlog}, testLogger(t))
		if r.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), r.wantErr) {
				t.Errorf("%s: err %v, want %q", r.name, err, r.wantErr)
			}
			continue
		}
		if err != nil || (h != nil) != r.want {
			t.Errorf("%s: console %v, err %v; want console %v", r.name, h != nil, err, r.want)
		}
	}

	cfg, _ := serveFlags()
	cfg.HTTP = "127.0.0.1:7437"
	cons, err := newConsole(cfg, httpConfig{}, ix, &teamStore{decisions: dlog}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	face := newHTTPHandler(newTestServer(t, nil, nil), httpConfig{Addr: cfg.HTTP, MaxBodyBytes: 1 << 20, Console: cons, Stateless: true}, nil)
	w := httptest.NewRecorder()
	face.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:7437/console/proposals", nil))
	if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Security-Policy"), "script-src 'none'") {
		t.Errorf("GET /console/proposals: %d, CSP %q", w.Code, w.Header().Get("Content-Security-Policy"))
	}
}
