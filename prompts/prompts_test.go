package prompts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// roles are the six agent roles and the arguments each must declare.
var roles = map[string][]string{
	"plan":          {"request", "format"},
	"design":        {"spec", "request"},
	"pr":            {"goal", "trace", "spec"},
	"test-gaps":     {"path", "kind"},
	"fix-log":       {"log"},
	"release-notes": {"since", "until"},
}

func loadEmbedded(t *testing.T) Set {
	t.Helper()
	set, errs := Load("")
	if len(errs) > 0 {
		t.Fatalf("embedded prompts do not load: %v", errs)
	}
	return set
}

func TestPromptEmbeddedRoles(t *testing.T) {
	set := loadEmbedded(t)
	if got := len(set.List()); got != len(roles) {
		t.Errorf("%d embedded prompts, want %d", got, len(roles))
	}
	for name, args := range roles {
		p, ok := set.Get(name)
		if !ok {
			t.Errorf("prompt %s missing", name)
			continue
		}
		var got []string
		for _, a := range p.Arguments {
			got = append(got, a.Name)
		}
		if strings.Join(got, ",") != strings.Join(args, ",") {
			t.Errorf("%s: arguments %v, want %v", name, got, args)
		}
		if p.Source != SourceEmbedded || len(p.Hash) != hashLen || p.Title == "" {
			t.Errorf("%s: source %q hash %q title %q", name, p.Source, p.Hash, p.Title)
		}
	}
}

// Every role names the tools it drives and stops for a human before writing.
func TestPromptBodiesDriveToolsAndStop(t *testing.T) {
	set := loadEmbedded(t)
	full := map[string]string{"request": "add rate limiting to the login endpoint", "format": "kiro", "spec": "docs/specs/001-login.md",
		"goal": "fix the janitor panic", "trace": "d000042", "path": "internal/**", "kind": "untested", "log": "panic: boom",
		"since": "v1.0.0", "until": "HEAD"}
	wantTools := map[string][]string{
		"plan":          {"search_context", "draft_spec", "write: true", "STOP"},
		"design":        {"search_context", "find_test_gaps", "STOP"},
		"pr":            {"trace_root_cause", "propose_patch", "branch: true", "STOP", "d000042", "FR"},
		"test-gaps":     {"find_test_gaps", "propose_patch", "branch: true", "STOP"},
		"fix-log":       {"trace_root_cause", "search_context", "STOP", "panic: boom"},
		"release-notes": {"generate_changelog", "STOP", `since: "v1.0.0"`},
	}
	for name, want := range wantTools {
		p, _ := set.Get(name)
		args := map[string]string{}
		for _, a := range p.Arguments {
			args[a.Name] = full[a.Name]
		}
		text, err := p.Render(args)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: rendered text lacks %q", name, w)
			}
		}
		if strings.Contains(text, "<no value>") || strings.Contains(text, "{{") {
			t.Errorf("%s: template residue in\n%s", name, text)
		}
	}
}

const goodFile = `---
name: triage
title: Triage
version: 1.2.3
description: Sort the open failures.
arguments:
  - name: area
    description: Where to look.
    required: true
  - name: depth
    description: How deep.
    values: [shallow, deep]
---
Triage {{.area}}{{if .depth}} ({{.depth}}){{end}}.
`

func TestPromptParse(t *testing.T) {
	p, err := Parse([]byte(goodFile))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "triage" || p.Version != "1.2.3" || p.Title != "Triage" || p.Description != "Sort the open failures." ||
		len(p.Arguments) != 2 || !p.Arguments[0].Required || p.Arguments[1].Required || len(p.Arguments[1].Values) != 2 {
		t.Fatalf("parsed %+v", p)
	}
	if p.Hash != HashOf([]byte(goodFile)) {
		t.Errorf("hash %s is not the file's", p.Hash)
	}
}

