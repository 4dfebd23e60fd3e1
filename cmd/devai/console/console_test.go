package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/memory/reviews"
	"github.com/devaiops/devai/tools/patch"
)

// bench is a console over the shop fixture's git repository with real
// proposals made by propose_patch's Go API.
type bench struct {
	c           *Console
	repo, state string
	fix, xss    patch.Output
	log         *decisions.Log
}

const testToken = "0123456789abcdef-test-token"

func newBench(t *testing.T, auth Auth, branch string) *bench {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo, _ := fixture.GitRepo(t)
	b := &bench{repo: repo, state: t.TempDir()}
	var err error
	if b.log, err = decisions.Open(decisions.Dir(b.state), decisions.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.log.Close() })
	b.fix = propose(t, repo, b.state, "auth: skip deleted accounts in recordLastSeen", patch.Edit{Path: fixture.BugFile,
		Search: "\tu := s.users.ByID(sess.UserID)\n", Replace: "\tu := s.users.ByID(sess.UserID)\n\tif u == nil {\n\t\treturn\n\t}\n"})
	page := "<script>window.devaiPwned = 2</script>\n<img src=x onerror=\"window.devaiPwned=3\">\n"
	b.xss = propose(t, repo, b.state, `<script>window.devaiPwned = 1</script> "quoted" & <b>bold</b>`, patch.Edit{Path: "docs/xss.html", Content: &page})
	b.c, err = New(Config{Repo: repo, Decisions: b.log, Proposals: proposals.Files{StateDir: b.state}, Auth: auth, ReviewBranch: branch, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func propose(t *testing.T, repo, state, title string, e patch.Edit) patch.Output {
	t.Helper()
	out, err := patch.RunIn(context.Background(), repo, state, nil, patch.Input{Title: title, Edits: []patch.Edit{e},
		Options: patch.Options{Checks: []string{patch.CheckApply, patch.CheckFormat}}}, patch.RunOptions{})
	if err != nil {
		t.Fatalf("propose_patch %q: %v", title, err)
	}
	return out
}

var tokenAuth = Auth{Token: func(tok string) (string, bool) { return "ann", tok == testToken }}

// get fetches a page as a browser on 127.0.0.1 would, carrying cookies.
func (b *bench) get(t *testing.T, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:7437"+path, nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	b.c.ServeHTTP(w, r)
	return w
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// formToken reads a page's CSRF token and the cookie it is bound to.
func (b *bench) formToken(t *testing.T, path string, cookies ...*http.Cookie) (string, []*http.Cookie) {
	t.Helper()
	w := b.get(t, path, cookies...)
	m := csrfInput.FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("%s has no CSRF token (status %d):\n%s", path, w.Code, w.Body.String())
	}
	jar := append([]*http.Cookie{}, cookies...)
	for _, c := range w.Result().Cookies() {
		if c.Name == csrfCookie {
			jar = append(jar, c)
		}
	}
	return m[1], jar
}

func (b *bench) post(t *testing.T, path string, form url.Values, header http.Header, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:7437"+path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		r.Header[k] = v
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	b.c.ServeHTTP(w, r)
	return w
}

// TestCrossSitePostsAreRefused: a verdict needs the page's CSRF token
// bound to its cookie and a same-origin request; nothing is recorded
// otherwise.
func TestCrossSitePostsAreRefused(t *testing.T) {
	t.Parallel()
	b := newBench(t, Auth{Local: "ann"}, "")
	path := "/console/proposals/" + b.fix.ID
	token, jar := b.formToken(t, path)
	_, otherJar := b.formToken(t, path) // another browser's cookie
	verdict := func(tok string) url.Values {
		return url.Values{"verdict": {"reject"}, "comment": {"no"}, "csrf": {tok}}
	}
	rows := []struct {
		name   string
		form   url.Values
		header http.Header
		jar    []*http.Cookie
		want   int
	}{
		{"no token, no cookie", verdict(""), nil, nil, http.StatusForbidden},
		{"token without its cookie", verdict(token), nil, nil, http.StatusForbidden},
		{"token with another cookie", verdict(token), nil, otherJar, http.StatusForbidden},
		{"forged token", verdict(strings.Repeat("a", 64)), nil, jar, http.StatusForbidden},
		{"foreign origin", verdict(token), http.Header{"Origin": {"https://evil.example"}}, jar, http.StatusForbidden},
		{"null origin", verdict(token), http.Header{"Origin": {"null"}}, jar, http.StatusForbidden},
		{"cross-site fetch", verdict(token), http.Header{"Sec-Fetch-Site": {"cross-site"}}, jar, http.StatusForbidden},
		{"any origin is not a named one", verdict(token), http.Header{"Origin": {"https://any.example"}}, jar, http.StatusForbidden},
		{"same origin", verdict(token), http.Header{"Origin": {"http://127.0.0.1:7437"}, "Sec-Fetch-Site": {"same-origin"}}, jar, http.StatusSeeOther},
		{"allowed origin (a proxy's)", verdict(token), http.Header{"Origin": {"https://review.example.com"}}, jar, http.StatusSeeOther},
	}
	b.c.cfg.AllowedOrigins = []string{"*", "https://review.example.com/"}
	for _, r := range rows {
		w := b.post(t, path+"/verdict", r.form, r.header, r.jar...)
		if w.Code != r.want {
			t.Errorf("%s: status %d, want %d: %s", r.name, w.Code, r.want, w.Body.String())
		}
	}
	recs, err := decisions.List(decisions.Dir(b.state), decisions.Filter{Tool: reviews.Tool})
	if err != nil || len(recs) != 2 {
		t.Fatalf("want exactly the same-origin and the allowed-origin verdicts recorded, got %d (%v)", len(recs), err)
	}
}

// TestSignInWhereTokensAreSet: with bearer tokens, pages need a reviewer:
// the sign-in form turns a token into a signed session cookie; a bearer
// header works too; a wrong token or a forged cookie does not.
func TestSignInWhereTokensAreSet(t *testing.T) {
	t.Parallel()
	b := newBench(t, tokenAuth, "")
	if w := b.get(t, "/console/proposals"); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/console/login") {
		t.Fatalf("signed out: status %d, Location %q", w.Code, w.Header().Get("Location"))
	}
	token, jar := b.formToken(t, "/console/login")
	if w := b.post(t, "/console/login", url.Values{"csrf": {token}, "token": {"wrong-token-wrong-token"}}, nil, jar...); w.Code != http.StatusUnauthorized {
		t.Fatalf("wrong token: status %d", w.Code)
	}
	w := b.post(t, "/console/login", url.Values{"csrf": {token}, "token": {testToken}, "next": {"//evil.example/"}}, nil, jar...)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/proposals" {
		t.Fatalf("sign in: status %d, Location %q (an off-site next must not be followed)", w.Code, w.Header().Get("Location"))
	}
	var session *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v: want HttpOnly and SameSite=Strict", session)
	}
	if w := b.get(t, "/console/proposals", session); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Reviewer: <strong>ann</strong>") {
		t.Fatalf("signed in: status %d\n%s", w.Code, w.Body.String())
	}
	forged := *session
	forged.Value = strings.Replace(session.Value, ".", "x.", 1)
	if w := b.get(t, "/console/proposals", &forged); w.Code != http.StatusSeeOther {
		t.Fatalf("forged cookie: status %d", w.Code)
	}
	r := httptest.NewRequest(http.MethodGet, "http://devai.example.com/console/proposals", nil)
	r.Header.Set("Authorization", "Bearer "+testToken)
	rec := httptest.NewRecorder()
	b.c.cfg.Auth.Request = func(r *http.Request) (string, bool) {
		return "bob", strings.HasSuffix(r.Header.Get("Authorization"), testToken)
	}
	b.c.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		t.Fatalf("bearer header on a non-loopback host: status %d", rec.Code)
	}
}

