package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/resources"
	"github.com/devaiops/devai/tools/changelog"
	"github.com/devaiops/devai/tools/tool/tooltest"
)

func TestChangelogCommand(t *testing.T) {
	t.Parallel()
	dir, commits := fixture.GitRepo(t)
	common := []string{"--repo", dir, "--state-dir", t.TempDir(), "--embedder", "none", "--log-level", "warn"}
	victim := filepath.Join(t.TempDir(), "victim.txt")
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stdout (code 0) or stderr
	}{
		{"default range", nil, 0, []string{"## [Unreleased] - 2026-11-24", "since v0.1.0", "### Added", "- **auth:** Remember when users were last active", "- Add checkout feature file", "### Maintenance"}},
		{"a release", []string{"--until", "v0.1.0"}, 0, []string{"## [v0.1.0] - 2026-11-06", "[FR-008](docs/specs/002-login.md)", "### Fixed"}},
		{"json", []string{"--format", "json", "--since", commits[fixture.CommitTests]}, 0, []string{`"title": "Unreleased"`, `"commits": 2`}},
		{"unknown revision", []string{"--since", "v42"}, 2, []string{`since "v42" is not a revision`}},
		{"bad format", []string{"--format", "yaml"}, 2, []string{"use markdown or json"}},
		{"since as an argument", []string{commits[fixture.CommitTests]}, 0, []string{"## [Unreleased]"}},
		{"a release as arguments", []string{"", "v0.1.0"}, 0, []string{"## [v0.1.0] - 2026-11-06"}},
		{"a range as git writes it", []string{commits[fixture.CommitTests] + "..HEAD", "--format", "json"}, 0, []string{`"commits": 2`}},
		{"three arguments", []string{"a", "b", "c"}, 2, []string{"at most two revisions"}},
		{"an argument and a flag disagree", []string{"v0.1.0", "--since", "v0.2.0"}, 2, []string{"name two revisions"}},
		{"option as an argument", []string{"--", "--output=" + victim + "..HEAD"}, 2, []string{"is not a revision"}},
		{"option as since", []string{"--since=--output=" + victim}, 2, []string{"is not a revision"}},
		{"option as until", []string{"--until", "--output=" + victim}, 2, []string{"is not a revision"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append(append([]string{"changelog"}, tt.args...), common...), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errb.String())
			}
			where := out.String()
			if code != 0 {
				where = errb.String()
			}
			for _, w := range tt.want {
				if !strings.Contains(where, w) {
					t.Errorf("output lacks %q:\n%s", w, where)
				}
			}
			if _, err := os.Stat(victim); !os.IsNotExist(err) {
				t.Fatalf("a revision reached git as an option: %s was written", victim)
			}
			if tt.name == "json" {
				var o changelog.Output
				if err := json.Unmarshal(out.Bytes(), &o); err != nil {
					t.Errorf("--format json is not the structured output: %v", err)
				}
			}
		})
	}
}

// TestChangelogOverMCP reads devai://changelog and calls generate_changelog
// through the server devai serve builds.
func TestChangelogOverMCP(t *testing.T) {
	t.Parallel()
	dir, _ := fixture.GitRepo(t)
	ix := openSyncedIndex(t, dir, "none")
	c := tooltest.Connect(t, newTestServer(t, ix, toolTable()), mcp.ProtocolVersion20250618)
	var read mcp.ReadResourceRequest
	read.Params.URI = resources.ChangelogURI
	res, err := c.ReadResource(context.Background(), read)
	if err != nil {
		t.Fatal(err)
	}
	text := res.Contents[0].(mcp.TextResourceContents).Text
	if !strings.HasPrefix(text, "## [Unreleased] - 2026-11-24") || !strings.Contains(text, "Remember when users were last active") {
		t.Errorf("devai://changelog:\n%s", text)
	}
	var call mcp.CallToolRequest
	call.Params.Name = changelog.ToolName
	call.Params.Arguments = map[string]any{"until": "v0.1.0"}
	tr, err := c.CallTool(context.Background(), call)
	if err != nil || tr.IsError {
		t.Fatalf("call: %v %+v", err, tr)
	}
	if !strings.Contains(tr.Content[0].(mcp.TextContent).Text, "## [v0.1.0]") {
		t.Errorf("tool text: %+v", tr.Content)
	}
}

// TestChangelogRevisionsAreNotOptions is the critical hole of issue 11: a
// revision shaped like a git option wrote a file, even under --read-only,
// where generate_changelog is still served because it is read-only.
func TestChangelogRevisionsAreNotOptions(t *testing.T) {
	t.Parallel()
	dir, _ := fixture.GitRepo(t)
	ix := openSyncedIndex(t, dir, "none")
	table, err := selectTools(toolTable(), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	c := tooltest.Connect(t, newTestServer(t, ix, table), mcp.ProtocolVersion20251125)
	victim := filepath.Join(t.TempDir(), "victim.txt")
	for _, args := range []map[string]any{
		{"until": "--output=" + victim},
		{"since": "--output=" + victim},
		{"since": "-n1", "until": "--output=" + victim},
	} {
		res := tooltest.Call(t, c, changelog.ToolName, args)
		if !res.IsError || !strings.Contains(res.Content[0].(mcp.TextContent).Text, "is not a revision") {
			t.Errorf("%v: want an isError result naming the bad revision, got %+v", args, res.Content)
		}
	}
	if _, err := os.Stat(victim); !os.IsNotExist(err) {
		t.Fatalf("a revision reached git as an option: %s was written", victim)
	}
}

// TestChangelogCommandRecordsADecision: devai changelog writes its record
// like every other command (it wrote none), a refused revision included.
func TestChangelogCommandRecordsADecision(t *testing.T) {
	t.Parallel()
	dir, _ := fixture.GitRepo(t)
	state := t.TempDir()
	common := []string{"--repo", dir, "--state-dir", state, "--embedder", "none", "--log-level", "warn"}
	for _, args := range [][]string{{"--until", "v0.1.0"}, {"--since", "v42"}} {
		var out, errb bytes.Buffer
		run(append(append([]string{"changelog"}, args...), common...), &out, &errb)
	}
	recs, err := decisions.List(decisions.Dir(state), decisions.Filter{})
	if err != nil || len(recs) != 2 {
		t.Fatalf("records: %v %+v", err, recs)
	}
	if r := recs[0]; r.Tool != changelog.ToolName || r.Client.Name != cliClient || r.Outcome != decisions.OutcomeOK || !strings.Contains(string(r.Arguments), "v0.1.0") {
		t.Errorf("first record: %+v", r)
	}
	if r := recs[1]; r.Outcome != decisions.OutcomeError || !strings.Contains(r.Error, "v42") {
		t.Errorf("second record: %+v", r)
	}
}
