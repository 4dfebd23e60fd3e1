//go:build realrepos

package main

// The acceptance suite of issue 13: every tool, resource and prompt of a
// built devai, over stdio with mcp-go's client, on real repositories
// (bench/realrepos.sh makes them from the module proxy). It makes the
// calls bench/budget makes, plus one realistic mistake per tool, and
// asserts that every call answers or says clearly what to do, that every
// structured result validates against the tool's declared outputSchema
// (a JSON Schema validator on the client's side), that every answer fits
// its budget on the wire, and that the decision log records each call's
// true outcome.
//
//	bench/realrepos.sh /tmp/rr > /tmp/rr.list
//	go build -o /tmp/devai ./cmd/devai
//	DEVAI_BIN=/tmp/devai DEVAI_REALREPOS="$(cat /tmp/rr.list)" \
//	  go test -tags realrepos -run TestRealRepositories ./bench/budget/ -timeout 30m -v
//
// DEVAI_REALREPOS_REPORT=FILE also writes the Markdown report (per call and
// per tool) to FILE.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/devaiops/devai/memory/budget"
)

const (
	suiteSyncTimeout = 10 * time.Minute
	suiteCallTimeout = 5 * time.Minute
	// maxErrorMessage is the longest isError text that still reads as a
	// message rather than a dump.
	maxErrorMessage = 2000
)

func TestRealRepositories(t *testing.T) {
	repos := strings.Fields(os.Getenv("DEVAI_REALREPOS"))
	if len(repos) == 0 {
		t.Fatal("DEVAI_REALREPOS names no repository: set it to NAME=DIR words, e.g. DEVAI_REALREPOS=\"$(bench/realrepos.sh /tmp/rr)\"")
	}
	devai := devaiBinary(t)
	var results []repoResult
	var timings []string
	for _, r := range repos {
		name, dir := repoName(r)
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			res := acceptRepo(t, devai, name, dir)
			results = append(results, res)
			timings = append(timings, fmt.Sprintf("%s: %s in all (first sync %s, %d files)", name,
				time.Since(start).Round(100*time.Millisecond), res.FirstSync.Round(100*time.Millisecond), res.Index.Files))
		})
	}
	var summary bytes.Buffer
	printSummary(&summary, withoutMistakes(results))
	printMistakes(&summary, results)
	t.Logf("timings:\n%s\n\n%s", strings.Join(timings, "\n"), summary.String())
	if path := os.Getenv("DEVAI_REALREPOS_REPORT"); path != "" {
		var report bytes.Buffer
		for _, r := range results {
			printRepo(&report, r)
		}
		report.Write(summary.Bytes())
		fmt.Fprintf(&report, "Timings (wall, this machine):\n\n")
		for _, line := range timings {
			fmt.Fprintf(&report, "- %s\n", line)
		}
		if err := os.WriteFile(path, report.Bytes(), 0o644); err != nil {
			t.Errorf("write the report: %v", err)
		}
	}
}

// withoutMistakes is results with only the realistic calls, for the
// per-tool table: a mistake's short isError would pull the medians down.
func withoutMistakes(results []repoResult) []repoResult {
	out := make([]repoResult, len(results))
	for i, r := range results {
		r.Calls = slices.DeleteFunc(slices.Clone(r.Calls), func(m measured) bool { return m.Call.mistake })
		out[i] = r
	}
	return out
}

// printMistakes lists what each tool answered to its mistake, on the
// first repository (the messages are the same on every one).
func printMistakes(w *bytes.Buffer, results []repoResult) {
	if len(results) == 0 {
		return
	}
	fmt.Fprintf(w, "### What a mistake gets back (%s)\n\n| tool | mistake | isError | text |\n|---|---|---|---|\n", results[0].Name)
	for _, m := range results[0].Calls {
		if m.Call.mistake {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", m.Call.Tool, strings.TrimPrefix(m.Call.Label, "mistake: "), yesNo(m.IsError),
				strings.ReplaceAll(strings.ReplaceAll(m.Message, "|", "\\|"), "\n", " "))
		}
	}
	fmt.Fprintln(w)
}