// TestNoAuthAnswersLoopbackHostsOnly: without tokens, a page asked for by
// another host name (DNS rebinding) is refused.
func TestNoAuthAnswersLoopbackHostsOnly(t *testing.T) {
	t.Parallel()
	b := newBench(t, Auth{Local: "ann"}, "")
	for host, want := range map[string]int{"127.0.0.1:7437": 200, "localhost:7437": 200, "[::1]:7437": 200, "rebound.evil.example:7437": 403} {
		r := httptest.NewRequest(http.MethodGet, "http://"+host+"/console/proposals", nil)
		w := httptest.NewRecorder()
		b.c.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Host %s: status %d, want %d", host, w.Code, want)
		}
	}
}

// TestPagesAreStrictAndEscaped: every page has the strict CSP and no
// script; a proposal's title and diff holding markup render as text.
func TestPagesAreStrictAndEscaped(t *testing.T) {
	t.Parallel()
	b := newBench(t, Auth{Local: "ann"}, "")
	for _, path := range []string{"/console/proposals", "/console/proposals/" + b.xss.ID, "/console/proposals/" + b.xss.ID + "?view=split",
		"/console/decisions", "/console/index", "/console/login"} {
		w := b.get(t, path)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Errorf("%s: status %d\n%s", path, w.Code, body)
			continue
		}
		csp := w.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if strings.Contains(strings.ToLower(body), "<script") || strings.Contains(body, "<img") || strings.Contains(body, "<b>bold") {
			t.Errorf("%s: markup from a proposal reached the page unescaped", path)
		}
	}
	body := b.get(t, "/console/proposals/"+b.xss.ID).Body.String()
	for _, want := range []string{"&lt;script&gt;window.devaiPwned = 1&lt;/script&gt;", "&lt;b&gt;bold&lt;/b&gt;", "devaiPwned"} {
		if !strings.Contains(body, want) {
			t.Errorf("the proposal page lacks %q", want)
		}
	}
}

