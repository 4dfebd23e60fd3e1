package changelog

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/fixture"
	"github.com/devaiops/devai/memory/fixture/fixtureindex"
	"github.com/devaiops/devai/memory/history"
	"github.com/devaiops/devai/tools/tool"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		subject, body string
		section       string
		typ, scope    string
		text          string
		conventional  bool
	}{
		{"feat(auth): remember when users were last active", "", SectionAdded, "feat", "auth", "Remember when users were last active", true},
		{"fix: lock on the fifth failed login.", "", SectionFixed, "fix", "", "Lock on the fifth failed login", true},
		{"perf(tsdb): faster XOR reads", "", SectionChanged, "perf", "tsdb", "Faster XOR reads", true},
		{"docs: describe the fixture", "", SectionMaintenance, "docs", "", "Describe the fixture", true},
		{"feat(api)!: drop the v1 endpoints", "", SectionBreaking, "feat", "api", "Drop the v1 endpoints", true},
		{"refactor: new store", "Body.\n\nBREAKING CHANGE: Store.Get returns\nan error now.\n\nRefs: FR-1", SectionBreaking, "refactor", "", "New store", true},
		{"build(deps): bump x/text to v0.39.0 (CVE-2026-56852)", "", SectionSecurity, "build", "deps", "Bump x/text to v0.39.0 (CVE-2026-56852)", true},
		{"Add checkout feature file", "", SectionAdded, "", "", "Add checkout feature file", false},
		{"tsdb: fix goroutine leaks when Open() fails", "", SectionFixed, "", "tsdb", "Fix goroutine leaks when Open() fails", false},
		{"discovery/moby: bound Docker API requests", "", SectionOther, "", "discovery/moby", "Bound Docker API requests", false},
		{"tsdb(wal): Update st-in-wal tests", "", SectionMaintenance, "", "tsdb/wal", "Update st-in-wal tests", false},
		{"Remove retired Go report card badge", "", SectionRemoved, "", "", "Remove retired Go report card badge", false},
		{"address query logger review nits", "", SectionOther, "", "", "Address query logger review nits", false},
		{"go.mod: use Go 1.26", "", SectionChanged, "", "go.mod", "Use Go 1.26", false},
		{"Deprecate the old flag", "", SectionDeprecated, "", "", "Deprecate the old flag", false},
		{"Update module golang.org/x/net to v0.56.0 [SECURITY]", "", SectionSecurity, "", "", "Update module golang.org/x/net to v0.56.0 [SECURITY]", false},
		{"fixup formatting", "", SectionFixed, "", "", "Fixup formatting", false},
		{"`go vet` clean", "", SectionOther, "", "", "`go vet` clean", false},
		{"scrape: Add test exposing stale marker", "", SectionMaintenance, "", "scrape", "Add test exposing stale marker", false},
		{"Speed up TestHeadCompactionWhileScraping", "", SectionMaintenance, "", "", "Speed up TestHeadCompactionWhileScraping", false},
		{"Fix flaky rule evaluation", "", SectionMaintenance, "", "", "Fix flaky rule evaluation", false},
		{"Add Testing section to the guide", "", SectionAdded, "", "", "Add Testing section to the guide", false},
		{"fix(deps): update module x to v1.2.3", "", SectionMaintenance, "fix", "deps", "Update module x to v1.2.3", true},
		{"discovery/aws: Don't panic on absent fields", "", SectionFixed, "", "discovery/aws", "Don't panic on absent fields", false},
		{"feat(ratelimit): token-bucket limiter", "", SectionAdded, "feat", "ratelimit", "Token-bucket limiter", true},
		{"fix: go.mod names Go 1.26", "", SectionFixed, "fix", "", "go.mod names Go 1.26", true},
		{"refactor: fooBar takes a context", "", SectionChanged, "refactor", "", "fooBar takes a context", true},
		{"Prepare 3.14.0", "", SectionMaintenance, "", "", "Prepare 3.14.0", false},
		{"ui: Show effective scrape pool configuration", "", SectionChanged, "", "ui", "Show effective scrape pool configuration", false},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			p := classify(tt.subject, tt.body)
			if p.Section != tt.section || p.Type != tt.typ || p.Scope != tt.scope || p.Conventional != tt.conventional {
				t.Errorf("classify = section %q type %q scope %q conventional %v (rule %s), want %q %q %q %v",
					p.Section, p.Type, p.Scope, p.Conventional, p.Rule, tt.section, tt.typ, tt.scope, tt.conventional)
			}
			if got := humanize(p.Description); got != tt.text {
				t.Errorf("text %q, want %q", got, tt.text)
			}
			if p.Rule == "" {
				t.Error("no rule says why")
			}
		})
	}
	if p := classify("refactor: x", "BREAKING CHANGE: Store.Get returns\nan error now.\n\nRefs: FR-1"); p.BreakingNote != "Store.Get returns an error now." {
		t.Errorf("breaking note %q", p.BreakingNote)
	}
}