// devaiBinary is DEVAI_BIN, or devai built from this tree.
func devaiBinary(t *testing.T) string {
	if bin := os.Getenv("DEVAI_BIN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "devai")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "github.com/devaiops/devai/cmd/devai")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build devai: %v\n%s", err, out)
	}
	return bin
}

// acceptRepo drives everything devai serves on one repository.
func acceptRepo(t *testing.T, devai, name, dir string) repoResult {
	ctx := t.Context()
	res, s, calls := openRepo(ctx, devai, name, dir, suiteSyncTimeout)
	if res.Fatal != nil {
		t.Fatalf("%s: %v", name, res.Fatal)
	}
	for _, n := range res.Notes {
		t.Logf("note: %s", n)
	}
	schemas := outputSchemas(t, res.listed["tools/list"])
	for _, tool := range sortedKeys(res.tools) {
		if !slices.ContainsFunc(calls, func(c call) bool { return c.Tool == tool }) {
			t.Errorf("tool %s is served but no call of it was planned: teach planCalls a realistic call", tool)
		}
	}
	calls = append(calls, mistakes(res.tools)...)
	s = res.runCalls(ctx, s, devai, calls, suiteSyncTimeout, suiteCallTimeout)
	defer func() { s.close() }()
	if res.Fatal != nil {
		t.Fatalf("%s: %v", name, res.Fatal)
	}
	validated := 0
	for _, m := range res.Calls {
		if checkAnswer(t, m, schemas, res.budgets) {
			validated++
		}
	}
	t.Logf("%d calls; %d structured answers validated against their outputSchema", len(res.Calls), validated)
	ids := checkDecisions(t, ctx, s, res.Calls)
	checkResources(t, ctx, s, res)
	checkPrompts(t, ctx, s, res, ids)
	return res
}

