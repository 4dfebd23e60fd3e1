package locset

import (
	"context"
	"fmt"
	"slices"
)

// BuildOptions say where a set comes from.
type BuildOptions struct {
	GitDir      string // a repository or bare mirror; only read
	Snapshot    string // the ref the index will be built at
	Head        string // the newest ref whose history is used; "" means HEAD
	N           int    // queries wanted; 0 means all that qualify
	MaxFiles    int    // most source files a kept commit may change; 0 means 5
	FirstParent bool   // walk only the first-parent line of Head
}

// BuildStats say what the history held and why commits were left out.
type BuildStats struct {
	Snapshot string         `json:"snapshot"`
	Seen     int            `json:"seen"`
	Kept     int            `json:"kept"`
	Skipped  map[string]int `json:"skipped"`
}

// Build reads the history after the snapshot, oldest first, and keeps the
// commits whose message and changes make a fair localization query, until
// N are kept.
func Build(ctx context.Context, opts BuildOptions) ([]Query, BuildStats, error) {
	if opts.Head == "" {
		opts.Head = "HEAD"
	}
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = defaultMaxFiles
	}
	stats := BuildStats{Skipped: map[string]int{}}
	snap, err := ResolveCommit(ctx, opts.GitDir, opts.Snapshot)
	if err != nil {
		return nil, stats, err
	}
	stats.Snapshot = snap
	atSnap, err := FilesAt(ctx, opts.GitDir, snap)
	if err != nil {
		return nil, stats, err
	}
	commits, err := CommitsAfter(ctx, opts.GitDir, snap, opts.Head, opts.FirstParent)
	if err != nil {
		return nil, stats, err
	}
	var set []Query
	for _, c := range commits {
		if opts.N > 0 && len(set) >= opts.N {
			break
		}
		stats.Seen++
		q, reason := Judge(c, atSnap, opts.MaxFiles)
		if reason != "" {
			stats.Skipped[reason]++
			continue
		}
		q.Snapshot = snap
		set = append(set, q)
	}
	stats.Kept = len(set)
	if len(set) == 0 {
		return nil, stats, fmt.Errorf("no commit after %s qualifies (skipped: %v); pick an older snapshot", snap, stats.Skipped)
	}
	return set, stats, nil
}

// Judge turns one commit into a query, or says why it cannot be one: the
// message must describe a change (see SkipReason) in at least four words,
// and the change must modify 1 to maxFiles non-test source files that all
// exist at the snapshot, adding or deleting none.
func Judge(c Commit, atSnap map[string]bool, maxFiles int) (Query, string) {
	if len(c.Parents) > 1 {
		return Query{}, SkipMerge
	}
	if reason := SkipReason(c.Subject()); reason != "" {
		return Query{}, reason
	}
	text := CleanMessage(c.Message)
	if WordCount(text) < minQueryWords {
		return Query{}, SkipShort
	}
	var files []string
	for _, ch := range c.Changes {
		if !IsSource(ch.Path) || IsTest(ch.Path) {
			continue
		}
		if ch.Status != "M" {
			return Query{}, SkipAddDelete
		}
		if !atSnap[ch.Path] {
			return Query{}, SkipNotInSnap
		}
		files = append(files, ch.Path)
	}
	slices.Sort(files)
	files = slices.Compact(files)
	switch {
	case len(files) == 0:
		return Query{}, SkipNoSource
	case len(files) > maxFiles:
		return Query{}, SkipTooMany
	}
	return Query{Commit: c.Hash, Query: text, Files: files}, ""
}
