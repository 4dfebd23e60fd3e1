package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/gitmirror/mirrortest"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

const testHookSecret = "hook-secret-0123456789abcdef"

// startServeRepos runs devai serve --http on a loopback port with args
// (--serve-repo, --repos, …) until the test ends, and returns its base URL.
func startServeRepos(t *testing.T, args ...string) string {
	t.Helper()
	return startServeReposWith(t, nil, args...)
}

// startServeReposWith is startServeRepos with a change to the parsed
// config (the knobs no flag sets).
func startServeReposWith(t *testing.T, change func(*serveConfig), args ...string) string {
	t.Helper()
	cfg, fs := serveFlags()
	base := []string{"--http", "127.0.0.1:0", "--embedder", "hash", "--state-dir", t.TempDir(), "--log-level", "warn"}
	if err := fs.Parse(append(base, args...)); err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	up := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, cfg, strings.NewReader(""), io.Discard, testWriter{t}, func(a net.Addr) { up <- a })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case a := <-up:
		return "http://" + a.String()
	case err := <-done:
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not listen within 30 s")
	}
	return ""
}

// readyz reads /readyz of a server of several repositories.
func readyz(t *testing.T, base string) (int, map[string]repoStatus) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Repositories map[string]repoStatus }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body.Repositories
}