// TestApproveCommitsToTheReviewBranch: an approval with --review-branch
// makes one commit on the branch with the proposal's change, leaves HEAD,
// the index and the working tree alone, records the commit in the verdict,
// and a second approval is refused.
func TestApproveCommitsToTheReviewBranch(t *testing.T) {
	t.Parallel()
	b := newBench(t, Auth{Local: "ann"}, "review/approved")
	head, status := git(t, b.repo, "rev-parse", "HEAD"), git(t, b.repo, "status", "--porcelain")
	index, err := os.ReadFile(filepath.Join(b.repo, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	path := "/console/proposals/" + b.fix.ID
	token, jar := b.formToken(t, path)
	if w := b.post(t, path+"/verdict", url.Values{"verdict": {"approve"}, "csrf": {token}}, nil, jar...); w.Code != http.StatusSeeOther {
		t.Fatalf("approve: status %d\n%s", w.Code, w.Body.String())
	}
	v, ok, err := reviews.Of(context.Background(), b.log, b.fix.ID)
	if err != nil || !ok || v.Verdict != reviews.Approve || v.Reviewer != "ann" || v.Merge == nil {
		t.Fatalf("verdict %+v %v %v", v, ok, err)
	}
	if tip := git(t, b.repo, "rev-parse", "refs/heads/review/approved"); tip != v.Merge.Commit || v.Merge.Parent != b.fix.Base || v.Merge.Was != "" {
		t.Fatalf("branch tip %s, merge %+v, base %s", tip, v.Merge, b.fix.Base)
	}
	if got := git(t, b.repo, "diff", b.fix.Base, v.Merge.Commit); !strings.Contains(got, "+\tif u == nil {") {
		t.Errorf("the commit does not hold the change:\n%s", got)
	}
	if git(t, b.repo, "rev-parse", "HEAD") != head || git(t, b.repo, "status", "--porcelain") != status {
		t.Error("HEAD or the working tree changed")
	}
	if after, _ := os.ReadFile(filepath.Join(b.repo, ".git", "index")); string(after) != string(index) {
		t.Error(".git/index changed")
	}
	page := b.get(t, path).Body.String()
	if !strings.Contains(page, v.Merge.Commit) || !strings.Contains(page, "review/approved") {
		t.Errorf("the page does not say what the approval did")
	}
	token, jar = b.formToken(t, path)
	if w := b.post(t, path+"/verdict", url.Values{"verdict": {"approve"}, "csrf": {token}}, nil, jar...); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "already approved") {
		t.Fatalf("second approve: status %d", w.Code)
	}
}

// TestRequestChangesNeedsAComment: sending a proposal back without saying
// why records nothing and says what is missing.
func TestRequestChangesNeedsAComment(t *testing.T) {
	t.Parallel()
	b := newBench(t, Auth{Local: "ann"}, "")
	path := "/console/proposals/" + b.fix.ID
	token, jar := b.formToken(t, path)
	w := b.post(t, path+"/verdict", url.Values{"verdict": {"request_changes"}, "comment": {"  "}, "csrf": {token}}, nil, jar...)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "say what to change") {
		t.Fatalf("status %d\n%s", w.Code, w.Body.String())
	}
	if _, ok, _ := reviews.Of(context.Background(), b.log, b.fix.ID); ok {
		t.Fatal("a verdict was recorded")
	}
}

