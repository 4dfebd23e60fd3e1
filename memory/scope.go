package memory

import (
	"path"
	"regexp"
	"strings"
)

// A commit subject or an issue title often opens with the component it is
// about: "promql: fix …", "net/http: …", "ignore/doc: …", "fix(parser): …",
// "CSS: …". The words of that scope that name a folder of the repository
// are a strong hint of where the change goes, stronger than the one BM25
// term each of them is inside a long text.

var (
	// scopePrefix is "scope: " and "scope, other: " at the start of a line.
	scopePrefix = regexp.MustCompile(`^\[?([\w./-]+(?:\s*,\s*[\w./-]+)*)\]?:\s`)
	// conventionalScope is a Conventional Commits "type(scope): ".
	conventionalScope = regexp.MustCompile(`^\w+\(([\w./,\s-]+)\)!?:\s`)
)

// notScopes are words that open a subject or a pasted line without naming
// a component: Conventional Commits' types and a log or error line's level.
var notScopes = map[string]bool{
	"fix": true, "fixes": true, "feat": true, "feature": true, "chore": true, "docs": true, "doc": true,
	"refactor": true, "test": true, "tests": true, "build": true, "ci": true, "perf": true, "style": true,
	"bug": true, "bugfix": true, "hotfix": true, "wip": true, "revert": true, "release": true, "deps": true,
	"error": true, "warning": true, "warn": true, "panic": true, "fatal": true, "info": true, "debug": true,
	"note": true, "question": true, "proposal": true, "breaking": true, "security": true, "update": true,
	"http": true, "https": true,
}

// queryScopes returns the folder names a query's first line opens with as
// its scope, lower-cased; nil when it has none.
func queryScopes(text string) []string {
	first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	first = strings.TrimSpace(strings.TrimLeft(first, "# \t"))
	m := conventionalScope.FindStringSubmatch(first)
	if m == nil {
		m = scopePrefix.FindStringSubmatch(first)
	}
	if m == nil {
		return nil
	}
	var out []string
	for _, part := range strings.Split(m[1], ",") {
		for _, seg := range strings.Split(strings.TrimSpace(part), "/") {
			seg = strings.ToLower(seg)
			if len(seg) > 1 && !notScopes[seg] && !exceptionName(seg) {
				out = append(out, seg)
			}
		}
	}
	return out
}

// scopeFolder returns the folder of file that a scope names ("" if none):
// one of its parent folders, compared without case.
func scopeFolder(file string, scopes []string) string {
	if len(scopes) == 0 {
		return ""
	}
	for _, dir := range strings.Split(path.Dir(file), "/") {
		for _, s := range scopes {
			if strings.EqualFold(dir, s) {
				return dir
			}
		}
	}
	return ""
}

// exceptionName tells a pasted error's type ("TypeError", "httpx.InvalidURL",
// "KnexTimeoutError") from a scope: a qualified name, or one that ends the
// way exception types do.
func exceptionName(seg string) bool {
	return strings.Contains(seg, ".") || strings.HasSuffix(seg, "error") || strings.HasSuffix(seg, "exception")
}
