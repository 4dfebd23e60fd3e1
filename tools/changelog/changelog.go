// Package changelog is generate_changelog: it reads the git history between
// two revisions and writes the changelog a maintainer would, in Keep a
// Changelog sections with breaking changes first, every entry linked to the
// specs and proposals its message names. The plain API here serves
// `devai changelog`, the devai://changelog resource and the MCP binding in
// mcp.go, so all three give the same answer.
package changelog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/history"
	"github.com/devaiops/devai/tools/tool"
)

// Limits on one changelog, so a call on a long history cannot flood the
// assistant's context. The newest commits are kept.
const (
	DefaultMaxCommits = 1000
	MaxMaxCommits     = 100000
)

// Input is one generate_changelog call.
type Input struct {
	Since      string `json:"since,omitempty" jsonschema:"Start after this revision (a tag like v1.2.0, a branch or a commit). Default: the newest tag before until, or the first commit when there is no tag."`
	Until      string `json:"until,omitempty" jsonschema:"End at this revision, included. Default: HEAD."`
	MaxCommits int    `json:"max_commits,omitempty" jsonschema:"At most this many commits, the newest (default 1000, at most 100000)."`
}

// Entry is one change.
type Entry struct {
	Hash         string `json:"hash"`
	Text         string `json:"text" jsonschema:"The change as the changelog says it."`
	Subject      string `json:"subject" jsonschema:"The commit's subject line as written."`
	Type         string `json:"type,omitempty" jsonschema:"The Conventional Commit type (feat, fix, …); empty for other commits."`
	Scope        string `json:"scope,omitempty" jsonschema:"The scope, or the area an 'area: subject' line names."`
	Breaking     bool   `json:"breaking,omitempty"`
	BreakingNote string `json:"breaking_note,omitempty" jsonschema:"The BREAKING CHANGE footer."`
	Conventional bool   `json:"conventional" jsonschema:"The subject follows Conventional Commits."`
	Rule         string `json:"rule" jsonschema:"Why the entry is in its section."`
	Author       string `json:"author"`
	Time         string `json:"time" jsonschema:"Commit time, RFC 3339."`
	Links        []Link `json:"links"`
}

// Section is one heading of the changelog.
type Section struct {
	Title   string  `json:"title"`
	Entries []Entry `json:"entries"`
}

// Output is the changelog.
type Output struct {
	Title     string    `json:"title" jsonschema:"The release: the tag at until, or Unreleased."`
	Since     string    `json:"since" jsonschema:"The revision the changelog starts after; empty: the first commit."`
	Until     string    `json:"until"`
	Date      string    `json:"date,omitempty" jsonschema:"Date of the newest commit, YYYY-MM-DD."`
	Commits   int       `json:"commits" jsonschema:"Commits listed (merge commits are never listed)."`
	Skipped   int       `json:"skipped" jsonschema:"Single-parent merge commits left out because they say nothing of the change."`
	Truncated bool      `json:"truncated" jsonschema:"More commits than max_commits: the oldest are left out."`
	Sections  []Section `json:"sections"`
}

// Run writes the changelog of repo between in.Since and in.Until. ix, when
// not nil, resolves requirement IDs to the specs that define them.
func Run(ctx context.Context, repo *history.Repo, ix *memory.Index, in Input) (Output, error) {
	out := Output{Sections: []Section{}}
	if repo == nil {
		return out, tool.Inputf("generate_changelog: the repository has no git history; run it in a git clone")
	}
	max := in.MaxCommits
	switch {
	case max < 0 || max > MaxMaxCommits:
		return out, tool.Inputf("max_commits %d is out of range: use 1 to %d", max, MaxMaxCommits)
	case max == 0:
		max = DefaultMaxCommits
	}
	until := strings.TrimSpace(in.Until)
	if until == "" {
		until = "HEAD"
	}
	since := strings.TrimSpace(in.Since)
	untilCommit, err := resolve(ctx, repo, "until", until)
	if err != nil {
		return out, err
	}
	tags, err := repo.Tags(ctx)
	if err != nil {
		return out, fmt.Errorf("list tags: %w", err)
	}
	out.Title = "Unreleased"
	if names := tagsOn(tags, untilCommit.Hash); slices.Contains(names, until) {
		out.Title = until
	} else if len(names) > 0 {
		out.Title = preferredTag(names)
	}
	if since == "" {
		if since, err = previousTag(ctx, repo, until, untilCommit, tags); err != nil {
			return out, err
		}
		if out.Title != "Unreleased" && !isPreRelease(out.Title) {
			if since, err = previousRelease(ctx, repo, since, tags); err != nil {
				return out, err
			}
		}
	} else if _, err := resolve(ctx, repo, "since", since); err != nil {
		return out, err
	}
	out.Since, out.Until = since, until
	commits, err := repo.Log(ctx, history.LogOptions{From: since, To: until, Max: max + 1, NoFiles: true})
	if err != nil {
		return out, fmt.Errorf("read the history %s..%s: %w", since, until, err)
	}
	if len(commits) > max {
		commits, out.Truncated = commits[:max], true
	}
	if len(commits) > 0 {
		out.Date = commits[0].Time.Format("2006-01-02")
	}
	links := newLinker(ix)
	bySection := map[string][]Entry{}
	for _, c := range commits {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		subject, body := c.Subject, c.Body
		if mergeSubject.MatchString(subject) {
			// A merge recorded with one parent: GitHub puts the pull
			// request's title in the body; without one there is nothing to say.
			first, rest, _ := strings.Cut(strings.TrimSpace(body), "\n")
			if strings.TrimSpace(first) == "" {
				out.Skipped++
				continue
			}
			subject, body = strings.TrimSpace(first), rest
		}
		p := classify(subject, body)
		e := Entry{Hash: c.Hash, Text: humanize(p.Description), Subject: c.Subject, Type: p.Type, Scope: p.Scope,
			Breaking: p.Breaking, BreakingNote: p.BreakingNote, Conventional: p.Conventional, Rule: p.Rule,
			Author: c.Author, Time: c.Time.Format(time.RFC3339), Links: links.links(c.Subject + "\n" + c.Body)}
		bySection[p.Section] = append(bySection[p.Section], e)
		out.Commits++
	}
	for _, title := range SectionOrder {
		if entries := bySection[title]; len(entries) > 0 {
			out.Sections = append(out.Sections, Section{Title: title, Entries: entries})
		}
	}
	return out, nil
}