func TestPromptParseRejects(t *testing.T) {
	cases := []struct{ name, file, want string }{
		{"no front matter", "hello", "no front matter"},
		{"unclosed", "---\nname: x\n", "not closed"},
		{"empty body", "---\nname: x\nversion: 1.0.0\ndescription: d\n---\n  \n", "body"},
		{"bad yaml", "---\nname: [x\n---\nbody\n", "front matter"},
		{"unknown key", "---\nname: x\nversoin: 1.0.0\ndescription: d\n---\nbody\n", "versoin"},
		{"bad name", "---\nname: Fix Log\nversion: 1.0.0\ndescription: d\n---\nbody\n", "name"},
		{"no version", "---\nname: x\ndescription: d\n---\nbody\n", "not semver"},
		{"bad version", "---\nname: x\nversion: v1\ndescription: d\n---\nbody\n", "not semver"},
		{"no description", "---\nname: x\nversion: 1.0.0\n---\nbody\n", "description"},
		{"undeclared field", "---\nname: x\nversion: 1.0.0\ndescription: d\n---\n{{.reqest}}\n", ".reqest is not a declared argument"},
		{"bad template", "---\nname: x\nversion: 1.0.0\ndescription: d\n---\n{{if}}\n", "body"},
		{"duplicate argument", "---\nname: x\nversion: 1.0.0\ndescription: d\narguments:\n  - {name: a, description: d}\n  - {name: a, description: d}\n---\n{{.a}}\n", "twice"},
		{"bad completion kind", "---\nname: x\nversion: 1.0.0\ndescription: d\narguments:\n  - {name: a, description: d, complete: docs}\n---\n{{.a}}\n", "complete"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestPromptRender(t *testing.T) {
	p, err := Parse([]byte(goodFile))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		args    map[string]string
		want    string
		wantErr string
	}{
		{"required only", map[string]string{"area": "billing"}, "Triage billing.\n", ""},
		{"optional set", map[string]string{"area": "billing", "depth": "deep"}, "Triage billing (deep).\n", ""},
		{"missing required", map[string]string{"depth": "deep"}, "", `required argument "area" is missing (Where to look.)`},
		{"blank required", map[string]string{"area": "  "}, "", `required argument "area" is missing`},
		{"unknown argument", map[string]string{"area": "x", "aera": "y"}, "", `takes no argument "aera"; it takes: area, depth`},
		{"value outside the set", map[string]string{"area": "x", "depth": "medium"}, "", `depth "medium" is not one of: shallow, deep`},
		{"template text in a value stays text", map[string]string{"area": "{{.depth}}"}, "Triage {{.depth}}.\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := p.Render(c.args)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func writePrompt(t *testing.T, repo, file, content string) string {
	t.Helper()
	dir := filepath.Join(repo, OverrideDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, file)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPromptRepositoryOverrides(t *testing.T) {
	repo := t.TempDir()
	embeddedPlan, _ := loadEmbedded(t).Get("plan")
	override := "---\nname: plan\nversion: 2.0.0\ndescription: Our own planning.\narguments:\n  - {name: request, description: What, required: true}\n---\nPlan {{.request}} our way.\n"
	writePrompt(t, repo, "plan.md", override)
	writePrompt(t, repo, "triage.md", goodFile)
	bad := writePrompt(t, repo, "broken.md", "---\nname: broken\n---\nbody\n")
	dup := writePrompt(t, repo, "zz-plan-again.md", override)
	writePrompt(t, repo, "README.md", "# our prompts\n")
	writePrompt(t, repo, "notes.txt", "not a prompt")

	set, errs := Load(repo)
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), bad) || !strings.Contains(errs[0].Error(), "skipped") ||
		!strings.Contains(errs[1].Error(), dup) || !strings.Contains(errs[1].Error(), "already defined") {
		t.Fatalf("errors %v, want the broken file and the duplicate named", errs)
	}
	p, _ := set.Get("plan")
	if p.Version != "2.0.0" || !p.Overrides || p.Source != filepath.Join(repo, OverrideDir, "plan.md") || p.Hash == embeddedPlan.Hash {
		t.Errorf("override not in effect: %+v", p)
	}
	if text, err := p.Render(map[string]string{"request": "x"}); err != nil || text != "Plan x our way.\n" {
		t.Errorf("override renders %q, %v", text, err)
	}
	if tr, ok := set.Get("triage"); !ok || tr.Overrides {
		t.Errorf("added prompt: %+v %v", tr, ok)
	}
	if _, ok := set.Get("broken"); ok {
		t.Error("a malformed prompt was loaded")
	}
	if got := len(set.List()); got != len(roles)+1 {
		t.Errorf("%d prompts, want the six roles and triage", got)
	}
}

func TestPromptHashFollowsContent(t *testing.T) {
	a, err := Parse([]byte(goodFile))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse([]byte(strings.Replace(goodFile, "Triage {{.area}}", "Triage carefully {{.area}}", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash == b.Hash {
		t.Error("the hash did not change with the body")
	}
	c, _ := Parse([]byte(goodFile))
	if a.Hash != c.Hash {
		t.Error("the hash is not stable")
	}
}

func TestPromptNoOverrideDir(t *testing.T) {
	set, errs := Load(t.TempDir())
	if len(errs) != 0 || len(set.List()) != len(roles) {
		t.Fatalf("%d prompts, errors %v", len(set.List()), errs)
	}
}
