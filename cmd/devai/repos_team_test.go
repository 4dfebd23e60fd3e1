package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/pgstore"
	"github.com/devaiops/devai/memory/pgstore/pgtest"
	"github.com/devaiops/devai/tools/patch"
)

// getPage fetches a page of the server and returns its status and body.
func getPage(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTwoRepositoriesOnTheSharedStore (issue 14): a server of two
// repositories with --store keeps each one's decisions in its own chain,
// named after the repository, that verifies on its own; each repository's
// review console (/console/NAME/) shows only its own proposals, /console/
// lists both, and one /metrics counts the calls of both, labelled by
// repository.
func TestTwoRepositoriesOnTheSharedStore(t *testing.T) {
	pg := pgtest.Start(t)
	shopDir, _ := fixture.GitRepo(t)
	billing := gitFolder(t, map[string]string{"billing/ledger.go": "package billing\n\n// PostZanzibarLedger books a zanzibar ledger entry.\nfunc PostZanzibarLedger() {}\n"})
	key := filepath.Join(t.TempDir(), "decisions.key")
	base := startServeRepos(t, "--serve-repo", "shop="+shopDir, "--serve-repo", "ledgers="+billing, "--no-watch",
		"--store", pg.URL, "--decisions-key-file", key)
	waitIndexed(t, base, map[string]string{"shop": "", "ledgers": ""})
	ctx := context.Background()

	edits := map[string]map[string]any{
		"shop":    {"path": fixture.BugFile, "search": "\tu := s.users.ByID(sess.UserID)\n", "replace": "\tu := s.users.ByID(sess.UserID) // may be nil\n"},
		"ledgers": {"path": "billing/ledger.go", "search": "func PostZanzibarLedger() {}", "replace": "func PostZanzibarLedger() { /* books it */ }"},
	}
	made := map[string]patch.Output{}
	for name, edit := range edits {
		c := connect(t, base+"/mcp/"+name)
		if _, err := callTool(ctx, c, "search_context", map[string]any{"query": "ledger session"}); err != nil {
			t.Fatalf("/mcp/%s: %v", name, err)
		}
		res, err := callTool(ctx, c, patch.ToolName, map[string]any{"title": name + ": a reviewed change", "edits": []map[string]any{edit},
			"options": map[string]any{"checks": []string{"apply"}}})
		if err != nil {
			t.Fatalf("/mcp/%s: %v", name, err)
		}
		var out patch.Output
		raw, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(raw, &out); err != nil || out.ID == "" {
			t.Fatalf("propose_patch on %s: %v %s", name, err, raw)
		}
		made[name] = out
	}

	st, err := pgstore.Open(ctx, pg.URL, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, own := range made {
		l, err := st.Decisions(ctx, name, pgstore.DecisionOptions{KeyFile: key, ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := l.List(ctx, decisions.Filter{})
		if err != nil || len(recs) != 2 || recs[1].Writes[0].Ref != own.ID {
			t.Fatalf("the chain of %s in the store: %d records (%v), want its own search and proposal %s: %+v", name, len(recs), err, own.ID, recs)
		}
		out := devai(t, "decisions", "verify", "--repo", t.TempDir(), "--store", pg.URL, "--store-repo", name, "--decisions-key-file", key)
		if !strings.Contains(out, "ok: the chain holds: 2 records") {
			t.Errorf("devai decisions verify --store-repo %s: %s", name, out)
		}
	}

	code, index := getPage(t, base+"/console/")
	if code != http.StatusOK || !strings.Contains(index, `href="/console/shop/proposals"`) || !strings.Contains(index, `href="/console/ledgers/proposals"`) {
		t.Fatalf("/console/: %d\n%s", code, index)
	}
	for name, own := range made {
		code, page := getPage(t, base+"/console/"+name+"/proposals")
		if code != http.StatusOK || !strings.Contains(page, own.ID) {
			t.Fatalf("/console/%s/proposals: %d, want %s listed\n%s", name, code, own.ID, page)
		}
		for other, theirs := range made {
			if other != name && strings.Contains(page, theirs.ID) {
				t.Errorf("/console/%s/proposals lists %s's proposal %s", name, other, theirs.ID)
			}
		}
		if code, page := getPage(t, base+"/console/"+name+"/proposals/"+own.ID); code != http.StatusOK || !strings.Contains(page, "/console/"+name+"/decisions/") {
			t.Errorf("/console/%s/proposals/%s: %d\n%s", name, own.ID, code, page)
		}
	}
	if code, _ := getPage(t, base+"/console/ledgers/proposals/"+made["shop"].ID); code == http.StatusOK {
		t.Errorf("the ledgers console shows shop's proposal")
	}

	code, fams := scrape(t, base, "")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for name := range made {
		for _, tool := range []string{"search_context", patch.ToolName} {
			if n := metricValue(fams, "devai_tool_call_duration_seconds", "repo", name, "tool", tool); n != 1 {
				t.Errorf("%s calls of %s counted: %v, want 1", tool, name, n)
			}
		}
		if v := metricValue(fams, "devai_index_ready", "repo", name); v != 1 {
			t.Errorf("devai_index_ready{repo=%q} = %v", name, v)
		}
	}
	if n := metricValue(fams, "devai_http_requests_total", "method", "POST", "code", "200"); n != 6 {
		t.Errorf("POST 200 counted %v times, want 6: initialize, search and propose on each repository", n)
	}
}

// replicasOf reads what /readyz at base says of the replicas of one
// repository: the whole body for a single repository, or its entry.
func replicasOf(t *testing.T, base, repo string) (replica string, list []pgstore.ReplicaCommit) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Replica      string
		Replicas     []pgstore.ReplicaCommit
		Repositories map[string]struct{ Replicas []pgstore.ReplicaCommit }
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if repo == "" {
		return body.Replica, body.Replicas
	}
	return body.Replica, body.Repositories[repo].Replicas
}

// waitReplicas waits until /readyz at base lists want replicas of repo,
// each with commit indexed, and returns them.
func waitReplicas(t *testing.T, base, repo string, want int, commit string) (string, []pgstore.ReplicaCommit) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		self, list := replicasOf(t, base, repo)
		n := 0
		for _, r := range list {
			if r.Commit == commit && !r.Indexed.IsZero() {
				n++
			}
		}
		if n == want && len(list) == want {
			return self, list
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz of %s lists %+v (this replica %q): want %d replicas at %s", base, list, self, want, commit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReadyzSaysWhatEachReplicaIndexed (issue 14): the store records the
// commit each replica has indexed, and /readyz of any replica lists them:
// two replicas of one repository, and two repositories of one server.
func TestReadyzSaysWhatEachReplicaIndexed(t *testing.T) {
	tm := startTeam(t)
	head := strings.TrimSpace(gitOut(t, tm.repo, "rev-parse", "HEAD"))
	for _, r := range tm.replicas {
		base := strings.TrimSuffix(r.url, "/mcp")
		self, list := waitReplicas(t, base, "", 2, head)
		if self == "" || (list[0].Replica != self && list[1].Replica != self) || list[0].Replica == list[1].Replica {
			t.Errorf("/readyz of %s: replica %q, replicas %+v: want both, itself among them", base, self, list)
		}
	}

	// Two repositories on one server, named by --replica-id.
	billing := gitFolder(t, map[string]string{"billing/ledger.go": "package billing\n"})
	base := startServeRepos(t, "--serve-repo", "shop="+tm.repo, "--serve-repo", "ledgers="+billing, "--no-watch",
		"--store", tm.pg.URL, "--decisions-key-file", tm.keyFile, "--replica-id", "web-3")
	// shop is the same repository as the two replicas' (the same name in
	// the store): /readyz lists all three; ledgers only this one.
	for repo, want := range map[string]struct {
		n      int
		commit string
	}{"shop": {3, head}, "ledgers": {1, strings.TrimSpace(gitOut(t, billing, "rev-parse", "HEAD"))}} {
		self, list := waitReplicas(t, base, repo, want.n, want.commit)
		if self != "web-3" || list[0].Replica != "web-3" {
			t.Errorf("/readyz of %s: replica %q, %+v: want web-3 first (the latest to index)", repo, self, list)
		}
	}
}
