package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/pgstore"
	"github.com/devaiops/devai/memory/pgstore/pgtest"
	"github.com/devaiops/devai/tools/patch"
)

// team is one repository served by two replicas of devai serve --http on
// one PostgreSQL, and a round-robin load balancer in front of them.
type team struct {
	pg       *pgtest.Server
	repo     string
	keyFile  string
	replicas []*replica
	lb       *httptest.Server
	lbHits   []atomic.Int64 // requests the balancer sent to each replica
	extra    []string       // flags every replica gets besides serveArgs'
}

type replica struct {
	url    string // http://…/mcp
	stderr *syncBuffer
}

// startTeam starts PostgreSQL, the git fixture of testdata/shop, and two
// replicas (each with its own state directory: its index is its own cache)
// sharing the store and the decision log's key.
func startTeam(t *testing.T) *team {
	t.Helper()
	return startTeamWith(t)
}

// startTeamWith is startTeam with more flags for each replica.
func startTeamWith(t *testing.T, extra ...string) *team {
	t.Helper()
	tm := &team{pg: pgtest.Start(t), extra: extra}
	tm.repo, _ = fixture.GitRepo(t)
	tm.keyFile = filepath.Join(t.TempDir(), "decisions.key")
	for range 2 {
		tm.replicas = append(tm.replicas, tm.startReplica(t))
	}
	tm.lbHits = make([]atomic.Int64, len(tm.replicas))
	var next atomic.Int64
	tm.lb = httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			i := int(next.Add(1)-1) % len(tm.replicas)
			tm.lbHits[i].Add(1)
			u, _ := url.Parse(tm.replicas[i].url)
			r.SetURL(u)
			r.Out.URL.Path = "/mcp"
			r.Out.Host = r.In.Host
		},
		FlushInterval: -1,
	})
	t.Cleanup(tm.lb.Close)
	return tm
}

func (tm *team) serveArgs(state string) []string {
	return append([]string{"--http", "127.0.0.1:0", "--no-watch", "--repo", tm.repo, "--state-dir", state, "--embedder", "none",
		"--log-level", "info", "--store", tm.pg.URL, "--decisions-key-file", tm.keyFile}, tm.extra...)
}

func (tm *team) startReplica(t *testing.T) *replica {
	t.Helper()
	state := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	up := make(chan net.Addr, 1)
	r := &replica{stderr: &syncBuffer{}}
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("a replica did not stop")
		}
	})
	go func() {
		cfg := parseServe(t, tm.serveArgs(state))
		done <- runServe(ctx, cfg, strings.NewReader(""), &bytes.Buffer{}, r.stderr, func(a net.Addr) { up <- a })
	}()
	select {
	case a := <-up:
		r.url = "http://" + a.String() + "/mcp"
	case err := <-done:
		t.Fatalf("replica stopped: %v\n%s", err, r.stderr)
	case <-time.After(60 * time.Second):
		t.Fatal("replica did not start")
	}
	return r
}

// connect initializes a 2025-11-25 session (one with a session id) at url.
func connect(t *testing.T, url string) *client.Client {
	t.Helper()
	c, err := connectHTTP(t, url, "", mcp.ProtocolVersion20251125)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	return c
}

func callTool(ctx context.Context, c *client.Client, name string, args map[string]any) (*mcp.CallToolResult, error) {
	var req mcp.CallToolRequest
	req.Params.Name, req.Params.Arguments = name, args
	res, err := c.CallTool(ctx, req)
	if err == nil && res.IsError {
		err = fmt.Errorf("%s: isError: %s", name, resultText(res))
	}
	return res, err
}

func mustReadResource(t *testing.T, c *client.Client, uri string) string {
	t.Helper()
	text, err := readResource(c, uri)
	if err != nil {
		t.Fatalf("read %s: %v", uri, err)
	}
	return text
}