// resolve finds the commit a revision names, or says how to name one.
func resolve(ctx context.Context, repo *history.Repo, field, rev string) (history.Commit, error) {
	cs, err := repo.Log(ctx, history.LogOptions{To: rev, Max: 1, Merges: true, NoFiles: true})
	if err != nil {
		if ctx.Err() != nil {
			return history.Commit{}, ctx.Err()
		}
		if errors.Is(err, history.ErrBadRevision) || errors.Is(err, history.ErrUnknownRevision) {
			return history.Commit{}, tool.Inputf("%s %q is not a revision of this repository: give a tag (e.g. v1.2.0), a branch or a commit hash", field, rev)
		}
		return history.Commit{}, fmt.Errorf("resolve %s %q: %w", field, rev, err)
	}
	if len(cs) == 0 {
		return history.Commit{}, tool.Inputf("%s %q names no commit: the repository may have no commits yet", field, rev)
	}
	return cs[0], nil
}

// maxPreReleases bounds the walk past pre-release tags.
const maxPreReleases = 50

// previousRelease walks back from tag past pre-release tags (v3.14.0-rc.0),
// so that a release's changelog covers everything since the release before
// it, as release notes do.
func previousRelease(ctx context.Context, repo *history.Repo, tag string, tags []history.Tag) (string, error) {
	commitOf := map[string]string{}
	for _, t := range tags {
		commitOf[t.Name] = t.Commit
	}
	for i := 0; i < maxPreReleases && tag != "" && isPreRelease(tag); i++ {
		c, err := resolve(ctx, repo, "since", commitOf[tag])
		if err != nil || len(c.Parents) == 0 {
			return tag, err
		}
		prev, err := repo.LastTag(ctx, c.Parents[0])
		if err != nil {
			return "", fmt.Errorf("find the release before %s: %w", tag, err)
		}
		if prev == "" {
			return tag, nil
		}
		tag = preferredTag(tagsOn(tags, commitOf[prev]))
	}
	return tag, nil
}

// previousTag is the default start: the newest tag reachable from until
// that is not on until's own commit, so that on a freshly tagged release
// the changelog is that release's, not an empty one.
func previousTag(ctx context.Context, repo *history.Repo, until string, untilCommit history.Commit, tags []history.Tag) (string, error) {
	if len(tags) == 0 {
		return "", nil
	}
	tag, err := repo.LastTag(ctx, until)
	if err != nil {
		return "", fmt.Errorf("find the last tag before %s: %w", until, err)
	}
	if tag == "" {
		return "", nil
	}
	if slices.Contains(tagsOn(tags, untilCommit.Hash), tag) {
		if len(untilCommit.Parents) == 0 {
			return "", nil
		}
		if tag, err = repo.LastTag(ctx, untilCommit.Parents[0]); err != nil {
			return "", fmt.Errorf("find the tag before %s: %w", until, err)
		}
	}
	// Of several tags on that commit, the one a person would name.
	for _, t := range tags {
		if t.Name == tag {
			return preferredTag(tagsOn(tags, t.Commit)), nil
		}
	}
	return tag, nil
}

// Generate opens the history of the repository at dir and runs in. A
// directory outside git is an input error that says so.
func Generate(ctx context.Context, dir string, ix *memory.Index, in Input) (Output, error) {
	repo, err := history.Open(dir)
	if err != nil {
		if errors.Is(err, history.ErrNotARepository) {
			return Output{Sections: []Section{}}, tool.Inputf("generate_changelog: %s is not in a git repository, so it has no history to write a changelog from", dir)
		}
		return Output{Sections: []Section{}}, err
	}
	return Run(ctx, repo, ix, in)
}
