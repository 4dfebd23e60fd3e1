package locset

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// An exact set asks for strings a developer copies verbatim: a message or
// identifier quoted in a real commit message, answered by the non-test
// source files of the snapshot that hold the message or define the
// identifier. Query.Commit names the commit the string was quoted in.

// ExactOptions choose how an exact set is built.
type ExactOptions struct {
	GitDir   string
	Snapshot string // the index is built here; answers are looked up here
	Commits  int    // newest commits whose messages are read; 0 means 3000
	PerKind  int    // most queries of each kind (message, identifier); 0 means 25
	MaxFiles int    // a message found in more files than this is dropped; 0 means 3
}

// Kinds of exact query, in Query.Commit's suffix.
const (
	ExactMessage    = "message"
	ExactIdentifier = "identifier"
)

var (
	quoted     = regexp.MustCompile("`([^`\n]{4,100})`|\"([^\"\n]{8,100})\"|'([^'\n]{12,100})'")
	bareIdent  = regexp.MustCompile(`\b[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\b`)
	identShape = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$`)
)

// BuildExact reads the newest commits' messages and keeps the quoted
// messages found verbatim in 1..MaxFiles source files at the snapshot and
// the identifiers defined in exactly one, newest commit first, each string
// once.
func BuildExact(ctx context.Context, o ExactOptions) ([]Query, error) {
	if o.Commits <= 0 {
		o.Commits = 3000
	}
	if o.PerKind <= 0 {
		o.PerKind = 25
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = 3
	}
	snap, err := ResolveCommit(ctx, o.GitDir, o.Snapshot)
	if err != nil {
		return nil, err
	}
	out, err := git(ctx, o.GitDir, "log", "-n", fmt.Sprint(o.Commits), "--no-merges", "--format=%H%x00%B%x00", snap)
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	fields := strings.Split(string(out), "\x00")
	seen := map[string]bool{}
	count := map[string]int{}
	var set []Query
	for i := 0; i+1 < len(fields); i += 2 {
		hash, msg := strings.TrimSpace(fields[i]), CleanMessage(fields[i+1])
		for _, s := range exactCandidates(msg) {
			kind := ExactIdentifier
			if strings.ContainsRune(s, ' ') {
				kind = ExactMessage
				if len(strings.Fields(s)) < 3 || len(s) < 16 {
					continue // "instead of", "on the": prose in quotes, not a message
				}
			}
			if seen[s] || count[kind] >= o.PerKind {
				continue
			}
			seen[s] = true
			files, err := exactAnswer(ctx, o.GitDir, snap, s, kind, o.MaxFiles)
			if err != nil {
				return nil, err
			}
			if len(files) == 0 {
				continue
			}
			count[kind]++
			set = append(set, Query{Commit: hash + ":" + kind, Snapshot: snap, Query: s, Files: files})
		}
	}
	return set, nil
}

// exactCandidates are the quoted strings of msg, then its bare identifiers
// of a recognisable shape (CamelCase, snake_case, dotted) and 6+ letters.
func exactCandidates(msg string) []string {
	var out []string
	for _, m := range quoted.FindAllStringSubmatch(msg, -1) {
		for _, g := range m[1:] {
			if g = strings.TrimSpace(g); g != "" {
				out = append(out, strings.TrimSuffix(strings.TrimSuffix(g, "()"), "("))
			}
		}
	}
	for _, w := range bareIdent.FindAllString(msg, -1) {
		if len(w) >= 6 && identLike(w) {
			out = append(out, w)
		}
	}
	return out
}

func identLike(w string) bool {
	if strings.ContainsAny(w, "_.") {
		return !strings.HasPrefix(w, "_") || len(strings.Trim(w, "_")) >= 6
	}
	for i := 1; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' && w[i-1] >= 'a' && w[i-1] <= 'z' {
			return true
		}
	}
	return false
}

// exactAnswer returns the non-test source files at snap that hold message
// s verbatim (1..maxFiles of them), or the one that defines identifier s.
func exactAnswer(ctx context.Context, dir, snap, s, kind string, maxFiles int) ([]string, error) {
	if kind == ExactIdentifier {
		if !identShape.MatchString(s) {
			return nil, nil
		}
		name := s[strings.LastIndexByte(s, '.')+1:]
		def := `^[[:space:]]*(func (\([^)]*\) )?` + name + `[[(]|type ` + name + ` |(async )?def ` + name + `\(|class ` + name + `[(:])`
		files, err := grepFiles(ctx, dir, snap, "-E", def)
		if err != nil || len(files) != 1 {
			return nil, err
		}
		return files, nil
	}
	files, err := grepFiles(ctx, dir, snap, "-F", s)
	if err != nil || len(files) == 0 || len(files) > maxFiles {
		return nil, err
	}
	return files, nil
}

// GrepFiles lists the non-test source files at commit that hold the fixed
// string s, most occurrences first, then by path: `git grep -F` as a
// developer would run it, the naive exact baseline.
func GrepFiles(ctx context.Context, dir, commit, s string) ([]string, error) {
	return grepFiles(ctx, dir, commit, "-F", s)
}

func grepFiles(ctx context.Context, dir, commit, mode, pattern string) ([]string, error) {
	out, err := git(ctx, dir, "grep", "-c", mode, "-e", pattern, commit, "--")
	if err != nil {
		if strings.Contains(err.Error(), "exit status 1") { // no match
			return nil, nil
		}
		return nil, fmt.Errorf("grep %q: %w", pattern, err)
	}
	type hit struct {
		path string
		n    int
	}
	var hits []hit
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		line = strings.TrimPrefix(line, commit+":")
		i := strings.LastIndexByte(line, ':')
		if i < 0 {
			continue
		}
		p := line[:i]
		var n int
		fmt.Sscan(line[i+1:], &n)
		if IsSource(p) && !IsTest(p) {
			hits = append(hits, hit{p, n})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].n > hits[j].n })
	files := make([]string, len(hits))
	for i, h := range hits {
		files[i] = h.path
	}
	return files, nil
}