func TestSplitPairsRemovedWithAdded(t *testing.T) {
	files, err := renderDiff("diff --git a/x.go b/x.go\n--- a/x.go\n+++ b/x.go\n@@ -1,3 +1,3 @@\n package x\n-var a = 1\n+var a = 2\n+var b = 3\n")
	if err != nil || len(files) != 1 {
		t.Fatal(files, err)
	}
	s := files[0].Split
	if len(s) != 4 || s[0].Hunk == "" || s[1].Left != s[1].Right || s[2].Left.Kind != "del" || s[2].Right.Kind != "add" || s[3].Left != nil || s[3].Right.New != 3 {
		t.Fatalf("split rows: %+v", s)
	}
	var classes []string
	for _, sg := range files[0].Lines[1].Segs {
		classes = append(classes, sg.Class)
	}
	if files[0].Path != "x.go" || !strings.Contains(strings.Join(classes, " "), "k") {
		t.Errorf("path %q, classes of 'package x': %v", files[0].Path, classes)
	}
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// TestApprovalsStackOnTheReviewBranch: a second approval commits on top
// of the first (the branch's old tip is its parent); one that no longer
// applies to the branch is refused, says why, and records nothing.
func TestApprovalsStackOnTheReviewBranch(t *testing.T) {
	t.Parallel()
	b := newBench(t, Auth{Local: "ann"}, "review")
	clash := propose(t, b.repo, b.state, "auth: a different fix of the same line", patch.Edit{Path: fixture.BugFile,
		Search: "\tu := s.users.ByID(sess.UserID)\n", Replace: "\tu := s.users.ByID(sess.UserID) // may be nil\n"})
	approve := func(id string) *httptest.ResponseRecorder {
		token, jar := b.formToken(t, "/console/proposals/"+id)
		return b.post(t, "/console/proposals/"+id+"/verdict", url.Values{"verdict": {"approve"}, "csrf": {token}}, nil, jar...)
	}
	if w := approve(b.fix.ID); w.Code != http.StatusSeeOther {
		t.Fatalf("first approval: %d %s", w.Code, w.Body.String())
	}
	first := git(t, b.repo, "rev-parse", "refs/heads/review")
	if w := approve(b.xss.ID); w.Code != http.StatusSeeOther {
		t.Fatalf("second approval: %d %s", w.Code, w.Body.String())
	}
	v, _, _ := reviews.Of(context.Background(), b.log, b.xss.ID)
	if v.Merge == nil || v.Merge.Was != first || v.Merge.Parent != first || git(t, b.repo, "rev-parse", v.Merge.Commit+"^") != first {
		t.Fatalf("second approval's merge %+v, want it on %s", v.Merge, first)
	}
	w := approve(clash.ID)
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "does not apply to review") {
		t.Fatalf("clashing approval: %d\n%s", w.Code, w.Body.String())
	}
	if _, ok, _ := reviews.Of(context.Background(), b.log, clash.ID); ok || git(t, b.repo, "rev-parse", "refs/heads/review") != v.Merge.Commit {
		t.Fatal("a refused approval recorded a verdict or moved the branch")
	}
}