// outputSchemas compiles the outputSchema of every tool in tools/list.
func outputSchemas(t *testing.T, toolsList json.RawMessage) map[string]*jsonschema.Schema {
	var page struct {
		Tools []struct {
			Name         string          `json:"name"`
			OutputSchema json.RawMessage `json:"outputSchema"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(toolsList, &page); err != nil {
		t.Fatalf("decode tools/list: %v", err)
	}
	out := map[string]*jsonschema.Schema{}
	c := jsonschema.NewCompiler()
	for _, tool := range page.Tools {
		if len(tool.OutputSchema) == 0 {
			t.Errorf("tool %s declares no outputSchema", tool.Name)
			continue
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(tool.OutputSchema))
		if err != nil {
			t.Errorf("tool %s: decode its outputSchema: %v", tool.Name, err)
			continue
		}
		url := "devai-suite:///" + tool.Name + ".json"
		if err := c.AddResource(url, doc); err != nil {
			t.Errorf("tool %s: outputSchema: %v", tool.Name, err)
			continue
		}
		sch, err := c.Compile(url)
		if err != nil {
			t.Errorf("tool %s: outputSchema does not compile: %v", tool.Name, err)
			continue
		}
		out[tool.Name] = sch
	}
	return out
}

// mistakes are one realistic mistake per tool, each of which must come
// back as an isError that says what to do.
func mistakes(served map[string]bool) []call {
	all := []call{
		{Tool: "search_context", Label: "mistake: misspelt argument qury", Args: map[string]any{"qury": "how are routes matched"}},
		{Tool: "trace_root_cause", Label: "mistake: nothing to trace", Args: map[string]any{}},
		{Tool: "find_test_gaps", Label: "mistake: unknown gap kind", Args: map[string]any{"kinds": []string{"flaky"}}},
		{Tool: "draft_spec", Label: "mistake: unknown spec format", Args: map[string]any{"request": "add a retry limit to the client", "format": "rst"}},
		{Tool: "propose_patch", Label: "mistake: edit of a missing file", Args: map[string]any{
			"title": "fix a typo", "rationale": "a typo",
			"edits": []map[string]any{{"path": "no/such/file.go", "search": "teh", "replace": "the"}},
		}},
		{Tool: "generate_changelog", Label: "mistake: since an unknown tag", Args: map[string]any{"since": "v0.0.0-no-such-tag"}},
		{Tool: "summarize_log", Label: "mistake: a missing log file", Args: map[string]any{"path": "logs/no-such.log"}},
	}
	var out []call
	for _, c := range all {
		if served[c.Tool] {
			c.mistake = true
			out = append(out, c)
		}
	}
	return out
}

// actionable finds a word that tells the reader what to do.
var actionable = regexp.MustCompile(`(?i)\b(pass|use|give|send|set|fix|try|read|call|check|did you mean|add|remove|run|choose|one of)\b`)

// checkAnswer asserts what every answer owes its reader, and says
// whether a structured answer validated.
func checkAnswer(t *testing.T, m measured, schemas map[string]*jsonschema.Schema, budgets map[string]int) bool {
	t.Helper()
	what := fmt.Sprintf("%s %s", m.Call.Tool, m.Call.Label)
	if m.Err != nil {
		t.Errorf("%s: no answer: %v", what, m.Err)
		return false
	}
	if b := budgets[m.Call.Tool]; b > 0 && m.Total > b {
		t.Errorf("%s: %d bytes on the wire, over its budget of %d by %d", what, m.Total, b, m.Total-b)
	}
	if m.Problem != "" {
		t.Errorf("%s: %s", what, m.Problem)
	}
	switch {
	case m.Call.mistake && !m.IsError:
		t.Errorf("%s: answered as if it were right (%d bytes); want an isError that says what to do", what, m.Total)
	case m.Call.mistake:
		checkErrorMessage(t, what, m)
	case m.IsError:
		t.Errorf("%s: isError on a call that should work: %q", what, m.Message)
	default:
		return checkStructured(t, what, m, schemas[m.Call.Tool])
	}
	return false
}

func checkErrorMessage(t *testing.T, what string, m measured) {
	t.Helper()
	msg := strings.TrimSpace(m.Message)
	switch {
	case msg == "":
		t.Errorf("%s: isError with no text", what)
	case len(msg) > maxErrorMessage:
		t.Errorf("%s: isError text of %d bytes; a message, not a dump, please: %.300q…", what, len(msg), msg)
	case !strings.Contains(msg, m.Call.Tool):
		t.Errorf("%s: isError text does not name the tool: %q", what, msg)
	case !actionable.MatchString(msg):
		t.Errorf("%s: isError text does not say what to do: %q", what, msg)
	}
	t.Logf("%s: isError %q", what, msg)
}

// checkStructured validates the structured content against the declared
// outputSchema: a tool that declares one must send it.
func checkStructured(t *testing.T, what string, m measured, schema *jsonschema.Schema) bool {
	t.Helper()
	var r struct {
		Structured json.RawMessage `json:"structuredContent"`
	}
	if err := json.Unmarshal(m.Result, &r); err != nil {
		t.Errorf("%s: decode the result: %v", what, err)
		return false
	}
	if schema == nil {
		return false // no schema declared: reported by outputSchemas
	}
	if len(r.Structured) == 0 || string(r.Structured) == "null" {
		t.Errorf("%s: no structuredContent, though the tool declares an outputSchema", what)
		return false
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Structured))
	if err != nil {
		t.Errorf("%s: decode structuredContent: %v", what, err)
		return false
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("%s: structuredContent does not validate against the outputSchema: %v", what, err)
		return false
	}
	return true
}

// record is a decision record as devai://decisions serves it.
type record struct {
	ID      string `json:"id"`
	Tool    string `json:"tool"`
	Outcome string `json:"outcome"`
	Client  struct {
		Name    string `json:"name"`
		Session string `json:"session"`
	} `json:"client"`
	Writes []write `json:"writes"`
}

// write is one thing a call wrote, as its record says.
type write struct {
	Kind string `json:"kind"`
	Ref  string `json:"ref"`
}

// checkDecisions reads devai://decisions and devai://decisions/{id}: this
// session's records are the calls made, in order, each with the tool's
// name, ok or error as its isError said, and a proposal's id among the
// writes of propose_patch.
//
// It returns the decision id of each call, by the call's index.
func checkDecisions(t *testing.T, ctx context.Context, s *session, calls []measured) []string {
	t.Helper()
	var recent struct {
		Decisions []record `json:"decisions"`
	}
	if !readJSON(t, ctx, s, "devai://decisions", &recent) {
		return nil
	}
	var last record
	for _, r := range recent.Decisions {
		if r.Client.Name == "bench-budget" {
			last = r
		}
	}
	if last.ID == "" {
		t.Errorf("devai://decisions: no record of this client's %d calls", len(calls))
		return nil
	}
	var one struct {
		Decision record   `json:"decision"`
		Session  []record `json:"session"`
	}
	if !readJSON(t, ctx, s, "devai://decisions/"+last.ID, &one) {
		return nil
	}
	if one.Decision.ID != last.ID {
		t.Errorf("devai://decisions/%s: the record is %q", last.ID, one.Decision.ID)
	}
	steps := one.Session
	if len(steps) != len(calls) {
		t.Errorf("devai://decisions/%s: the session has %d records for %d calls", last.ID, len(steps), len(calls))
	}
	t.Logf("devai://decisions/%s: %d records in this session, for %d calls", last.ID, len(steps), len(calls))
	ids := make([]string, len(calls))
	for i := range min(len(steps), len(calls)) {
		m, st := calls[i], steps[i]
		ids[i] = st.ID
		want := "ok"
		if m.IsError {
			want = "error"
		}
		if st.Tool != m.Call.Tool || st.Outcome != want {
			t.Errorf("decision %s: recorded %s %s; the call was %s %s, isError %v", st.ID, st.Tool, st.Outcome, m.Call.Tool, m.Call.Label, m.IsError)
		}
		if id := proposalID(m); id != "" && !slices.Contains(st.Writes, write{Kind: "proposal", Ref: id}) {
			t.Errorf("decision %s: propose_patch made proposal %s, but the record's writes are %v", st.ID, id, st.Writes)
		}
	}
	return ids
}

// proposalID is the id of the proposal a propose_patch answer made.
func proposalID(m measured) string {
	if m.Call.Tool != "propose_patch" || m.IsError || m.Err != nil {
		return ""
	}
	var r struct {
		Structured struct {
			ID string `json:"id"`
		} `json:"structuredContent"`
	}
	_ = json.Unmarshal(m.Result, &r)
	return r.Structured.ID
}

// readResource reads uri and returns its first text content.
func readResource(t *testing.T, ctx context.Context, s *session, uri string) (string, bool) {
	t.Helper()
	raw, _, err := s.raw(ctx, "resources/read", map[string]any{"uri": uri})
	if err != nil {
		t.Errorf("read %s: %v", uri, err)
		return "", false
	}
	var rr struct {
		Contents []struct {
			URI  string `json:"uri"`
			Text string `json:"text"`
		} `json:"contents"`
	}
	if err := json.Unmarshal(raw, &rr); err != nil || len(rr.Contents) == 0 {
		t.Errorf("read %s: no contents in %.300s", uri, raw)
		return "", false
	}
	if size := len(raw) + budget.Envelope; size > budget.Default { // resources.Budget
		t.Errorf("read %s: %d bytes on the wire, over the resource budget of %d", uri, size, budget.Default)
	}
	t.Logf("read %s: %d bytes", uri, len(raw))
	return rr.Contents[0].Text, true
}

func readJSON(t *testing.T, ctx context.Context, s *session, uri string, v any) bool {
	t.Helper()
	text, ok := readResource(t, ctx, s, uri)
	if !ok {
		return false
	}
	if err := json.Unmarshal([]byte(text), v); err != nil {
		t.Errorf("read %s: not the JSON it declares: %v: %.300s", uri, err, text)
		return false
	}
	return true
}

// hitRange is a devai:// URI with a line range.
var hitRange = regexp.MustCompile(`^devai://(spec|code|test|log)/(.+)#L(\d+)-L(\d+)$`)

// checkResources reads every resource resources/list names and fills in
// every template resources/templates/list names: the kind templates from
// search hits (with their line ranges) or, for a kind no hit had, a path
// the template's completion offers; decisions/{id} in checkDecisions;
// proposals/{id} from the proposals propose_patch made.
func checkResources(t *testing.T, ctx context.Context, s *session, res repoResult) {
	t.Helper()
	var list struct {
		Resources []struct {
			URI string `json:"uri"`
		} `json:"resources"`
	}
	var templates struct {
		ResourceTemplates []struct {
			URITemplate string `json:"uriTemplate"`
		} `json:"resourceTemplates"`
	}
	if err := json.Unmarshal(res.listed["resources/list"], &list); err != nil {
		t.Fatalf("decode resources/list: %v", err)
	}
	if err := json.Unmarshal(res.listed["resources/templates/list"], &templates); err != nil {
		t.Fatalf("decode resources/templates/list: %v", err)
	}
	for _, r := range list.Resources {
		checkStatic(t, ctx, s, r.URI, res)
	}
	hits := hitURIs(res.Calls)
	for _, tmpl := range templates.ResourceTemplates {
		kind, isKind := strings.CutSuffix(strings.TrimPrefix(tmpl.URITemplate, "devai://"), "/{+path}")
		switch {
		case isKind:
			checkKindTemplate(t, ctx, s, tmpl.URITemplate, kind, hits[kind])
		case tmpl.URITemplate == "devai://decisions/{id}":
			// read in checkDecisions
		case tmpl.URITemplate == "devai://decisions{?before,limit}", tmpl.URITemplate == "devai://proposals{?before,limit}":
			checkPage(t, ctx, s, strings.TrimSuffix(tmpl.URITemplate, "{?before,limit}"))
			continue // no wrong value names nothing: a page may be empty
		case tmpl.URITemplate == "devai://proposals/{id}":
			for _, m := range res.Calls {
				if id := proposalID(m); id != "" {
					var p struct {
						ID   string `json:"id"`
						Diff string `json:"diff"`
					}
					if readJSON(t, ctx, s, "devai://proposals/"+id, &p) && p.ID != id {
						t.Errorf("devai://proposals/%s: the proposal read is %q", id, p.ID)
					}
				}
			}
		default:
			t.Errorf("resource template %s is served but the suite does not read it: teach checkResources", tmpl.URITemplate)
		}
		checkWrongURI(t, ctx, s, tmpl.URITemplate)
	}
}

// checkPage reads the first page of a list, two items long: it must say
// how many it left out.
func checkPage(t *testing.T, ctx context.Context, s *session, list string) {
	t.Helper()
	var p struct {
		Shown   *int   `json:"shown"`
		Omitted *int   `json:"omitted"`
		More    string `json:"more"`
	}
	uri := list + "?limit=2"
	if !readJSON(t, ctx, s, uri, &p) {
		return
	}
	switch {
	case p.Shown == nil || p.Omitted == nil:
		t.Errorf("%s: no shown and omitted counts", uri)
	case *p.Shown > 2:
		t.Errorf("%s: %d items shown", uri, *p.Shown)
	case *p.Omitted > 0 && !strings.Contains(p.More, "?before="):
		t.Errorf("%s: %d left out, and more (%q) does not say how to read them", uri, *p.Omitted, p.More)
	}
}

// checkWrongURI reads the template filled with something that is not
// there: the error must be MCP's resource-not-found and say what to do.
func checkWrongURI(t *testing.T, ctx context.Context, s *session, tmpl string) {
	t.Helper()
	uri := strings.NewReplacer("{+path}", "no/such/file.go", "{id}", "d999999").Replace(tmpl)
	_, _, err := s.raw(ctx, "resources/read", map[string]any{"uri": uri})
	switch {
	case err == nil:
		t.Errorf("read %s: answered; want an error that says what to do", uri)
	case !strings.Contains(err.Error(), "JSON-RPC error -32002"):
		t.Errorf("read %s: want resource-not-found (-32002), got %v", uri, err)
	case !actionable.MatchString(err.Error()):
		t.Errorf("read %s: the error does not say what to do: %v", uri, err)
	default:
		t.Logf("read %s: %v", uri, err)
	}
}

// checkStatic reads one listed resource and checks what it must say.
func checkStatic(t *testing.T, ctx context.Context, s *session, uri string, res repoResult) {
	t.Helper()
	switch uri {
	case "devai://index":
		var st indexStatus
		if readJSON(t, ctx, s, uri, &st) && (st.State != "ready" || st.Files == 0) {
			t.Errorf("devai://index: state %q with %d files after the calls", st.State, st.Files)
		}
	case "devai://decisions":
		// read in checkDecisions
	case "devai://proposals":
		var ps struct {
			Proposals []struct {
				ID string `json:"id"`
			} `json:"proposals"`
		}
		if !readJSON(t, ctx, s, uri, &ps) {
			return
		}
		for _, m := range res.Calls {
			if id := proposalID(m); id != "" && !slices.ContainsFunc(ps.Proposals, func(p struct {
				ID string `json:"id"`
			}) bool {
				return p.ID == id
			}) {
				t.Errorf("devai://proposals does not list %s, which propose_patch made", id)
			}
		}
	case "devai://changelog":
		if text, ok := readResource(t, ctx, s, uri); ok && strings.TrimSpace(text) == "" {
			t.Errorf("devai://changelog: empty")
		}
	default:
		if text, ok := readResource(t, ctx, s, uri); ok && text == "" {
			t.Errorf("%s: empty", uri)
		}
	}
}

// hitURIs are the URIs with a line range of the search hits, by kind.
func hitURIs(calls []measured) map[string][]string {
	out := map[string][]string{}
	for _, m := range calls {
		if m.Call.Tool != "search_context" || m.IsError || m.Err != nil {
			continue
		}
		var r struct {
			Structured struct {
				Hits []struct {
					URI  string `json:"uri"`
					Kind string `json:"kind"`
				} `json:"hits"`
			} `json:"structuredContent"`
		}
		_ = json.Unmarshal(m.Result, &r)
		for _, h := range r.Structured.Hits {
			if hitRange.MatchString(h.URI) && !slices.Contains(out[h.Kind], h.URI) {
				out[h.Kind] = append(out[h.Kind], h.URI)
			}
		}
	}
	return out
}

// checkKindTemplate reads the first hit of the kind, whose text must have
// the lines its range names, and completes the template's path.
func checkKindTemplate(t *testing.T, ctx context.Context, s *session, tmpl, kind string, hits []string) {
	t.Helper()
	paths, ok := complete(t, ctx, s, map[string]any{"type": "ref/resource", "uri": tmpl}, "path", "")
	if !ok {
		return
	}
	if len(hits) > 0 {
		uri := hits[0]
		p := hitRange.FindStringSubmatch(uri)
		var from, to int
		fmt.Sscan(p[3], &from)
		fmt.Sscan(p[4], &to)
		if text, ok := readResource(t, ctx, s, uri); ok {
			if n := strings.Count(strings.TrimSuffix(text, "\n"), "\n") + 1; n != to-from+1 {
				t.Errorf("%s: %d lines read, the range names %d", uri, n, to-from+1)
			}
		}
		return
	}
	if kind == "code" {
		t.Errorf("no search hit was code: the suite reads a code URI from a search hit")
	}
	if len(paths) == 0 {
		t.Logf("%s: no %s file in the index and no search hit: nothing to read", tmpl, kind)
		return
	}
	uri := "devai://" + kind + "/" + paths[0]
	if text, ok := readResource(t, ctx, s, uri); ok && text == "" {
		t.Errorf("%s: empty", uri)
	}
}

// complete asks completion/complete for ref's argument and returns the
// values.
func complete(t *testing.T, ctx context.Context, s *session, ref map[string]any, arg, value string) ([]string, bool) {
	t.Helper()
	raw, _, err := s.raw(ctx, "completion/complete", map[string]any{"ref": ref, "argument": map[string]any{"name": arg, "value": value}})
	if err != nil {
		t.Errorf("complete %v %s: %v", ref, arg, err)
		return nil, false
	}
	var r struct {
		Completion struct {
			Values []string `json:"values"`
		} `json:"completion"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || r.Completion.Values == nil {
		t.Errorf("complete %v %s: no values list in %.300s", ref, arg, raw)
		return nil, false
	}
	return r.Completion.Values, true
}

// checkPrompts gets every prompt of prompts/list with valid arguments
// (completed where the prompt offers completion, else derived from the
// repository and the calls made), checks that each argument's value
// reaches the text, and that a prompt missing a required argument is
// refused with an error that names it.
func checkPrompts(t *testing.T, ctx context.Context, s *session, res repoResult, decisionIDs []string) {
	t.Helper()
	var list struct {
		Prompts []struct {
			Name      string `json:"name"`
			Arguments []struct {
				Name     string `json:"name"`
				Required bool   `json:"required"`
			} `json:"arguments"`
		} `json:"prompts"`
	}
	if err := json.Unmarshal(res.listed["prompts/list"], &list); err != nil {
		t.Fatalf("decode prompts/list: %v", err)
	}
	values := promptValues(res, decisionIDs)
	for _, p := range list.Prompts {
		args := map[string]string{}
		for _, a := range p.Arguments {
			offered, ok := complete(t, ctx, s, map[string]any{"type": "ref/prompt", "name": p.Name}, a.Name, "")
			if !ok {
				continue
			}
			v := values[a.Name]
			if len(offered) > 0 {
				v = offered[0]
			}
			if v == "" && a.Required {
				t.Errorf("prompt %s: no value for its required argument %s: teach promptValues", p.Name, a.Name)
			}
			if v != "" {
				args[a.Name] = v
			}
		}
		raw, _, err := s.raw(ctx, "prompts/get", map[string]any{"name": p.Name, "arguments": args})
		if err != nil {
			t.Errorf("prompts/get %s %v: %v", p.Name, args, err)
			continue
		}
		var got struct {
			Messages []struct {
				Content struct {
					Text string `json:"text"`
				} `json:"content"`
			} `json:"messages"`
		}
		if err := json.Unmarshal(raw, &got); err != nil || len(got.Messages) == 0 || got.Messages[0].Content.Text == "" {
			t.Errorf("prompts/get %s: no message text in %.300s", p.Name, raw)
			continue
		}
		text := got.Messages[0].Content.Text
		t.Logf("prompts/get %s with %s: %d bytes", p.Name, strings.Join(sortedKeys(args), ", "), len(raw))
		for name, v := range args {
			if !strings.Contains(text, v) {
				t.Errorf("prompts/get %s: the value of %s (%.80q) is not in the text", p.Name, name, v)
			}
		}
		for _, a := range p.Arguments {
			if a.Required {
				checkMissingArgument(t, ctx, s, p.Name, a.Name, args)
			}
		}
	}
}

// checkMissingArgument gets the prompt without one required argument.
func checkMissingArgument(t *testing.T, ctx context.Context, s *session, prompt, arg string, args map[string]string) {
	t.Helper()
	without := map[string]string{}
	for k, v := range args {
		if k != arg {
			without[k] = v
		}
	}
	_, _, err := s.raw(ctx, "prompts/get", map[string]any{"name": prompt, "arguments": without})
	switch {
	case err == nil:
		t.Errorf("prompts/get %s without its required %s: answered; want an error that names %s", prompt, arg, arg)
	case !strings.Contains(err.Error(), arg):
		t.Errorf("prompts/get %s without its required %s: the error does not name it: %v", prompt, arg, err)
	}
}

// promptValues are realistic values of prompt arguments with no
// completion: the request a developer would type (draft_spec's), a goal,
// the decision id of the trace_root_cause call made, the tag the
// repository has, and the log file summarize_log read.
func promptValues(res repoResult, decisionIDs []string) map[string]string {
	v := map[string]string{"until": "HEAD", "since": res.Version, "goal": "fix the nil pointer dereference in the traced panic"}
	for i, m := range res.Calls {
		if m.Call.mistake || m.IsError || m.Err != nil {
			continue
		}
		switch {
		case m.Call.Tool == "draft_spec" && v["request"] == "":
			v["request"], _ = m.Call.Args["request"].(string)
		case m.Call.Tool == "summarize_log" && v["log"] == "":
			v["log"], _ = m.Call.Args["path"].(string)
		case m.Call.Tool == "trace_root_cause" && v["trace"] == "" && i < len(decisionIDs):
			v["trace"] = decisionIDs[i]
		}
	}
	return v
}

// alive must see a server that is gone: the suite restarts a crashed
// server only when it does (mcp-go's Ping answers nil without asking on
// a 2026-07-28 connection).
func TestAliveSeesAStoppedServer(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := gitLines(t.Context(), dir, "init", "-q"); err != nil {
		t.Fatal(err)
	}
	s, err := startServe(t.Context(), devaiBinary(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	if !alive(t.Context(), s) {
		t.Fatal("alive = false for a running server")
	}
	s.close()
	if alive(t.Context(), s) {
		t.Error("alive = true after the server was stopped")
	}
}