// devai runs the CLI and returns its stdout; a non-zero exit fails t.
func devai(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("devai %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String()
}

// storedDecisions reads the shared log directly.
func (tm *team) storedDecisions(t *testing.T) (*pgstore.DecisionLog, func()) {
	t.Helper()
	st, err := pgstore.Open(context.Background(), tm.pg.URL, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.Decisions(context.Background(), storeRepoName(tm.repo), pgstore.DecisionOptions{KeyFile: tm.keyFile, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	return l, st.Close
}

// TestTwoReplicasShareOneStore: behind a round-robin balancer, a session
// started on one replica goes on on the other; a proposal made through one
// is listed, shown and served as a resource by the other; the decisions of
// both are one chain that verifies.
func TestTwoReplicasShareOneStore(t *testing.T) {
	tm := startTeam(t)
	ctx := context.Background()

	// One session through the balancer: initialize lands on one replica,
	// the next requests alternate.
	lb := connect(t, tm.lb.URL+"/mcp")
	for i := range 4 {
		if _, err := callTool(ctx, lb, "search_context", map[string]any{"query": fmt.Sprintf("login session %d", i)}); err != nil {
			t.Fatalf("call %d through the balancer: %v", i, err)
		}
	}
	for i := range tm.lbHits {
		if tm.lbHits[i].Load() < 2 {
			t.Fatalf("replica %d got %d requests of the session: the balancer did not alternate", i, tm.lbHits[i].Load())
		}
	}

	// A proposal through replica 0, seen through replica 1.
	a, b := connect(t, tm.replicas[0].url), connect(t, tm.replicas[1].url)
	res, err := callTool(ctx, a, patch.ToolName, map[string]any{
		"title":   "auth: say why a session's user may be missing",
		"edits":   []map[string]any{{"path": fixture.BugFile, "search": "\tu := s.users.ByID(sess.UserID)\n", "replace": "\tu := s.users.ByID(sess.UserID) // may be nil\n"}},
		"options": map[string]any{"checks": []string{"apply"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var made patch.Output
	raw, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(raw, &made); err != nil || made.ID == "" {
		t.Fatalf("propose_patch reply: %v %s", err, raw)
	}
	if list := mustReadResource(t, b, "devai://proposals"); !strings.Contains(list, made.ID) {
		t.Errorf("replica 1 does not list %s:\n%s", made.ID, list)
	}
	one := mustReadResource(t, b, "devai://proposals/"+made.ID)
	if !strings.Contains(one, "// may be nil") || !strings.Contains(one, made.Title) {
		t.Errorf("replica 1 serves proposal %s as:\n%s", made.ID, one)
	}
	page := strings.TrimSuffix(tm.replicas[1].url, "/mcp") + "/console/proposals/" + made.ID
	if resp, err := http.Get(page); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("replica 1's review console on %s: %v %v", made.ID, resp, err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if !strings.Contains(string(body), html.EscapeString(made.Title)) {
			t.Errorf("replica 1's review console does not show %q", made.Title)
		}
	}
	common := []string{"--repo", tm.repo, "--store", tm.pg.URL, "--decisions-key-file", tm.keyFile}
	if out := devai(t, append([]string{"pr", "list"}, common...)...); !strings.Contains(out, made.ID) {
		t.Errorf("devai pr list --store:\n%s", out)
	}
	if !strings.HasPrefix(made.Path, "postgres://") || strings.Contains(made.Path, "@") {
		t.Errorf("the proposal is kept at %q: want a postgres:// URL without credentials", made.Path)
	}
	if out := devai(t, append([]string{"pr", "show", made.ID}, common...)...); !strings.Contains(out, "// may be nil") ||
		!strings.Contains(out, "kept in the shared store") {
		t.Errorf("devai pr show --store:\n%s", out)
	}
	if _, err := callTool(ctx, b, "search_context", map[string]any{"query": "proposal " + made.ID}); err != nil {
		t.Fatal(err)
	}

	// A command-line call with --store is recorded in the same chain.
	devai(t, append([]string{"search", "session expiry", "--state-dir", t.TempDir(), "--embedder", "none", "--log-level", "warn"}, common...)...)

	// One chain: 4 calls through the balancer, 1 on replica 0, 1 on 1, 1
	// from the command line.
	out := devai(t, append([]string{"decisions", "verify"}, common...)...)
	if !strings.Contains(out, "ok: the chain holds: 7 records") {
		t.Errorf("devai decisions verify --store: %s", out)
	}
	log, closeLog := tm.storedDecisions(t)
	defer closeLog()
	recs, err := log.List(ctx, decisions.Filter{})
	if err != nil || len(recs) != 7 || recs[6].Client.Name != "devai-cli" {
		t.Fatalf("%d records, the last by %+v (%v)", len(recs), recs[len(recs)-1].Client, err)
	}
	// The balancer's session ran on both replicas: every one of its
	// records names the client its initialize named, on whichever replica.
	session := recs[0].Client.Session
	for _, r := range recs[:4] {
		if r.Client.Session != session || r.Client.Name != "devai-test" {
			t.Errorf("%s: client %+v, want session %s of devai-test", r.ID, r.Client, session)
		}
	}
	if w := recs[4].Writes; len(w) == 0 || w[0].Ref != made.ID {
		t.Errorf("the proposal's record wrote %+v", w)
	}
	if list := devai(t, append([]string{"decisions", "--tool", patch.ToolName}, common...)...); !strings.Contains(list, made.ID) {
		t.Errorf("devai decisions --store --tool propose_patch:\n%s", list)
	}
}

// TestSessionEndsOnEveryReplica: a DELETE on one replica ends the session
// on the other too, and an id no replica issued is refused by both.
func TestSessionEndsOnEveryReplica(t *testing.T) {
	tm := startTeam(t)
	c := connect(t, tm.replicas[0].url)
	id := c.GetSessionId()
	post := func(url, session string) int {
		body := `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set(sessionHeader, session)
		req.Header.Set(mcp.HeaderProtocolVersion, mcp.ProtocolVersion20251125)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := post(tm.replicas[1].url, id); got != http.StatusOK {
		t.Fatalf("replica 1 answered %d to a session replica 0 issued", got)
	}
	if got := post(tm.replicas[1].url, sessionIDPrefix+"00000000-0000-0000-0000-000000000000"); got != http.StatusNotFound {
		t.Fatalf("replica 1 answered %d to a session nobody issued", got)
	}
	req, _ := http.NewRequest(http.MethodDelete, tm.replicas[1].url, nil)
	req.Header.Set(sessionHeader, id)
	req.Header.Set(mcp.HeaderProtocolVersion, mcp.ProtocolVersion20251125)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := post(tm.replicas[0].url, id); got != http.StatusNotFound {
		t.Fatalf("replica 0 answered %d to the session ended on replica 1", got)
	}
}

// TestConcurrentWritersAcrossReplicas: 20 sessions, half on each replica,
// make 1,000 tool calls at once; the log holds 1,000 records in one chain:
// no fork, no gap, verify passes.
func TestConcurrentWritersAcrossReplicas(t *testing.T) {
	tm := startTeam(t)
	const writers, calls = 20, 50
	clients := make([]*client.Client, writers)
	for i := range clients {
		clients[i] = connect(t, tm.replicas[i%2].url)
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				// Most calls are refused at once (a kind that does not
				// exist: an isError result, recorded all the same), so
				// that the log, not the search, is what runs concurrently.
				args, wantErr := map[string]any{"query": fmt.Sprintf("writer %d call %d", w, i)}, i%10 != 0
				if wantErr {
					args["kinds"] = []string{"no-such-kind"}
				}
				res, err := callTool(context.Background(), c, "search_context", args)
				if wantErr && res != nil && res.IsError {
					err = nil
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	log, closeLog := tm.storedDecisions(t)
	defer closeLog()
	rep, err := log.Verify(context.Background())
	if err != nil || !rep.OK() || rep.Records != writers*calls || rep.Anchored != writers*calls {
		t.Fatalf("verify: %v %+v %v", err, rep, rep.Break)
	}
	recs, err := log.List(context.Background(), decisions.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	seen, refused := map[string]bool{}, 0
	for i, r := range recs {
		if r.Seq != int64(i+1) || seen[string(r.Arguments)] {
			t.Fatalf("record %d: seq %d, arguments %s twice: %v", i, r.Seq, r.Arguments, seen[string(r.Arguments)])
		}
		seen[string(r.Arguments)] = true
		if r.Outcome == decisions.OutcomeError {
			refused++
		}
	}
	if refused != writers*calls*9/10 {
		t.Errorf("%d records of refused calls, want %d", refused, writers*calls*9/10)
	}
}

// TestPostgresRestartUnderLoad: PostgreSQL restarts (pg_ctl restart) while
// sessions on both replicas call tools. Calls go on (their records wait
// and retry), the servers log that the store went away and came back, and
// afterwards the log holds a record for every call that returned, in one
// chain that verifies.
func TestPostgresRestartUnderLoad(t *testing.T) {
	tm := startTeam(t)
	const writers = 6
	clients := make([]*client.Client, writers)
	for i := range clients {
		clients[i] = connect(t, tm.replicas[i%2].url)
	}
	stop := make(chan struct{})
	var done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				_, err := callTool(ctx, c, "search_context", map[string]any{"query": fmt.Sprintf("writer %d call %d", w, i)})
				cancel()
				if err != nil {
					errs <- fmt.Errorf("writer %d call %d: %w", w, i, err)
					return
				}
				done.Add(1)
			}
		}()
	}
	waitFor := func(n int64) {
		deadline := time.Now().Add(60 * time.Second)
		for done.Load() < n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor(30)
	if err := tm.pg.Restart(); err != nil {
		t.Fatal(err)
	}
	before := done.Load()
	waitFor(before + 30)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	logs := tm.replicas[0].stderr.String() + tm.replicas[1].stderr.String()
	if !strings.Contains(logs, "the shared store cannot be reached; retrying") || !strings.Contains(logs, "the shared store answers again") {
		t.Errorf("the servers did not say the store went away and came back:\n%s", logs)
	}
	log, closeLog := tm.storedDecisions(t)
	defer closeLog()
	rep, err := log.Verify(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v %v", err, rep, rep.Break)
	}
	if int64(rep.Records) != done.Load() {
		t.Errorf("%d calls returned, %d records in the log", done.Load(), rep.Records)
	}
}

// replicaProcessEnv carries the arguments of `devai serve` to this test
// binary run as a replica process (TestReplicaProcess).
const replicaProcessEnv = "DEVAI_TEST_REPLICA_ARGS"

// TestReplicaProcess is not a test: run by TestReplicaKilledMidWrite as a
// separate process, it is a replica that can be killed with SIGKILL.
func TestReplicaProcess(t *testing.T) {
	raw := os.Getenv(replicaProcessEnv)
	if raw == "" {
		t.Skip("the replica process of TestReplicaKilledMidWrite")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(run(args, os.Stdout, os.Stderr))
}

var servingURL = regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/mcp)`)

// TestReplicaKilledMidWrite: a replica process is killed (SIGKILL) while
// its sessions call tools. Every call that returned on it has its record
// (the record is committed before the answer is sent); what was in flight
// may be lost, nothing else; the other replica goes on appending to the
// same chain, which verifies.
func TestReplicaKilledMidWrite(t *testing.T) {
	tm := startTeam(t)
	args, _ := json.Marshal(append([]string{"serve"}, tm.serveArgs(t.TempDir())...))
	cmd := exec.Command(os.Args[0], "-test.run=^TestReplicaProcess$")
	cmd.Env = append(os.Environ(), replicaProcessEnv+"="+string(args))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := servingURL.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var victim string
	select {
	case victim = <-found:
	case <-time.After(60 * time.Second):
		t.Fatal("the replica process did not start")
	}

	const writers = 6
	var returned atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range writers {
		url := victim
		if w%2 == 1 {
			url = tm.replicas[1].url
		}
		c := connect(t, url)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				args := map[string]any{"query": fmt.Sprintf("writer %d call %d", w, i), "kinds": []string{"no-such-kind"}}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				res, err := callTool(ctx, c, "search_context", args)
				cancel()
				if res == nil || !res.IsError {
					if url == victim {
						return // the victim is gone: this writer's call was in flight
					}
					t.Errorf("writer %d on the live replica: %v", w, err)
					return
				}
				returned.Add(1)
			}
		}()
	}
	for returned.Load() < 60 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	killedAt := returned.Load()
	for returned.Load() < killedAt+60 {
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()

	log, closeLog := tm.storedDecisions(t)
	defer closeLog()
	rep, err := log.Verify(context.Background())
	if err != nil || !rep.OK() {
		t.Fatalf("verify after the kill: %v %+v %v", err, rep, rep.Break)
	}
	// Beyond the calls that returned, only the victim's calls in flight
	// (one per writer on it) may have left a record.
	if got, want := int64(rep.Records), returned.Load(); got < want || got > want+writers/2 {
		t.Errorf("%d calls returned, %d records", want, got)
	}
	t.Logf("%d calls returned, %d records, %d before the kill", returned.Load(), rep.Records, killedAt)
}
