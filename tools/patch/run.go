package patch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/proposals"
	"github.com/devaiops/devai/memory/redact"
	"github.com/devaiops/devai/memory/reviews"
	"github.com/devaiops/devai/tools/tool"
)

// Run builds, checks and stores one proposal. Edits that do not apply are
// an InputError naming the edit; checks that fail are reported in the
// output, and the proposal is stored all the same, for the record.
func Run(ctx context.Context, ix *memory.Index, in Input, opts RunOptions) (Output, error) {
	if ix == nil {
		return Output{}, fmt.Errorf("propose_patch: the index is not open")
	}
	return RunIn(ctx, ix.Repo(), ix.StateDir(), ix, in, opts)
}

// RunIn is Run with the repository and state directory given; ix may be
// nil, and then no symbols are resolved to tests or requirements. The
// proposal is stored in opts.Store, else under stateDir.
func RunIn(ctx context.Context, repoDir, stateDir string, ix *memory.Index, in Input, opts RunOptions) (Output, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return Output{}, tool.Inputf("title is empty: say in one line what the change does")
	}
	red, err := redactorOf(ix)
	if err != nil {
		return Output{}, err
	}
	// The caller's words go into the branch's commit message and the stored
	// proposal: a credential in them must not (the reply alone was redacted).
	in.Title, in.Rationale = red.String(in.Title), red.String(in.Rationale)
	cleanStaleScratch(os.TempDir(), time.Now()) // what a killed run left behind
	want, err := wantChecks(in.Options.Checks)
	if err != nil {
		return Output{}, err
	}
	b, err := openBase(repoDir, in.Base)
	if err != nil {
		return Output{}, err
	}
	w := newWorkset(b)
	if err := w.apply(in.Edits); err != nil {
		return Output{}, err
	}
	changed := w.changed()
	if len(changed) == 0 {
		return Output{}, tool.Inputf("the edits change nothing at base %s: the replace text equals the search text, or the content is the same", short(b.commit.Hash.String()))
	}
	created := now().UTC()
	out := Output{
		ID: newID(created), Title: in.Title, Rationale: in.Rationale, Created: created,
		Base: b.commit.Hash.String(), BaseRef: orHead(in.Base), Links: in.Options.Links,
		Notes: append([]string{}, w.notes...), Files: []FileChange{}, Writes: []Write{},
	}
	caller := decisions.CallerOf(ctx)
	out.Caller = &caller
	var diff strings.Builder
	var t touched
	deleted := map[string]bool{}
	for _, f := range changed {
		text, added, removed, oldChanged, newChanged := fileDiff(f)
		diff.WriteString(text)
		status := "modified"
		switch {
		case !f.oldExists:
			status = "added"
		case !f.newExists:
			status, deleted[f.path] = "deleted", true
		}
		out.Files = append(out.Files, FileChange{Path: f.path, Status: status, Added: added, Removed: removed})
		impact(ix, f, oldChanged, newChanged, &t)
	}
	out.Diff = diff.String()
	if len(out.Diff) > MaxDiffBytes {
		return Output{}, tool.Inputf("the diff is %d bytes, more than the %d a proposal may be: split the change into smaller proposals", len(out.Diff), MaxDiffBytes)
	}
	resolve(ix, &t, deleted)
	out.Symbols, out.Tests = nonNil(t.symbols), nonNil(t.tests)
	store := opts.Store
	if store == nil {
		store = proposals.Files{StateDir: stateDir}
	}
	verdicts := opts.Decisions
	if verdicts == nil {
		verdicts = decisions.Files{Dir: decisions.Dir(stateDir)}
	}
	if err := noteRevised(ctx, store, verdicts, in.Options.Links.Revises, &out); err != nil {
		return Output{}, err
	}
	out.Requirements = uniqueSorted(append(append([]string{}, t.reqs...), in.Options.Links.Requirements...))
	out.Risk = riskOf(ctx, repoDir, out.Files, t.untested, created)
	c := &checker{b: b, repoDir: repoDir, id: out.ID, changed: changed, diff: out.Diff, tests: out.Tests, opts: opts}
	out.Checks, out.Exec = c.run(ctx, want)
	if in.Options.Branch {
		msg := in.Title + "\n"
		if in.Rationale != "" {
			msg += "\n" + strings.TrimSpace(in.Rationale) + "\n"
		}
		msg += "\nProposed-by: devai propose_patch " + out.ID + "\n"
		out.Branch, out.BranchCommit, err = writeBranch(b, changed, out.ID, msg, created)
		if err != nil {
			return Output{}, err
		}
	}
	out.Path = store.Where(out.ID)
	out.Writes = append(out.Writes, Write{Kind: "proposal", Ref: out.ID})
	if out.Branch != "" {
		out.Writes = append(out.Writes, Write{Kind: "branch", Ref: out.Branch})
	}
	// The record is redacted once, here, where it is written: meta.json,
	// devai://proposals/{id}, devai pr show and this reply all read the same
	// text (check output and notes included).
	stored, err := redact.Typed(red, out)
	if err != nil {
		return Output{}, fmt.Errorf("store proposal %s: %w", out.ID, err)
	}
	if err := save(ctx, store, out.Diff, stored); err != nil {
		return Output{}, err
	}
	return stored, nil
}

// redactorOf is the index's redactor, or a new one where there is no index.
func redactorOf(ix *memory.Index) (*redact.Redactor, error) {
	if ix != nil && ix.Redactor() != nil {
		return ix.Redactor(), nil
	}
	r, err := redact.New()
	if err != nil {
		return nil, fmt.Errorf("propose_patch: %w", err)
	}
	return r, nil
}

func orHead(s string) string {
	if s == "" {
		return "HEAD"
	}
	return s
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// newID is short and sorts by creation time: 20261124-001530-a1b2c3.
func newID(t time.Time) string {
	var r [3]byte
	_, _ = rand.Read(r[:])
	return t.Format("20060102-150405") + "-" + hex.EncodeToString(r[:])
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func uniqueSorted(s []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// noteRevised tells the assistant, in the proposal's notes, what the
// reviewer said about the proposal this one revises (options.links.revises).
func noteRevised(ctx context.Context, store proposals.Store, verdicts decisions.Reader, revises string, out *Output) error {
	if revises == "" {
		return nil
	}
	if err := proposals.CheckID(revises); err != nil {
		return tool.Inputf("options.links.revises: %v", err)
	}
	if _, err := store.Meta(ctx, revises); err != nil {
		return tool.Inputf("options.links.revises: %v; read devai://proposals for the ids", err)
	}
	v, ok, err := reviews.Of(ctx, verdicts, revises)
	if err != nil {
		return err
	}
	if !ok {
		out.Notes = append(out.Notes, fmt.Sprintf("Revises proposal %s, which has no verdict yet.", revises))
		return nil
	}
	note := fmt.Sprintf("Revises proposal %s: %s gave the verdict %s (devai://decisions/%s)", revises, v.Reviewer, v.Verdict, v.Decision)
	if v.Comment != "" {
		note += ": " + v.Comment
	}
	out.Notes = append(out.Notes, note)
	return nil
}
