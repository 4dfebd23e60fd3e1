package patch

import (
	"context"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/reviews"
	"github.com/devaiops/devai/tools/tool"
)

// TestReviseBringsBackTheVerdict: a proposal that revises one sent back
// carries the reviewer's verdict and comment in its notes and its
// Markdown; the first proposal's Markdown says where the verdict will be.
func TestReviseBringsBackTheVerdict(t *testing.T) {
	t.Parallel()
	dir, state := smallRepo(t), t.TempDir()
	ctx := context.Background()
	edit := func(title string, links Links) (Output, error) {
		return RunIn(ctx, dir, state, nil, Input{Title: title, Edits: []Edit{{Path: "calc/calc.go", Search: "return n / 2", Replace: "return n >> 1"}},
			Options: Options{Checks: []string{CheckApply}, Links: links}}, RunOptions{})
	}
	first, err := edit("halve with a shift", Links{})
	if err != nil {
		t.Fatal(err)
	}
	if md := Markdown(first); !strings.Contains(md, "devai://proposals/"+first.ID+" under review") || !strings.Contains(md, `options.links.revises: "`+first.ID+`"`) {
		t.Errorf("the Markdown does not say where the verdict appears:\n%s", md)
	}
	log, err := decisions.Open(decisions.Dir(state), decisions.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	e, err := reviews.Entry(reviews.Args{Proposal: first.ID, Verdict: reviews.RequestChanges, Reviewer: "ann", Comment: "keep the division: n may be negative"}, decisions.Client{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := log.Append(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	second, err := edit("halve, negative-safe", Links{Revises: first.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := "Revises proposal " + first.ID + ": ann gave the verdict request_changes (devai://decisions/" + rec.ID + "): keep the division: n may be negative"
	if !strings.Contains(strings.Join(second.Notes, "\n"), want) || !strings.Contains(Markdown(second), want) {
		t.Errorf("notes %q lack %q", second.Notes, want)
	}
	for _, bad := range []string{"../x", "20990101-000000-abcdef"} {
		if _, err := edit("bad link", Links{Revises: bad}); err == nil || !tool.IsInputError(err) {
			t.Errorf("revises %q: want an input error, got %v", bad, err)
		}
	}
}
