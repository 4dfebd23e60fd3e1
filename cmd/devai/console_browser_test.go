package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/cmd/devai/console"
	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/memory/reviews"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// chromiumPath is the browser the console tests drive, or "" with the
// reason it is missing.
func chromiumPath() (string, string) {
	if p := os.Getenv("DEVAI_CHROMIUM"); p != "" {
		return p, ""
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, ""
		}
	}
	return "", "no chromium on PATH: install it (Debian: apt-get install -y chromium) or set DEVAI_CHROMIUM; " +
		"DEVAI_REQUIRE_CHROMIUM=1 makes this a failure instead of a skip"
}

// consoleFlow is the shop served over HTTP with its review console, an
// MCP client making real tool calls, and a headless Chromium.
type consoleFlow struct {
	t           *testing.T
	repo, state string
	base        string // the console's URL
	mcp         *client.Client
	browser     context.Context
	shots       string
}

func newConsoleFlow(t *testing.T) *consoleFlow {
	chromium, why := chromiumPath()
	if chromium == "" {
		if os.Getenv("DEVAI_REQUIRE_CHROMIUM") == "1" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	f := &consoleFlow{t: t, state: t.TempDir()}
	f.repo, _ = fixture.GitRepo(t)
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: f.repo, StateDir: f.state, Embedder: "hash", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	dlog, err := decisions.Open(decisions.Dir(f.state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dlog.Close() })
	s, err := newMCPServer(serverConfig{Index: ix, Logger: testLogger(t), Tools: toolTable(), Decisions: dlog})
	if err != nil {
		t.Fatal(err)
	}
	f.mcp = tooltest.Connect(t, s, mcp.ProtocolVersion20251125)
	cons, err := console.New(console.Config{Repo: f.repo, Decisions: dlog, Proposals: proposals.Files{StateDir: f.state}, Status: ix.Status,
		Gaps: indexGaps(ix), ReviewBranch: "review/approved", Auth: reviewerAuth(nil), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	face := newHTTPHandler(s, httpConfig{Addr: "127.0.0.1:0", MaxBodyBytes: 1 << 20, Console: cons}, indexReadiness(ix))
	srv := httptest.NewServer(face)
	t.Cleanup(srv.Close)
	f.base = srv.URL + console.Prefix

	f.shots = os.Getenv("DEVAI_SCREENSHOTS")
	if f.shots == "" {
		f.shots = t.ArtifactDir()
	}
	if err := os.MkdirAll(f.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	f.browser = bctx
	if err := chromedp.Do(bctx); err != nil { // starts the browser, on a context without a timeout
		t.Fatalf("start chromium %s: %v", chromium, err)
	}
	return f
}

// call makes one real tool call and returns its structured content.
func (f *consoleFlow) call(name string, args map[string]any, into any) {
	f.t.Helper()
	res := tooltest.Call(f.t, f.mcp, name, args)
	if res.IsError {
		f.t.Fatalf("%s: %s", name, resultText(res))
	}
	raw, _ := json.Marshal(res.StructuredContent)
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			f.t.Fatalf("%s: %v\n%s", name, err, raw)
		}
	}
}

type proposed struct {
	ID    string   `json:"id"`
	Notes []string `json:"notes"`
}

func (f *consoleFlow) propose(title string, edit map[string]any, options map[string]any) proposed {
	f.t.Helper()
	var p proposed
	args := map[string]any{"title": title, "edits": []any{edit}}
	if options != nil {
		args["options"] = options
	}
	f.call("propose_patch", args, &p)
	return p
}

// stepTimeout bounds one browser step.
const stepTimeout = time.Minute

func (f *consoleFlow) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.browser, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		f.t.Fatalf("browser: %s: %v", what, err)
	}
}

