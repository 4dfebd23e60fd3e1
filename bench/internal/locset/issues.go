package locset

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// An issue set asks with the text of a real bug report: the issue as its
// reporter wrote it, answered by the non-test source files that the commit
// which says it fixes the issue changed, with the index built at that
// commit's parent. Query.Commit is the fix, Query.Snapshot its parent,
// Query.Repo the repository and Query.Issue the issue's URL.

// IssueFix is a commit whose message says it fixes an issue of its own
// repository, with the source files it changed.
type IssueFix struct {
	Repo   string   `json:"repo"`   // owner/name
	Issue  int      `json:"issue"`  // the number the message names
	Fix    string   `json:"fix"`    // the commit that says it fixes the issue
	Parent string   `json:"parent"` // the index is built here
	Files  []string `json:"files"`  // non-test source files the fix modified, all present at Parent
}

// closingRef finds "Fixes #12", "closes gh-12", "Resolves https://github.com/o/r/issues/12".
var closingRef = regexp.MustCompile(`(?i)\b(?:fix(?:e[sd])?|close[sd]?|resolve[sd]?)\s*:?\s+(?:(?:#|gh-)(\d+)|https://github\.com/([\w.-]+/[\w.-]+)/issues/(\d+))\b`)

// ClosedIssues returns the issue numbers of repo that msg says it fixes;
// references to other repositories are left out.
func ClosedIssues(msg, repo string) []int {
	var out []int
	for _, m := range closingRef.FindAllStringSubmatch(msg, -1) {
		num := m[1]
		if num == "" {
			if !strings.EqualFold(m[2], repo) {
				continue
			}
			num = m[3]
		}
		if n, err := strconv.Atoi(num); err == nil && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// MineIssueFixes reads every non-merge commit reachable from head and keeps
// the issues named as fixed by exactly one commit that modifies 1 to
// maxFiles non-test source files (added ones are left out of the answer,
// which must keep at least one file). An issue two commits claim to fix is
// dropped: which one is the answer is not certain.
func MineIssueFixes(ctx context.Context, dir, repo, head string, maxFiles int) ([]IssueFix, error) {
	out, err := git(ctx, dir, "log", "--no-merges", "--no-renames", "--name-status", "-z",
		"--format="+recordSep+"%H"+fieldSep+"%P"+fieldSep+"%B"+fieldSep, head, "--")
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", repo, err)
	}
	commits, err := parseLog(string(out))
	if err != nil {
		return nil, err
	}
	byIssue := map[int][]IssueFix{}
	for _, c := range commits {
		issues := ClosedIssues(c.Message, repo)
		if len(issues) != 1 || len(c.Parents) != 1 {
			continue
		}
		fix := IssueFix{Repo: repo, Issue: issues[0], Fix: c.Hash, Parent: c.Parents[0]}
		for _, ch := range c.Changes {
			if IsSource(ch.Path) && !IsTest(ch.Path) && ch.Status == "M" {
				fix.Files = append(fix.Files, ch.Path)
			}
		}
		byIssue[fix.Issue] = append(byIssue[fix.Issue], fix)
	}
	var fixes []IssueFix
	for _, fs := range byIssue {
		if len(fs) == 1 && len(fs[0].Files) > 0 && len(fs[0].Files) <= maxFiles {
			sort.Strings(fs[0].Files)
			fixes = append(fixes, fs[0])
		}
	}
	sort.Slice(fixes, func(i, j int) bool { return fixes[i].Issue > fixes[j].Issue })
	return fixes, nil
}

// IssueQuery pairs a fix with its issue's text: the query is the text as
// the reporter wrote it (title first), asked at the fix's parent.
func IssueQuery(fx IssueFix, text string) Query {
	return Query{
		Commit:   fx.Fix,
		Snapshot: fx.Parent,
		Query:    strings.TrimSpace(text),
		Files:    fx.Files,
		Repo:     fx.Repo,
		Issue:    fmt.Sprintf("https://github.com/%s/issues/%d", fx.Repo, fx.Issue),
	}
}