// TestTimelineFilters: the timeline keeps what its filters select; a
// person is a verdict's reviewer or a call's client.
func TestTimelineFilters(t *testing.T) {
	t.Parallel()
	b := newBench(t, Auth{Local: "ann"}, "")
	ctx := context.Background()
	for _, e := range []decisions.Entry{
		{Tool: "search_context", Client: decisions.Client{Name: "claude-code", Session: "s1"}, Summary: "looked for login"},
		{Tool: "trace_root_cause", Client: decisions.Client{Name: "cursor", Session: "s2"}, Err: "no log text", Summary: "failed"},
	} {
		if _, err := b.log.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	e, _ := reviews.Entry(reviews.Args{Proposal: b.fix.ID, Verdict: reviews.Reject, Reviewer: "Bob"}, decisions.Client{Name: "devai-console"})
	if _, err := b.log.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	rows := []struct{ query, want, not string }{
		{"", "d000003", ""},
		{"tool=search_context", "looked for login", "d000002"},
		{"outcome=error", "no log text", "looked for login"},
		{"session=s1", "d000001", "d000002"},
		{"person=bob", "d000003", "d000001"},
		{"person=cursor", "d000002", "d000003"},
		{"since=2000-01-01&until=2000-01-02", "No record matches", "d000001"},
	}
	for _, r := range rows {
		w := b.get(t, "/console/decisions?"+r.query)
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, r.want) || r.not != "" && strings.Contains(body, ">"+r.not+"<") {
			t.Errorf("?%s: status %d, want %q and not %q", r.query, w.Code, r.want, r.not)
		}
	}
	if w := b.get(t, "/console/decisions?since=yesterday"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "want a date like") {
		t.Errorf("a bad date: %d", w.Code)
	}
	if !strings.Contains(b.get(t, "/console/decisions").Body.String(), "Chain verified") {
		t.Error("the timeline does not show the chain's verify status")
	}
	files, _ := filepath.Glob(filepath.Join(decisions.Dir(b.state), "decisions-*.jsonl"))
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[0], []byte(strings.Replace(string(data), "looked for login", "looked for logout", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/console/decisions", "/console/decisions/d000002"} {
		if body := b.get(t, path).Body.String(); !strings.Contains(body, "Chain BROKEN</strong> (edited)") {
			t.Errorf("%s does not say the edited chain is broken", path)
		}
	}
}

// TestMountedUnderAPrefix: a console mounted at /console/shop/ (one per
// repository of a team server) keeps every link, form, redirect and cookie
// under its prefix, and answers nothing outside it; a prefix that would
// break out of a link is refused.
func TestMountedUnderAPrefix(t *testing.T) {
	t.Parallel()
	b := newBench(t, tokenAuth, "")
	c, err := New(Config{Prefix: "/console/shop/", Repo: b.repo, Decisions: b.log, Proposals: proposals.Files{StateDir: b.state}, Auth: tokenAuth, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	b.c = c
	if w := b.get(t, "/console/shop/"); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/shop/proposals" {
		t.Fatalf("root: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := b.get(t, "/console/shop/proposals"); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/console/shop/login?next=") {
		t.Fatalf("signed out: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := b.get(t, "/console/proposals"); w.Code != http.StatusNotFound {
		t.Fatalf("outside the prefix: %d, want 404", w.Code)
	}
	token, jar := b.formToken(t, "/console/shop/login")
	for _, ck := range jar {
		if ck.Path != "/console/shop/" {
			t.Errorf("cookie %s has path %q, want /console/shop/", ck.Name, ck.Path)
		}
	}
	w := b.post(t, "/console/shop/login", url.Values{"csrf": {token}, "token": {testToken}, "next": {"/console/other/proposals"}}, nil, jar...)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/console/shop/proposals" {
		t.Fatalf("sign in: %d %q (a next outside the prefix falls back to its proposals)", w.Code, w.Header().Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range w.Result().Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	for _, page := range []string{"/console/shop/proposals", "/console/shop/proposals/" + b.fix.ID, "/console/shop/decisions"} {
		w := b.get(t, page, session)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", page, w.Code, w.Body.String())
		}
		for _, m := range regexp.MustCompile(`(?:href|action)="(/[^"]*)"`).FindAllStringSubmatch(w.Body.String(), -1) {
			if !strings.HasPrefix(m[1], "/console/shop/") {
				t.Errorf("%s links outside its prefix: %s", page, m[1])
			}
		}
	}
	for _, bad := range []string{"console/", "/console", "//evil/", "/console/a b/", `/console/"x/`, "/console/../x/"} {
		if _, err := New(Config{Prefix: bad, Repo: b.repo, Decisions: b.log, Proposals: proposals.Files{StateDir: b.state}}); err == nil {
			t.Errorf("prefix %q accepted", bad)
		}
	}
}