// value runs one action that returns a value.
func value[T any](f *consoleFlow, what string, a chromedp.Action[T]) T {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.browser, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		f.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// text is the visible text of the first element sel matches.
func (f *consoleFlow) text(sel string) string {
	f.t.Helper()
	return value(f, "read "+sel, chromedp.Text(chromedp.CSS(sel)))
}

// shoot saves the page at path as name-1280.png and name-390.png.
func (f *consoleFlow) shoot(name, path string) {
	f.t.Helper()
	for _, width := range []int64{1280, 390} {
		f.run("open "+name, chromedp.EmulateViewport(width, 900), chromedp.Navigate(f.base+path), chromedp.WaitVisible(chromedp.ID("main")))
		png := value(f, "screenshot "+name, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(f.shots, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			f.t.Fatal(err)
		}
	}
	f.run("reset the viewport", chromedp.EmulateViewport(1280, 900))
}

func (f *consoleFlow) git(args ...string) string { return gitOut(f.t, f.repo, args...) }

// TestReviewConsoleInChromium is the review the issue describes, in a real
// browser: proposals made by real propose_patch calls are listed; one
// shows its diff, checks and trail and is approved (committed to the
// review branch, nothing else in git touched, the verdict in the decision
// log); another is sent back with a comment the assistant reads in
// devai://proposals/{id} and in its revision's notes; a cross-site form
// post is refused; markup in a proposal stays inert. Each page is saved at
// 1280 and 390 pixels wide.
func TestReviewConsoleInChromium(t *testing.T) {
	f := newConsoleFlow(t)
	panicLog, err := os.ReadFile(filepath.Join(f.repo, "logs", "panic.log"))
	if err != nil {
		t.Fatal(err)
	}
	f.call("trace_root_cause", map[string]any{"text": string(panicLog)}, nil) // d000001
	fix := f.propose("auth: skip deleted accounts in recordLastSeen", map[string]any{
		"path":    fixture.BugFile,
		"search":  "\tu := s.users.ByID(sess.UserID)\n",
		"replace": "\tu := s.users.ByID(sess.UserID)\n\tif u == nil {\n\t\treturn // the account was deleted while the session lived\n\t}\n",
	}, map[string]any{"links": map[string]any{"trace": "d000001"}})
	sendBack := f.propose("docs: note the session expiry rule", map[string]any{"path": "docs/expiry.md", "content": "Sessions expire after 30 days.\n"}, nil)
	page := "<script>window.devaiPwned = 2</script>\n<img src=x onerror=\"window.devaiPwned = 3\">\n"
	xss := f.propose(`<script>window.devaiPwned = 1</script> <img src=x onerror="window.devaiPwned = 4">`, map[string]any{"path": "docs/xss.html", "content": page}, nil)
	headBefore, statusBefore := f.git("rev-parse", "HEAD"), f.git("status", "--porcelain")
	indexBefore, err := os.ReadFile(filepath.Join(f.repo, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}

	// The list.
	f.run("proposal list", chromedp.Navigate(f.base+"proposals"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	list := f.text("table.list")
	for _, want := range []string{"auth: skip deleted accounts in recordLastSeen", "docs: note the session expiry rule", "pending"} {
		if !strings.Contains(list, want) {
			t.Errorf("the list lacks %q:\n%s", want, list)
		}
	}
	f.shoot("01-proposals", "proposals")

	// One proposal: diff, checks, trail.
	f.run("open the fix", chromedp.Navigate(f.base+"proposals"), chromedp.Click(chromedp.CSS(`a[href="/console/proposals/`+fix.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.diff")))
	diff, checks, trail := f.text("table.diff"), f.text("ul.checks"), f.text("ol.trail")
	if !strings.Contains(diff, "if u == nil {") || !strings.Contains(checks, "apply") || !strings.Contains(trail, "d000001") || !strings.Contains(trail, "trace_root_cause") {
		t.Errorf("the proposal page lacks its diff, checks or trail:\n%s\n%s\n%s", diff, checks, trail)
	}
	highlighted := value(f, "count highlighted tokens", chromedp.Evaluate[int](`document.querySelectorAll("table.diff span.k, table.diff span.kd, table.diff span.nx, table.diff span.n").length`))
	if highlighted == 0 {
		t.Error("the diff is not highlighted")
	}
	f.shoot("02-proposal", "proposals/"+fix.ID)
	f.shoot("03-proposal-split", "proposals/"+fix.ID+"?view=split")
	f.run("follow the trail", chromedp.Navigate(f.base+"proposals/"+fix.ID), chromedp.Click(chromedp.CSS(`ol.trail a[href="/console/decisions/d000001"]`)),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")))
	traced := f.text("h1")
	if !strings.Contains(traced, "trace_root_cause") {
		t.Errorf("the trail's link opened %q", traced)
	}

	// Approve: a commit on the review branch, nothing else touched.
	f.run("approve", chromedp.Navigate(f.base+"proposals/"+fix.ID), chromedp.Click(chromedp.CSS(`button[value="approve"]`)),
		chromedp.WaitVisible(chromedp.ID("merged")))
	merged := f.text("#merged")
	v, ok, err := reviews.Of(context.Background(), decisions.Files{Dir: decisions.Dir(f.state)}, fix.ID)
	if err != nil || !ok || v.Verdict != reviews.Approve || v.Merge == nil || v.Reviewer != localUser() {
		t.Fatalf("the decision log's verdict: %+v %v %v", v, ok, err)
	}
	if tip := f.git("rev-parse", "refs/heads/review/approved"); tip != v.Merge.Commit || !strings.Contains(merged, tip) || !strings.Contains(merged, "review/approved") {
		t.Errorf("branch tip %s; the page says %q", tip, merged)
	}
	if got := f.git("show", "--format=%s", v.Merge.Commit); !strings.Contains(got, "auth: skip deleted accounts") || !strings.Contains(got, "+\tif u == nil {") {
		t.Errorf("the review branch's commit:\n%s", got)
	}
	if f.git("rev-parse", "HEAD") != headBefore || f.git("status", "--porcelain") != statusBefore {
		t.Error("approving moved HEAD or changed the working tree")
	}
	if after, _ := os.ReadFile(filepath.Join(f.repo, ".git", "index")); string(after) != string(indexBefore) {
		t.Error("approving changed .git/index")
	}
	rep, err := decisions.Verify(decisions.Dir(f.state))
	if err != nil || !rep.OK() {
		t.Errorf("the chain does not verify after the verdict: %+v %v", rep, err)
	}
	f.shoot("04-approved", "proposals/"+fix.ID)

	// Request changes: the assistant reads why.
	const why = "Put it in docs/sessions.md, next to the other session rules."
	f.run("request changes", chromedp.Navigate(f.base+"proposals/"+sendBack.ID), chromedp.SendKeys(chromedp.ID("comment"), why),
		chromedp.Click(chromedp.CSS(`button[value="request_changes"]`)), chromedp.WaitVisible(chromedp.CSS("p.verdict")))
	var res struct {
		Review struct{ State, Reviewer, Comment string } `json:"review"`
	}
	var req mcp.ReadResourceRequest
	req.Params.URI = "devai://proposals/" + sendBack.ID
	read, err := f.mcp.ReadResource(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(read.Contents[0].(mcp.TextResourceContents).Text), &res); err != nil ||
		res.Review.State != reviews.RequestChanges || res.Review.Comment != why {
		t.Errorf("devai://proposals/%s review = %+v (%v)", sendBack.ID, res.Review, err)
	}
	revised := f.propose("docs: session expiry rule in sessions.md", map[string]any{"path": "docs/sessions.md", "content": "Sessions expire after 30 days.\n"},
		map[string]any{"links": map[string]any{"revises": sendBack.ID}})
	if !strings.Contains(strings.Join(revised.Notes, "\n"), why) {
		t.Errorf("the revision's notes do not carry the reviewer's comment: %q", revised.Notes)
	}

	// A cross-site form post is refused, and nothing is recorded.
	target := f.base + "proposals/" + sendBack.ID + "/verdict"
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<form id="f" method="post" action="%s"><input name="verdict" value="reject"><input name="csrf" value="forged"></form>`+
			`<script>document.getElementById("f").submit()</script>`, target)
	}))
	defer evil.Close()
	f.run("cross-site post", chromedp.Navigate(evil.URL), chromedp.Sleep(time.Second), chromedp.WaitVisible(chromedp.CSS("body")))
	refused := f.text("body")
	if !strings.Contains(refused, "forbidden") {
		t.Errorf("the cross-site post was answered %q", refused)
	}
	resp, err := http.PostForm(target, url.Values{"verdict": {"reject"}, "csrf": {strings.Repeat("0", 64)}})
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a post without the CSRF cookie: %v %v", resp.Status, err)
	}
	if v, _, _ := reviews.Of(context.Background(), decisions.Files{Dir: decisions.Dir(f.state)}, sendBack.ID); v.Verdict != reviews.RequestChanges {
		t.Errorf("a cross-site post changed the verdict to %s", v.Verdict)
	}

	// Markup in a proposal is text: no script runs.
	for _, view := range []string{"", "?view=split"} {
		f.run("open the markup proposal", chromedp.Navigate(f.base+"proposals/"+xss.ID+view), chromedp.WaitVisible(chromedp.CSS("table.diff")),
			chromedp.Sleep(300*time.Millisecond))
		pwned := value(f, "read the marker", chromedp.Evaluate[string](`typeof window.devaiPwned`))
		title := f.text("h1")
		if pwned != "undefined" || !strings.Contains(title, "<script>") {
			t.Errorf("view %q: window.devaiPwned is %s; the title reads %q", view, pwned, title)
		}
	}
	f.shoot("05-markup-inert", "proposals/"+xss.ID)
	f.shoot("06-decisions", "decisions")
	f.shoot("07-decision", "decisions/d000002")
	f.shoot("08-index", "index")
	f.run("open the traceability page", chromedp.Navigate(f.base+"trace"), chromedp.WaitVisible(chromedp.ID("matrix-h")))
	if matrix := f.text("main"); !strings.Contains(matrix, "verified") || !strings.Contains(matrix, "Gaps, riskiest first") {
		t.Errorf("the traceability page:\n%s", matrix)
	}
	f.shoot("09-traceability", "trace")
	t.Logf("screenshots in %s", f.shots)
}
