package spec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/fixture/fixtureindex"
	"github.com/devaiops/devai/tools/tool"
)

// shop is the testdata project, indexed once for the read-only tests.
var shop fixtureindex.Shared

func TestMain(m *testing.M) { fixtureindex.Main(m, &shop) }

// shopIndex is the shared index of testdata/shop.
func shopIndex(t *testing.T) *memory.Index {
	t.Helper()
	return shop.Index(t)
}

func openAndSync(repo, state string) (*memory.Index, error) {
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: repo, StateDir: state})
	if err != nil {
		return nil, err
	}
	if err := ix.Sync(ctx, nil); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// TestRateLimitOnLogin is the "done when": the request yields EARS
// requirements that cite the real handler, the real spec section and the
// test file to extend, and calls out the spec sentence it contradicts.
func TestRateLimitOnLogin(t *testing.T) {
	t.Parallel()
	ix := shopIndex(t)
	out, err := Run(context.Background(), ix, Input{Request: "add rate limiting to the login endpoint"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != StatusDraft || len(out.Requirements) < 3 {
		t.Fatalf("status %s, %d requirements", out.Status, len(out.Requirements))
	}
	cited := strings.Join(out.Cited(), " ")
	for _, want := range []string{
		"devai://code/internal/httpapi/handlers_auth.go#L39-L73", // httpapi.Server.handleLogin
		"devai://spec/docs/specs/002-login.md#L24-L35",           // the Login requirements
	} {
		if !strings.Contains(cited, want) {
			t.Errorf("the draft does not cite %s:\n%s", want, cited)
		}
	}
	var reqCites string
	patterns := map[string]bool{}
	for _, r := range out.Requirements {
		if PatternOf(r.Text) == "" || PatternOf(r.Text) != r.Pattern {
			t.Errorf("%s is not %s EARS: %q", r.ID, r.Pattern, r.Text)
		}
		patterns[r.Pattern] = true
		reqCites += strings.Join(r.Sources, " ") + " "
	}
	for _, p := range []string{Ubiquitous, Event, Unwanted} {
		if !patterns[p] {
			t.Errorf("no %s requirement", p)
		}
	}
	if !strings.Contains(reqCites, "handlers_auth.go") || !strings.Contains(reqCites, "docs/specs/002-login.md") {
		t.Errorf("requirements cite neither the handler nor the login spec: %s", reqCites)
	}
	if len(out.TestPlan) == 0 || (out.TestPlan[0].Path != "internal/httpapi/server_test.go" && out.TestPlan[0].Path != "internal/auth/service_test.go") {
		t.Errorf("first test file to extend: %+v", out.TestPlan)
	}
	contradiction := false
	for _, r := range out.Related {
		if r.Relation == RelContradiction && strings.Contains(r.Quote, "not rate limited per client address") && strings.HasPrefix(r.URI, "devai://spec/docs/specs/002-login.md#L69") {
			contradiction = true
		}
	}
	if !contradiction {
		t.Errorf("the open question in 002-login.md is not called out as a contradiction: %+v", out.Related)
	}
	// IDs continue after the highest in the repository (FR-022).
	if out.Requirements[0].ID != "FR-023" {
		t.Errorf("first ID %s, want FR-023", out.Requirements[0].ID)
	}
	for _, f := range out.TestPlan {
		for _, n := range f.New {
			if !strings.Contains(n.Tag, "verifies: "+n.Verifies[0]) || !strings.Contains(n.Name, strings.ReplaceAll(n.Verifies[0], "-", "")) {
				t.Errorf("test %s: tag %q", n.Name, n.Tag)
			}
		}
	}
	if !strings.Contains(out.Document, "## Requirements") || !strings.Contains(out.Document, "TODO(assistant)") {
		t.Errorf("document:\n%s", out.Document)
	}
	if out.Target != "docs/specs/005-add-rate-limiting-login-endpoint.md" || len(out.Writes) != 0 {
		t.Errorf("target %s, writes %v", out.Target, out.Writes)
	}
	if len(out.Questions) == 0 || len(out.Questions) > 3 {
		t.Errorf("%d open questions", len(out.Questions))
	}
}

// TestEveryCitedURIExists: over several requests, nothing the draft cites
// is invented.
func TestEveryCitedURIExists(t *testing.T) {
	t.Parallel()
	ix := shopIndex(t)
	for _, req := range []string{
		"add rate limiting to the login endpoint",
		"end every session of a user when the account is deleted",
		"let shoppers cancel shipped orders",
		"log the request ID with every error",
		"paginate the order list with a cursor",
	} {
		out, err := Run(context.Background(), ix, Input{Request: req}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", req, err)
		}
		if len(out.Affected) == 0 {
			t.Errorf("%s: no affected code", req)
		}
		for _, u := range out.Cited() {
			if _, err := ix.Read(u); err != nil {
				t.Errorf("%s: cites %s, which the index cannot read: %v", req, u, err)
			}
		}
	}
}

// TestDuplicatesAndContradictions: a request an existing requirement
// already states is a possible duplicate, with the sentence quoted and an
// open question; one a spec sentence denies is a contradiction.
func TestDuplicatesAndContradictions(t *testing.T) {
	t.Parallel()
	ix := shopIndex(t)
	for _, tc := range []struct {
		request, relation, uri, quote string
	}{
		{"lock an account for 15 minutes after 5 failed logins within 15 minutes", RelDuplicate, "devai://spec/docs/specs/002-login.md#L39-L40", "FR-008 WHEN 5 failed logins"},
		{"refuse logins to a locked account with 423 and a Retry-After header", RelDuplicate, "devai://spec/docs/specs/002-login.md#L41-L43", "FR-009 WHILE an account is locked"},
		{"rate limit login attempts per client address", RelContradiction, "devai://spec/docs/specs/002-login.md#L69-L70", "Login attempts are not rate limited per client address"},
	} {
		out, err := Run(context.Background(), ix, Input{Request: tc.request}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range out.Related {
			found = found || (r.Relation == tc.relation && r.URI == tc.uri && strings.HasPrefix(r.Quote, tc.quote))
		}
		if !found {
			t.Errorf("%q: no %s at %s: %+v", tc.request, tc.relation, tc.uri, out.Related)
		}
		if len(out.Questions) == 0 || out.Questions[0].Source != tc.uri {
			t.Errorf("%q: the first open question is not about %s: %+v", tc.request, tc.uri, out.Questions)
		}
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	ix := shopIndex(t)
	for _, tc := range []struct {
		name    string
		in      Input
		wantErr string
		check   func(t *testing.T, out Output)
	}{
		{name: "empty", in: Input{Request: "  "}, check: func(t *testing.T, out Output) {
			if out.Status != StatusClarify || len(out.Clarify) == 0 || len(out.Requirements) != 0 || out.Document != "" {
				t.Errorf("want clarifying questions and no draft: %+v", out)
			}
		}},
		{name: "one word", in: Input{Request: "login"}, check: func(t *testing.T, out Output) {
			if out.Status != StatusClarify || !strings.Contains(out.Clarify[0].Question, `"login"`) {
				t.Errorf("want clarifying questions about login: %+v", out.Clarify)
			}
		}},
		{name: "huge", in: Input{Request: strings.Repeat("add a field ", 1000)}, wantErr: "8 KiB"},
		{name: "format", in: Input{Request: "add a field", Format: "jira"}, wantErr: "unknown format"},
		{name: "overwrite without write", in: Input{Request: "add a field", Overwrite: true}, wantErr: "overwrite needs write"},
		{name: "german", in: Input{Request: "Ratenbegrenzung für den Login-Endpunkt hinzufügen"}, check: func(t *testing.T, out Output) {
			if out.Language != "other" {
				t.Errorf("language %s", out.Language)
			}
			if !strings.Contains(out.Requirements[0].Text, "Ratenbegrenzung für den Login-Endpunkt hinzufügen") || !strings.Contains(out.Summary, "Ratenbegrenzung") {
				t.Errorf("the user's words were not kept: %q / %q", out.Requirements[0].Text, out.Summary)
			}
			if PatternOf(out.Requirements[0].Text) == "" {
				t.Errorf("not EARS: %q", out.Requirements[0].Text)
			}
		}},
		{name: "japanese", in: Input{Request: "ログインエンドポイントにレート制限を追加する"}, check: func(t *testing.T, out Output) {
			if out.Status != StatusClarify && out.Language != "other" {
				t.Errorf("language %s", out.Language)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Run(context.Background(), ix, tc.in, Options{})
			if tc.wantErr != "" {
				if err == nil || !tool.IsInputError(err) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want an input error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, out)
		})
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"add rate limiting to the login endpoint":             "en",
		"Ratenbegrenzung für den Login-Endpunkt hinzufügen":   "other",
		"ajouter une limite de débit pour la connexion":       "other",
		"añadir limitación de tasa para el inicio de sesión":  "other",
		"ログインエンドポイントにレート制限を追加する":                              "other",
		"cache the OpenAPI document in memory for 10 minutes": "en",
	} {
		if got := language(text); got != want {
			t.Errorf("language(%q) = %s, want %s", text, got, want)
		}
	}
}

// shopCopy is a writable copy of the testdata project (with its git
// history), indexed.
func shopCopy(t *testing.T) (string, *memory.Index) {
	t.Helper()
	dir, _ := fixture.GitRepo(t)
	ix, err := openAndSync(dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return dir, ix
}

func TestWriteAndRedraft(t *testing.T) {
	t.Parallel()
	dir, ix := shopCopy(t)
	ctx := context.Background()
	in := Input{Request: "add rate limiting to the login endpoint", Write: true}
	out, err := Run(ctx, ix, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "docs/specs/005-add-rate-limiting-login-endpoint.md"
	if len(out.Writes) != 1 || out.Writes[0] != (Write{Kind: "spec", Ref: want}) {
		t.Fatalf("writes %+v", out.Writes)
	}
	file := filepath.Join(dir, want)
	first, err := os.ReadFile(file)
	if err != nil || string(first) != out.Document {
		t.Fatalf("the file is not the document: %v", err)
	}
	// The new spec is now part of the project: its IDs are in use.
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// Again without overwrite: refused, nothing changed.
	_, err = Run(ctx, ix, in, Options{})
	if err == nil || !tool.IsInputError(err) || !strings.Contains(err.Error(), "overwrite") {
		t.Fatalf("second write: %v", err)
	}
	if now, _ := os.ReadFile(file); string(now) != string(first) {
		t.Fatal("the refused write changed the file")
	}

	// Re-draft with a sharper request and overwrite: same file, same IDs.
	in.Request = "add rate limiting to the login endpoint, per client address"
	in.Title = "Add rate limiting to the login endpoint"
	in.Overwrite = true
	again, err := Run(ctx, ix, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Target != want || again.RedraftOf != want {
		t.Fatalf("re-draft went to %s (redraft of %q)", again.Target, again.RedraftOf)
	}
	for i, r := range again.Requirements {
		if i < len(out.Requirements) && r.ID != out.Requirements[i].ID {
			t.Errorf("requirement %d: ID %s, was %s", i, r.ID, out.Requirements[i].ID)
		}
	}
	for _, r := range again.Related {
		if pathOf(r.URI) == want {
			t.Errorf("the re-draft relates to itself: %+v", r)
		}
	}
}

func TestWriteRefusals(t *testing.T) {
	t.Parallel()
	dir, ix := shopCopy(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "docs", "out")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "x.md"), filepath.Join(dir, "docs", "link.md")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, want string
		overwrite  bool
	}{
		{path: "../escape.md", want: "outside the repository"},
		{path: filepath.Join(outside, "abs.md"), want: "outside the repository"},
		{path: "docs/../../escape.md", want: "outside the repository"},
		{path: "docs/out/spec.md", want: "symlink"},
		{path: "docs/out/new/spec.md", want: "symlink"},
		{path: "docs/link.md", want: "symlink", overwrite: true},
		{path: ".git/spec.md", want: ".git"},
		{path: "docs/specs/notes.txt", want: "Markdown"},
		{path: "docs/specs/002-login.md", want: "already exists"},
	} {
		before, _ := os.ReadFile(filepath.Join(dir, "docs/specs/002-login.md"))
		_, err := Run(context.Background(), ix, Input{Request: "add rate limiting to the login endpoint", Write: true, Path: tc.path, Overwrite: tc.overwrite}, Options{})
		if err == nil || !tool.IsInputError(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an input error with %q", tc.path, err, tc.want)
		}
		if after, _ := os.ReadFile(filepath.Join(dir, "docs/specs/002-login.md")); string(after) != string(before) {
			t.Fatalf("%s: an existing spec changed", tc.path)
		}
	}
	entries, _ := os.ReadDir(outside)
	if len(entries) != 0 {
		t.Errorf("written outside the repository: %v", entries)
	}
	// An absolute path inside the repository is fine.
	out, err := Run(context.Background(), ix, Input{Request: "add rate limiting to the login endpoint", Write: true, Path: filepath.Join(dir, "docs", "specs", "login-limits.md")}, Options{})
	if err != nil || out.Target != "docs/specs/login-limits.md" {
		t.Fatalf("absolute inside: %v %s", err, out.Target)
	}
}

// TestWriteRefusesStateAndGit: a spec may not be written into devai's
// state directory (here inside the repository under another name, as
// --state-dir allows), into .devai (the prompt overrides) or into .git,
// neither directly nor through a symlink that leads there; nothing there
// changes (issue 11, row 5).
func TestWriteRefusesStateAndGit(t *testing.T) {
	t.Parallel()
	dir, _ := fixture.GitRepo(t)
	state := filepath.Join(dir, "var", "devai-state")
	ix, err := openAndSync(dir, state)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	prompt := filepath.Join(dir, ".devai", "prompts", "pr.md")
	if err := os.MkdirAll(filepath.Dir(prompt), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prompt, []byte("the team's own pr prompt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, to := range map[string]string{"state-link": state, "devai-link": filepath.Join(dir, ".devai"), "git-link": filepath.Join(dir, ".git")} {
		if err := os.Symlink(to, filepath.Join(dir, "docs", link)); err != nil {
			t.Fatal(err)
		}
	}
	snapshot := func() map[string]string {
		files := map[string]string{}
		for _, root := range []string{state, filepath.Join(dir, ".devai"), filepath.Join(dir, ".git")} {
			filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					data, _ := os.ReadFile(p)
					files[p] = string(data)
				}
				return nil
			})
		}
		return files
	}
	before := snapshot()
	for _, p := range []string{
		".devai/prompts/pr.md",
		".devai/new.md",
		".DEVAI/prompts/pr.md",
		"var/devai-state/notes.md",
		"var/devai-state/proposals/new/spec.md",
		filepath.Join(state, "abs.md"),
		"docs/state-link/x.md",
		"docs/state-link/new/x.md",
		"docs/devai-link/prompts/pr.md",
		"docs/git-link/x.md",
		"docs/git-link/new/x.md",
		".git/x.md",
		".Git/hooks/x.md",
	} {
		_, err := Run(context.Background(), ix, Input{Request: "add rate limiting to the login endpoint", Write: true, Overwrite: true, Path: p}, Options{})
		if err == nil || !tool.IsInputError(err) || !strings.Contains(err.Error(), "specs may be written anywhere in the work tree outside .git and devai's state directory") {
			t.Errorf("%s: %v, want an input error that says where specs may be written", p, err)
		}
	}
	after := snapshot()
	if len(after) != len(before) {
		t.Errorf("files in the state directory, .devai or .git: %d before, %d after", len(before), len(after))
	}
	for p, data := range before {
		if after[p] != data {
			t.Errorf("%s changed", p)
		}
	}
	out, err := Run(context.Background(), ix, Input{Request: "add rate limiting to the login endpoint", Write: true, Path: "docs/specs/limits.md"}, Options{})
	if err != nil || out.Target != "docs/specs/limits.md" {
		t.Fatalf("a path in the work tree: %v %s", err, out.Target)
	}
}

func TestFormatsPlaceTheirFiles(t *testing.T) {
	t.Parallel()
	dir, ix := shopCopy(t)
	for format, want := range map[string]string{
		FormatDevai:   "docs/specs/005-add-rate-limiting-login-endpoint.md",
		FormatSpecKit: "specs/001-add-rate-limiting-login-endpoint/spec.md",
		FormatKiro:    ".kiro/specs/add-rate-limiting-login-endpoint/requirements.md",
	} {
		out, err := Run(context.Background(), ix, Input{Request: "add rate limiting to the login endpoint", Format: format, Write: true}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if out.Target != want {
			t.Errorf("%s: target %s, want %s", format, out.Target, want)
		}
		data, err := os.ReadFile(filepath.Join(dir, want))
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		head := map[string]string{FormatDevai: "# Add rate limiting", FormatSpecKit: "# Feature Specification:", FormatKiro: "# Requirements Document"}[format]
		if !strings.HasPrefix(string(data), head) || !strings.Contains(string(data), "FR-023") {
			t.Errorf("%s: document starts %q", format, string(data[:min(80, len(data))]))
		}
		// Each layout re-drafts its own file: the IDs survive.
		prev := previousRequirements(filepath.Join(dir, want))
		if len(prev) != len(out.Requirements) || prev[0].id != "FR-023" {
			t.Errorf("%s: read back %d requirements (%+v)", format, len(prev), prev)
		}
	}
}

func TestNumberingKeepsIDs(t *testing.T) {
	t.Parallel()
	prev := []statement{
		{id: "FR-030", text: "THE service SHALL provide rate limiting to the login endpoint."},
		{id: "FR-031", text: "IF the service cannot provide rate limiting THEN THE service SHALL respond with an error."},
	}
	n := newNumbering(map[string]int{"FR": 22}, prev)
	got := n.requirements([]string{
		"THE service SHALL provide rate limiting to the login endpoint per client address.",
		"WHEN a client sends POST /v1/login THE service SHALL provide rate limiting to the login endpoint.",
		"IF the service cannot provide rate limiting to the login endpoint THEN THE service SHALL respond with an error that names the reason.",
	})
	if want := []string{"FR-030", "FR-032", "FR-031"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("IDs %v, want %v (kept by pattern and terms; the new one after the previous draft's highest)", got, want)
	}
	if len(n.unused()) != 0 {
		t.Errorf("unused: %+v", n.unused())
	}
}

func TestModuleName(t *testing.T) {
	for mod, want := range map[string]string{
		"github.com/labstack/echo/v4":  "echo",
		"github.com/go-git/go-git/v5":  "go-git",
		"gopkg.in/yaml.v3":             "yaml",
		"example.com/shop":             "shop",
		"github.com/org/v2ray":         "v2ray",
		"github.com/prometheus/common": "common",
	} {
		if got := moduleName(mod); got != want {
			t.Errorf("moduleName(%q) = %q, want %q", mod, got, want)
		}
	}
}

func TestSubjectWords(t *testing.T) {
	for in, want := range map[string]string{
		"add a --routes flag":                     "--routes flag",
		"Add rate limiting to the login endpoint": "rate limiting login endpoint",
		"make it so":                              "make it so", // nothing but stop words: kept as it is
	} {
		if got := subjectWords(in); got != want {
			t.Errorf("subjectWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOwnTestFileFirst: a code file's own test comes before the other
// test files of its folder, also where tests live apart (tests/test_cli.py
// for src/flask/cli.py).
func TestOwnTestFileFirst(t *testing.T) {
	byBase := map[string][]string{"cli": {"tests/test_cli.py"}, "compress": {"middleware/compress_test.go"},
		"main": {"docs_src/testing/app01_py310/test_main.py", "tests/test_main.py"}}
	for _, tt := range []struct {
		code       string
		inDir      []string
		own, other string
	}{
		{"middleware/compress.go", []string{"middleware/basic_auth_test.go", "middleware/compress_test.go"}, "middleware/compress_test.go", "middleware/basic_auth_test.go"},
		{"src/flask/cli.py", nil, "tests/test_cli.py", ""},
		{"web/app.ts", []string{"web/app.test.ts", "web/other.test.ts"}, "web/app.test.ts", "web/other.test.ts"},
		// typer: docs_src/…/test_main.py tests the tutorial's main.py, not typer/main.py
		{"typer/main.py", nil, "tests/test_main.py", ""},
	} {
		own, beside := siblingTests(tt.code, tt.inDir, byBase)
		if len(own) == 0 || own[0] != tt.own || (tt.other != "" && (len(beside) == 0 || beside[0] != tt.other)) {
			t.Errorf("%s: own %v, beside %v", tt.code, own, beside)
		}
	}
}

// TestNegationMustGovernTheRequest: a sentence is a contradiction only when
// its negation governs a term of the request.
func TestNegationMustGovernTheRequest(t *testing.T) {
	g := &grounding{stems: contentStems("Let users read the config file from an io/fs.FS instead of the OS filesystem")}
	for text, want := range map[string]bool{
		"Viper powered applications can read an update to a config file while running and not miss a beat.": false,
		"Viper does not read config files from an embedded filesystem.":                                     true,
		"Config files can't be read from anything but the OS.":                                              true, // a limit
		"You can't read config files from an fs.FS.":                                                        true,
	} {
		if got := g.negatesRequest(text); got != want {
			t.Errorf("negatesRequest(%q) = %v, want %v", text, got, want)
		}
	}
}