// waitIndexed waits until /readyz says every repository in want is ready,
// and a repository given by URL has indexed the commit wanted ("" for a
// folder).
func waitIndexed(t *testing.T, base string, want map[string]string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second) // the shop's first sync, on a busy machine
	for {
		_, repos := readyz(t, base)
		done := true
		for name, commit := range want {
			if st := repos[name]; !st.Ready || st.Commit != commit {
				done = false
			}
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not indexed within 90 s: want %v, /readyz says %+v", want, repos)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// searchPaths calls search_context and returns the paths of its hits.
func searchPaths(t *testing.T, c *client.Client, query string) []string {
	t.Helper()
	res := tooltest.Call(t, c, "search_context", map[string]any{"query": query, "limit": 20})
	if res.IsError {
		t.Fatalf("search %q: %s", query, resultText(res))
	}
	var out struct{ Hits []struct{ Path string } }
	if err := tooltest.Structured(res, &out); err != nil {
		t.Fatal(err)
	}
	paths := make([]string, len(out.Hits))
	for i, h := range out.Hits {
		paths[i] = h.Path
	}
	return paths
}

func readResource(c *client.Client, uri string) (string, error) {
	var rr mcp.ReadResourceRequest
	rr.Params.URI = uri
	res, err := c.ReadResource(context.Background(), rr)
	if err != nil {
		return "", err
	}
	return res.Contents[0].(mcp.TextResourceContents).Text, nil
}

// gitFolder makes a git repository of files in a fresh folder: a repository
// served from a path.
func gitFolder(t *testing.T, files map[string]string) string {
	t.Helper()
	up := mirrortest.New(t)
	up.Commit("main", files)
	return up.Work
}

func hookSignature(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func postHook(t *testing.T, url string, headers map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func hasPrefix(paths []string, prefix string) bool {
	for _, p := range paths {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// TestThreeRepositoriesEachAnswerOnlyAboutItself serves testdata/shop (a
// folder), a small folder and a repository cloned from a bare remote on one
// server, and checks through mcp-go's streamable HTTP client that each
// endpoint searches, reads and records only its own repository; then that
// a signed webhook makes a push searchable and a badly signed one is
// refused.
func TestThreeRepositoriesEachAnswerOnlyAboutItself(t *testing.T) {
	shopDir, _ := fixture.GitRepo(t)
	billing := gitFolder(t, map[string]string{"billing/ledger.go": "package billing\n\n// PostZanzibarLedger books a zanzibar ledger entry.\nfunc PostZanzibarLedger() {}\n"})
	remote := mirrortest.New(t)
	first := remote.Commit("main", map[string]string{"queue/quokka.go": "package queue\n\n// DrainQuokkaQueue empties the quokka queue.\nfunc DrainQuokkaQueue() {}\n"})

	base := startServeRepos(t, "--serve-repo", "shop="+shopDir, "--serve-repo", "billing="+billing,
		"--serve-repo", "queue=file://"+remote.Bare+"#main", "--fetch-interval", "0", "--webhook-secret", testHookSecret)
	waitIndexed(t, base, map[string]string{"shop": "", "billing": "", "queue": first})
	if code, repos := readyz(t, base); code != http.StatusOK || repos["queue"].Source != "url" || repos["queue"].Branch != "main" || repos["shop"].Source != "path" {
		t.Fatalf("/readyz: %d %+v", code, repos)
	}

	v := mcp.ProtocolVersion20251125
	clients := map[string]*client.Client{}
	for _, name := range []string{"shop", "billing", "queue"} {
		c, err := connectHTTP(t, base+"/mcp/"+name, "", v)
		if err != nil {
			t.Fatalf("connect to /mcp/%s: %v", name, err)
		}
		clients[name] = c
	}

	own := map[string]string{"shop": "internal/", "billing": "billing/", "queue": "queue/"}
	queries := map[string]string{"shop": "account lockout after failed logins", "billing": "zanzibar ledger", "queue": "quokka queue"}
	for name, c := range clients {
		for other, query := range queries {
			paths := searchPaths(t, c, query)
			for foreign, prefix := range own {
				if foreign != name && hasPrefix(paths, prefix) {
					t.Errorf("search %q on /mcp/%s returned %s's files: %v", query, name, foreign, paths)
				}
			}
			if other == name && !hasPrefix(paths, own[name]) {
				t.Errorf("search %q on /mcp/%s found none of its own files: %v", query, name, paths)
			}
		}
	}

	if text, err := readResource(clients["billing"], "devai://code/billing/ledger.go"); err != nil || !strings.Contains(text, "PostZanzibarLedger") {
		t.Errorf("billing reads its own file: %v %q", err, text)
	}
	for _, name := range []string{"shop", "queue"} {
		if text, err := readResource(clients[name], "devai://code/billing/ledger.go"); err == nil {
			t.Errorf("/mcp/%s read billing's file: %q", name, text)
		}
	}
	for name, c := range clients {
		text, err := readResource(c, "devai://decisions")
		if err != nil {
			t.Fatalf("devai://decisions on /mcp/%s: %v", name, err)
		}
		// Three searches on each endpoint, recorded in its own log only.
		if n := strings.Count(text, `"search_context"`); n != 3 {
			t.Errorf("devai://decisions on /mcp/%s lists %d search_context calls, want its own 3: %s", name, n, text)
		}
	}

	// A push, then a webhook: the new commit becomes searchable on queue only.
	second := remote.Commit("main", map[string]string{"queue/wombat.go": "package queue\n\n// WombatBurrow digs a wombat burrow.\nfunc WombatBurrow() {}\n"})
	body := `{"ref":"refs/heads/main"}`
	if code, msg := postHook(t, base+"/hooks/queue", map[string]string{hubSignatureHeader: hookSignature("wrong-secret-0123456789", body)}, body); code != http.StatusForbidden {
		t.Errorf("a badly signed webhook: %d %s, want 403", code, msg)
	}
	if code, msg := postHook(t, base+"/hooks/queue", nil, body); code != http.StatusUnauthorized {
		t.Errorf("an unsigned webhook on a server without tokens: %d %s, want 401", code, msg)
	}
	time.Sleep(300 * time.Millisecond)
	if _, repos := readyz(t, base); repos["queue"].Commit != first || repos["queue"].Fetched != first {
		t.Fatalf("a refused webhook fetched: %+v", repos["queue"])
	}
	if code, msg := postHook(t, base+"/hooks/queue", map[string]string{hubSignatureHeader: hookSignature(testHookSecret, body)}, body); code != http.StatusAccepted {
		t.Fatalf("a signed webhook: %d %s, want 202", code, msg)
	}
	waitIndexed(t, base, map[string]string{"queue": second})
	if paths := searchPaths(t, clients["queue"], "wombat burrow"); !hasPrefix(paths, "queue/wombat.go") {
		t.Errorf("after the webhook, the pushed file is not found: %v", paths)
	}
	if paths := searchPaths(t, clients["billing"], "wombat burrow"); hasPrefix(paths, "queue/") {
		t.Errorf("billing found queue's push: %v", paths)
	}
	if code, msg := postHook(t, base+"/hooks/billing", map[string]string{hubSignatureHeader: hookSignature(testHookSecret, body)}, body); code != http.StatusConflict {
		t.Errorf("a webhook for a folder: %d %s, want 409", code, msg)
	}
}

func TestUnknownRepositoryEndpointsListTheNames(t *testing.T) {
	a := gitFolder(t, map[string]string{"a.go": "package a\n"})
	b := gitFolder(t, map[string]string{"b.go": "package b\n"})
	base := startServeRepos(t, "--serve-repo", "alpha="+a, "--serve-repo", "beta="+b)
	tests := []struct {
		method, path string
		code         int
		want         string
	}{
		{http.MethodPost, "/mcp/gamma", http.StatusNotFound, `no repository is named "gamma": this server serves /mcp/alpha, /mcp/beta`},
		{http.MethodPost, "/mcp", http.StatusNotFound, "this server serves /mcp/alpha, /mcp/beta"},
		{http.MethodPost, "/mcp/alpha/x", http.StatusNotFound, "no endpoint is /mcp/alpha/x: this server serves /mcp/alpha, /mcp/beta"},
		{http.MethodPost, "/hooks/gamma", http.StatusNotFound, "hooks are /hooks/alpha, /hooks/beta"},
		{http.MethodGet, "/hooks/alpha", http.StatusMethodNotAllowed, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, base+tt.path, strings.NewReader(initBody))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.code || !strings.Contains(string(b), tt.want) {
				t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.path, resp.StatusCode, b, tt.code, tt.want)
			}
		})
	}
}

// TestIntervalFetchFollowsPushes: without any webhook, --fetch-interval
// brings a push into the index; and /mcp serves the only repository.
func TestIntervalFetchFollowsPushes(t *testing.T) {
	remote := mirrortest.New(t)
	first := remote.Commit("main", map[string]string{"docs/a.md": "# Alpha\n\nThe aardvark service.\n"})
	base := startServeRepos(t, "--serve-repo", "docs=file://"+remote.Bare, "--fetch-interval", "200ms")
	waitIndexed(t, base, map[string]string{"docs": first})
	c, err := connectHTTP(t, base+"/mcp", "", mcp.ProtocolVersion20251125)
	if err != nil {
		t.Fatalf("/mcp with one repository: %v", err)
	}
	second := remote.Commit("main", map[string]string{"docs/b.md": "# Beta\n\nThe bandicoot service.\n"})
	waitIndexed(t, base, map[string]string{"docs": second})
	if paths := searchPaths(t, c, "bandicoot service"); !hasPrefix(paths, "docs/b.md") {
		t.Errorf("after an interval fetch, the pushed file is not found: %v", paths)
	}
}

// TestWebhookWithTheBearerToken: a server with tokens accepts a webhook that
// carries one instead of a signature, and refuses one without either.
func TestWebhookWithTheBearerToken(t *testing.T) {
	remote := mirrortest.New(t)
	first := remote.Commit("main", map[string]string{"a.go": "package a\n"})
	base := startServeRepos(t, "--serve-repo", "a=file://"+remote.Bare, "--fetch-interval", "0", "--auth-token", testToken)
	waitIndexed(t, base, map[string]string{"a": first})
	if code, msg := postHook(t, base+"/hooks/a", nil, "{}"); code != http.StatusUnauthorized {
		t.Errorf("no token: %d %s, want 401", code, msg)
	}
	if code, msg := postHook(t, base+"/hooks/a", map[string]string{hubSignatureHeader: hookSignature(testHookSecret, "{}")}, "{}"); code != http.StatusUnauthorized {
		t.Errorf("a signature but no secret configured, and no token: %d %s, want 401", code, msg)
	}
	second := remote.Commit("main", map[string]string{"b.go": "package a // b\n"})
	if code, msg := postHook(t, base+"/hooks/a", map[string]string{"Authorization": "Bearer " + testToken}, "{}"); code != http.StatusAccepted {
		t.Fatalf("with the token: %d %s, want 202", code, msg)
	}
	waitIndexed(t, base, map[string]string{"a": second})
}

func TestRepositorySpecs(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "hook.secret")
	if err := os.WriteFile(secretFile, []byte(testHookSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", `# repositories served by devai
repositories:
  - name: here
    path: .
  - name: api
    url: https://example.com/org/api.git
    branch: release
    webhook_secret_file: hook.secret
`)
	tests := []struct {
		name  string
		cfg   reposConfig
		want  []repoSpec // compared by name, path, url, branch
		error string
	}{
		{name: "flags", cfg: reposConfig{ServeRepos: []string{"a=" + dir, "b=https://example.com/b.git#dev", "c=git@example.com:org/c.git", "d=file:///srv/d.git"}},
			want: []repoSpec{{Name: "a", Path: dir}, {Name: "b", URL: "https://example.com/b.git", Branch: "dev"}, {Name: "c", URL: "git@example.com:org/c.git"}, {Name: "d", URL: "file:///srv/d.git"}}},
		{name: "file", cfg: reposConfig{File: good},
			want: []repoSpec{{Name: "here", Path: dir}, {Name: "api", URL: "https://example.com/org/api.git", Branch: "release"}}},
		{name: "no equals", cfg: reposConfig{ServeRepos: []string{dir}}, error: "want NAME=PATH or NAME=URL[#BRANCH]"},
		{name: "bad name", cfg: reposConfig{ServeRepos: []string{"../x=" + dir}}, error: `repository name "../x": use 1 to 64 letters`},
		{name: "name with a slash", cfg: reposConfig{ServeRepos: []string{"a/b=" + dir}}, error: "use 1 to 64 letters"},
		{name: "empty name", cfg: reposConfig{ServeRepos: []string{"=" + dir}}, error: `repository name ""`},
		{name: "twice", cfg: reposConfig{ServeRepos: []string{"a=" + dir, "a=" + dir}}, error: `repository "a" is given twice`},
		{name: "missing folder", cfg: reposConfig{ServeRepos: []string{"a=" + filepath.Join(dir, "nope")}}, error: "is not a folder"},
		{name: "option URL", cfg: reposConfig{ServeRepos: []string{"a=-u://x"}}, error: "starts with '-'"},
		{name: "option URL in a file", cfg: reposConfig{File: write("opt.yaml", "repositories:\n  - name: a\n    url: --upload-pack=x\n")}, error: "starts with '-'"},
		{name: "misspelt key", cfg: reposConfig{File: write("typo.yaml", "repositories:\n  - name: a\n    url: https://x/a.git\n    brnach: main\n")}, error: "field brnach not found"},
		{name: "empty file", cfg: reposConfig{File: write("empty.yaml", "repositories: []\n")}, error: "lists no repositories"},
		{name: "path and url", cfg: reposConfig{File: write("both.yaml", "repositories:\n  - name: a\n    path: .\n    url: https://x/a.git\n")}, error: "both a path and a url"},
		{name: "branch of a path", cfg: reposConfig{File: write("pb.yaml", "repositories:\n  - name: a\n    path: .\n    branch: main\n")}, error: "a branch is followed only for a url"},
		{name: "short secret", cfg: reposConfig{ServeRepos: []string{"a=" + dir}, WebhookSecret: "short"}, error: "--webhook-secret is 5 characters long"},
		{name: "negative interval", cfg: reposConfig{ServeRepos: []string{"a=" + dir}, FetchInterval: -time.Second}, error: "--fetch-interval -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.specs()
			if tt.error != "" {
				if err == nil || !strings.Contains(err.Error(), tt.error) {
					t.Fatalf("err %v, want %q", err, tt.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Name != w.Name || g.Path != w.Path || g.URL != w.URL || g.Branch != w.Branch {
					t.Errorf("repository %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
	specs, err := (&reposConfig{File: good}).specs()
	if err != nil || !bytes.Equal(specs[1].webhookSecret, []byte(testHookSecret)) || specs[0].webhookSecret != nil {
		t.Errorf("webhook secrets: %v %+v", err, specs)
	}
}

func TestServeReposRefusesWhatCannotWork(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no --http", []string{"--serve-repo", "a=" + dir}, "add --http HOST:PORT"},
		{"one anchor for several logs", []string{"--http", "127.0.0.1:0", "--serve-repo", "a=" + dir, "--decisions-anchor-file", filepath.Join(dir, "anchor")},
			"each repository has its own decision log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, fs := serveFlags()
			if err := fs.Parse(append(tt.args, "--repo", dir)); err != nil {
				t.Fatal(err)
			}
			err := runServe(context.Background(), cfg, strings.NewReader(""), io.Discard, io.Discard, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
		})
	}
}

// TestARemoteThatCannotBeClonedDelaysOnlyItself: a repository whose remote
// is missing answers 503 with the reason while the others serve; once the
// remote exists, a webhook brings it in without a restart.
func TestARemoteThatCannotBeClonedDelaysOnlyItself(t *testing.T) {
	here := gitFolder(t, map[string]string{"a.go": "package a\n"})
	remote := mirrortest.New(t)
	first := remote.Commit("main", map[string]string{"later/late.go": "package later\n"})
	bare := filepath.Join(t.TempDir(), "later.git") // not there yet
	// Retries of the failed clone wait an hour: only the webhook can bring it in.
	base := startServeReposWith(t, func(c *serveConfig) { c.repos.cloneRetry = time.Hour },
		"--serve-repo", "here="+here, "--serve-repo", "later=file://"+bare+"#main", "--fetch-interval", "0", "--webhook-secret", testHookSecret)
	waitIndexed(t, base, map[string]string{"here": ""})
	var repos map[string]repoStatus
	var code int
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if code, repos = readyz(t, base); repos["later"].Error != "" || time.Now().After(deadline) {
			break
		}
	}
	if code != http.StatusServiceUnavailable || repos["later"].State != "cloning" || !strings.Contains(repos["later"].Error, "fetch branch main of") {
		t.Fatalf("/readyz with a missing remote: %d %+v", code, repos["later"])
	}
	resp := post(t, base+"/mcp/later", nil, initBody)
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), `repository "later" is not served yet (cloning)`) {
		t.Errorf("/mcp/later before its clone: %d %s", resp.StatusCode, b)
	}
	if _, err := connectHTTP(t, base+"/mcp/here", "", mcp.ProtocolVersion20251125); err != nil {
		t.Errorf("/mcp/here while later cannot be cloned: %v", err)
	}

	mirrortest.Git(t, filepath.Dir(bare), "clone", "--quiet", "--bare", remote.Bare, bare)
	body := "{}"
	if code, msg := postHook(t, base+"/hooks/later", map[string]string{hubSignatureHeader: hookSignature(testHookSecret, body)}, body); code != http.StatusAccepted {
		t.Fatalf("webhook for a repository not cloned yet: %d %s", code, msg)
	}
	waitIndexed(t, base, map[string]string{"later": first})
	if code, _ := readyz(t, base); code != http.StatusOK {
		t.Errorf("/readyz once every repository is served: %d", code)
	}
}

// recordingSink keeps the messages an hclog sink receives.
type recordingSink struct {
	mu   sync.Mutex
	msgs []string
}

func (s *recordingSink) Accept(_ string, _ hclog.Level, msg string, _ ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, msg)
}

// TestRepositoryLoggersShareNoSinks: the log lines of one repository reach
// the sinks (the MCP log forwarder to its clients) of that repository only.
func TestRepositoryLoggersShareNoSinks(t *testing.T) {
	var out bytes.Buffer
	newLogger, closeLog, err := newLoggerFactory("info", "", &out)
	if err != nil {
		t.Fatal(err)
	}
	defer closeLog()
	a, b := newLogger("devai.a"), newLogger("devai.b")
	sinkA, sinkB := &recordingSink{}, &recordingSink{}
	a.RegisterSink(sinkA)
	b.RegisterSink(sinkB)
	a.Info("indexed a")
	b.Named("memory").Warn("indexed b")
	if len(sinkA.msgs) != 1 || sinkA.msgs[0] != "indexed a" || len(sinkB.msgs) != 1 || sinkB.msgs[0] != "indexed b" {
		t.Errorf("sinks: a got %q, b got %q", sinkA.msgs, sinkB.msgs)
	}
	if !strings.Contains(out.String(), "devai.a: indexed a") || !strings.Contains(out.String(), "devai.b.memory: indexed b") {
		t.Errorf("both loggers write to the one output: %q", out.String())
	}
}
