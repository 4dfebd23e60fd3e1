package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/tools/gaps"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

// TestFindTestGapsThroughClient: "what do the tests miss?" over MCP on the
// fixture, in two protocol versions, and mistakes as isError results.
func TestFindTestGapsThroughClient(t *testing.T) {
	t.Parallel()
	ix := openShopIndex(t)
	for _, version := range []string{mcp.ProtocolVersion20251125, "2025-06-18"} {
		c := tooltest.Connect(t, newTestServer(t, ix, toolTable()), version)
		res := tooltest.Call(t, c, gaps.ToolName, map[string]any{"kinds": []any{"unverified", "uncovered"}, "limit": 50})
		if res.IsError {
			t.Fatalf("%s: isError: %+v", version, res.Content)
		}
		var out gaps.Output
		if err := tooltest.Structured(res, &out); err != nil {
			t.Fatal(err)
		}
		var fr11, cancel bool
		for _, g := range out.Gaps {
			fr11 = fr11 || (g.Kind == gaps.KindUnverified && g.Requirement == "FR-011")
			cancel = cancel || (g.Kind == gaps.KindUncovered && g.Symbol == "orders.Service.Cancel")
		}
		if !fr11 || !cancel {
			t.Errorf("%s: FR-011 %v, Cancel's 409 branch %v in %d gaps", version, fr11, cancel, len(out.Gaps))
		}
		text := res.Content[0].(mcp.TextContent).Text
		if !strings.Contains(text, "TestAccountDeletion_FR011") || !strings.Contains(text, "requirements verified") {
			t.Errorf("%s: markdown: %s", version, text)
		}
	}
	c := tooltest.Connect(t, newTestServer(t, ix, toolTable()), mcp.ProtocolVersion20251125)
	for args, want := range map[string]string{
		`{"kinds": ["flaky"]}`:          "unknown gap kind",
		`{"coverage": ["/etc/passwd"]}`: "outside the repository",
		`{"coverage": ["missing.out"]}`: "missing.out",
		`{"limit": 100000}`:             "limit",
		`{"min_risk": -1}`:              "min_risk",
	} {
		var a map[string]any
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			t.Fatal(err)
		}
		res := tooltest.Call(t, c, gaps.ToolName, a)
		if !res.IsError || !strings.Contains(res.Content[0].(mcp.TextContent).Text, want) {
			t.Errorf("%s: %+v, want an isError result with %q", args, res.Content, want)
		}
	}
}

func TestGapsCommand(t *testing.T) {
	t.Parallel()
	repo := shopRepo(t)
	state := t.TempDir()
	base := []string{"gaps", "--repo", repo, "--state-dir", state, "--embedder", "none", "--log-level", "warn"}
	var out, errb bytes.Buffer
	if code := run(append(base, "--json", "--kinds", "untested", "--path", "internal/sessions/**"), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res gaps.Output
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("--json is not the structured output: %v\n%s", err, out.String())
	}
	found := false
	for _, g := range res.Gaps {
		found = found || g.Symbol == "sessions.Store.Touch"
		if g.Kind != gaps.KindUntested || !strings.HasPrefix(g.Path, "internal/sessions/") {
			t.Errorf("filters let through %+v", g)
		}
	}
	if !found {
		t.Errorf("sessions.Store.Touch missing: %+v", res.Gaps)
	}
	out.Reset()
	if code := run(append(base, "--format", "sarif", "--limit", "3", "--no-sync", "--coverage", filepath.Join(repo, "coverage.out")), &out, &errb); code != 0 {
		t.Fatalf("sarif: exit %d: %s", code, errb.String())
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal(out.Bytes(), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) != 3 {
		t.Errorf("sarif: %v %s", err, out.String())
	}
	out.Reset()
	if code := run(append(base, "--no-sync", "--limit", "5"), &out, &errb); code != 0 || !strings.Contains(out.String(), "## find_test_gaps") {
		t.Errorf("markdown: exit %d: %s", code, out.String())
	}
	for _, bad := range [][]string{{"--format", "xml"}, {"--kinds", "flaky"}, {"--min-risk", "200"}, {"extra-arg"}} {
		errb.Reset()
		if code := run(append(append([]string(nil), base...), bad...), &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", bad, code, errb.String())
		}
	}
}

// TestGapsRun: --run runs go test -coverprofile itself and reads the
// profile: a function the test never calls is untested by coverage, not
// only by the symbol graph.
func TestGapsRun(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs go test")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":            "module example.com/calc\n\ngo 1.22\n",
		"calc/calc.go":      "package calc\n\n// Add adds.\nfunc Add(a, b int) int { return a + b }\n\n// Sub subtracts.\nfunc Sub(a, b int) int {\n\tif a < b {\n\t\treturn 0\n\t}\n\treturn a - b\n}\n",
		"calc/calc_test.go": "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal(\"add\")\n\t}\n}\n",
	}
	for p, c := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	args := []string{"gaps", "--repo", dir, "--state-dir", filepath.Join(dir, ".devai"), "--embedder", "none", "--log-level", "warn", "--run", "--json"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res gaps.Output
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Coverage) != 1 || res.Coverage[0].Format != "go-coverprofile" || res.Coverage[0].Files != 1 {
		t.Fatalf("coverage read: %+v", res.Coverage)
	}
	if len(res.Gaps) != 1 || res.Gaps[0].Symbol != "calc.Sub" || !strings.Contains(res.Gaps[0].Why, "coverage shows none") {
		t.Errorf("gaps %+v", res.Gaps)
	}
	if res.Summary.Symbols != 2 || res.Summary.SymbolsTested != 1 {
		t.Errorf("summary %+v", res.Summary)
	}
}