// shared is the fixture repository with its history and a full-text index
// of it, built once for the tests that only read them.
var shared = fixtureindex.Shared{Git: true, Embedder: "none"}

func TestMain(m *testing.M) { fixtureindex.Main(m, &shared) }

// sharedShop is shop's answer from the shared copy: read it, do not change it.
func sharedShop(t *testing.T) (*history.Repo, *memory.Index, map[string]string) {
	t.Helper()
	ix := shared.Index(t)
	repo, err := history.Open(ix.Repo())
	if err != nil {
		t.Fatal(err)
	}
	return repo, ix, shared.Commits(t)
}

// shop is a writable copy of the fixture repository with its history, and
// an index of it.
func shop(t *testing.T) (*history.Repo, *memory.Index, string, map[string]string) {
	t.Helper()
	dir, commits := fixture.GitRepo(t)
	repo, err := history.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := memory.Open(context.Background(), memory.Options{Repo: dir, StateDir: t.TempDir(), Embedder: "none"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return repo, ix, dir, commits
}

// texts lists "Section: scope: text" for every entry.
func texts(out Output) []string {
	var got []string
	for _, s := range out.Sections {
		for _, e := range s.Entries {
			line := s.Title + ": "
			if e.Scope != "" {
				line += e.Scope + ": "
			}
			got = append(got, line+e.Text)
		}
	}
	return got
}

func TestRunOnFixtureHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo, ix, commits := sharedShop(t)

	t.Run("default: since the last tag", func(t *testing.T) {
		out, err := Run(ctx, repo, ix, Input{})
		if err != nil {
			t.Fatal(err)
		}
		if out.Title != "Unreleased" || out.Since != fixture.Tag || out.Until != "HEAD" || out.Commits != 5 || out.Date != "2026-11-24" {
			t.Errorf("header: %+v", out)
		}
		want := []string{
			"Added: auth: Remember when users were last active",
			"Added: Add checkout feature file",
			"Maintenance: Describe the fixture and add a coverage profile",
			"Maintenance: ops: Add shopd logs from the 2026-11-23 staging crash",
			"Maintenance: orders: Cover listing, ownership and cancellation",
		}
		if got := texts(out); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		added := out.Sections[0].Entries
		if added[0].Hash != commits[fixture.CommitBug] || !added[0].Conventional || added[1].Conventional || !strings.Contains(added[1].Rule, `first word "Add"`) {
			t.Errorf("added entries: %+v", added)
		}
	})

	t.Run("until the tag: the release, with spec links", func(t *testing.T) {
		out, err := Run(ctx, repo, ix, Input{Until: fixture.Tag})
		if err != nil {
			t.Fatal(err)
		}
		if out.Title != fixture.Tag || out.Since != "" || out.Commits != 7 {
			t.Errorf("header: title %q since %q commits %d", out.Title, out.Since, out.Commits)
		}
		byHash := map[string]Entry{}
		for _, s := range out.Sections {
			for _, e := range s.Entries {
				byHash[e.Hash] = e
			}
		}
		sessions := byHash[commits[fixture.CommitSessions]]
		var ids []string
		for _, l := range sessions.Links {
			ids = append(ids, l.ID+"="+l.Path)
			if !strings.HasPrefix(l.URI, "devai://spec/docs/specs/001-sessions.md#L") {
				t.Errorf("%s links to %s, want the section of spec 001 that defines it", l.ID, l.URI)
			}
		}
		if got := strings.Join(ids, ","); got != "FR-001=docs/specs/001-sessions.md,FR-003=docs/specs/001-sessions.md,FR-002=docs/specs/001-sessions.md" {
			t.Errorf("sessions commit links %s", got)
		}
		fix := byHash[commits[fixture.CommitLockoutFix]]
		if len(fix.Links) != 1 || fix.Links[0].ID != "FR-008" || fix.Links[0].Path != "docs/specs/002-login.md" {
			t.Errorf("lockout fix links %+v, want FR-008 in spec 002", fix.Links)
		}
		md := Markdown(out)
		for _, want := range []string{"## [v0.1.0] - 2026-11-06", "_7 changes since the first commit._", "### Added", "### Fixed",
			"- **auth:** Lock the account on the fifth failed login, not the sixth (", "[FR-008](docs/specs/002-login.md)"} {
			if !strings.Contains(md, want) {
				t.Errorf("Markdown lacks %q:\n%s", want, md)
			}
		}
		if strings.Index(md, "### Added") > strings.Index(md, "### Fixed") {
			t.Errorf("sections out of order:\n%s", md)
		}
	})

	t.Run("explicit range and a limit", func(t *testing.T) {
		out, err := Run(ctx, repo, ix, Input{Since: commits[fixture.CommitAuth], Until: commits[fixture.CommitOrders], MaxCommits: 1})
		if err != nil {
			t.Fatal(err)
		}
		if out.Commits != 1 || !out.Truncated || out.Sections[0].Entries[0].Hash != commits[fixture.CommitOrders] {
			t.Errorf("want only the newest of two commits, truncated: %+v", out)
		}
		if !strings.Contains(Markdown(out), "Only the newest commits are listed") {
			t.Error("Markdown does not say it was truncated")
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, in := range []Input{{Since: "v9.9.9"}, {Until: "no-such-branch"}, {MaxCommits: -1}, {MaxCommits: MaxMaxCommits + 1}} {
			_, err := Run(ctx, repo, ix, in)
			if !tool.IsInputError(err) {
				t.Errorf("%+v: err = %v, want an input error", in, err)
			}
		}
		if _, err := Run(ctx, repo, ix, Input{Since: "v9.9.9"}); err == nil || !strings.Contains(err.Error(), `since "v9.9.9" is not a revision`) {
			t.Errorf("err = %v", err)
		}
	})
}

// TestRunBreakingProposalsAndMerges adds commits to the fixture: a
// breaking change with a proposal trailer, a merge recorded with one parent,
// a pre-release tag, and a release tag on HEAD, which makes the default
// range that release's since the release before (not since the rc).
func TestRunBreakingProposalsAndMerges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo, ix, dir, _ := shop(t)
	g, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := g.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	commit := func(msg string) {
		t.Helper()
		when = when.Add(time.Hour)
		sig := &object.Signature{Name: "Ana Lima", Email: "ana@example.com", When: when}
		h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
		if err != nil {
			t.Fatal(err)
		}
		tag := map[string]string{"release": "v0.2.0", "Merge pull request #7": "v0.2.0-rc.1"}
		for prefix, name := range tag {
			if strings.HasPrefix(msg, prefix) {
				if _, err := g.CreateTag(name, h, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	commit("refactor(sessions)!: Store.Get returns an error\n\nBREAKING CHANGE: callers must check the error.\n\nProposal: 20261125-ab12\nRefs: FR-004\n")
	commit("Merge pull request #7 from ana/empty\n")
	commit("Merge pull request #8 from ana/title\n\nExpire sessions at midnight too\n")
	commit("release v0.2.0\n")

	out, err := Run(ctx, repo, ix, Input{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Title != "v0.2.0" || out.Since != fixture.Tag || out.Skipped != 1 || out.Commits != 8 {
		t.Errorf("a tag on HEAD: title %q since %q, %d commits, %d skipped; want v0.2.0 since %s, 8 commits, one skipped", out.Title, out.Since, out.Commits, out.Skipped, fixture.Tag)
	}
	if out.Sections[0].Title != SectionBreaking {
		t.Fatalf("first section %q, want breaking changes first", out.Sections[0].Title)
	}
	br := out.Sections[0].Entries[0]
	if br.Scope != "sessions" || br.BreakingNote != "callers must check the error." || len(br.Links) != 2 ||
		br.Links[0].ID != "FR-004" || br.Links[1] != (Link{ID: "20261125-ab12", Kind: "proposal", URI: "devai://proposals/20261125-ab12"}) {
		t.Errorf("breaking entry %+v", br)
	}
	got := strings.Join(texts(out), "\n")
	if !strings.Contains(got, "Other changes: Expire sessions at midnight too") || strings.Contains(got, "Merge pull request") {
		t.Errorf("merge subjects: want the body's title, never the merge line:\n%s", got)
	}
	md := Markdown(out)
	if !strings.Contains(md, "1 merge without a description left out") || !strings.Contains(md, "  callers must check the error.\n") ||
		!strings.Contains(md, "[proposal 20261125-ab12](devai://proposals/20261125-ab12)") {
		t.Errorf("Markdown:\n%s", md)
	}
}

func TestPreferredTag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		names []string
		want  string
	}{
		{[]string{"v0.300.0-rc.1", "v3.0.0-rc.1"}, "v3.0.0-rc.1"},
		{[]string{"v3.0.0", "v3.0.0-rc.2"}, "v3.0.0"},
		{[]string{"v1.10.0", "v1.9.0"}, "v1.10.0"},
		{[]string{"release-a", "v0.1.0"}, "v0.1.0"},
		{[]string{"beta", "alpha"}, "beta"},
		{[]string{"only"}, "only"},
	}
	for _, tt := range tests {
		if got := preferredTag(tt.names); got != tt.want {
			t.Errorf("preferredTag(%v) = %q, want %q", tt.names, got, tt.want)
		}
	}
}
