package textindex

import (
	"path"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"
)

// pathDirs lists every ancestor folder of a repo-relative path:
// "internal/sessions/store.go" → "internal", "internal/sessions".
func pathDirs(p string) []string {
	var dirs []string
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 {
			dirs = append(dirs, p[:i])
		}
	}
	return dirs
}

// pathExt is the file name's extension without the dot ("go"), or "".
func pathExt(p string) string {
	base := path.Base(p)
	if i := strings.LastIndexByte(base, '.'); i >= 0 && i < len(base)-1 {
		return base[i+1:]
	}
	return ""
}

// pathFilter turns a glob into a filter query. The usual shapes — a folder
// ("internal/sessions"), "dir/**", "**/*.go", "dir/**/*.go" — become one or
// two term queries on the path_dirs and path_ext keyword fields, which cost
// the same however many files they match. Any other glob runs GlobRegexp on
// the path keyword; that costs one term searcher per matching path, about
// 60 ms for "**/*.go" over the 9,000 files of the Go tree, hence the terms.
func pathFilter(glob string) (query.Query, error) {
	re, err := GlobRegexp(glob) // validates, and is the fallback
	if err != nil {
		return nil, err
	}
	g := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(glob), "./"), "/")
	term := func(field, v string) query.Query {
		t := query.NewTermQuery(v)
		t.SetField(field)
		return t
	}
	isLiteral := func(s string) bool { return s != "" && !strings.ContainsAny(s, `*?[]{}\,`) }
	isExt := func(s string) bool { return isLiteral(s) && !strings.ContainsAny(s, "./") }

	switch {
	case isLiteral(g): // a file or a folder
		return query.NewDisjunctionQuery([]query.Query{term(fieldPath, g), term(fieldDirs, g)}), nil
	case strings.HasPrefix(g, "**/*.") && isExt(g[len("**/*."):]):
		return term(fieldExt, g[len("**/*."):]), nil
	}
	if dir, rest, ok := strings.Cut(g, "/**"); ok && isLiteral(dir) {
		switch {
		case rest == "" || rest == "/*":
			return term(fieldDirs, dir), nil
		case strings.HasPrefix(rest, "/*.") && isExt(rest[len("/*."):]):
			return query.NewConjunctionQuery([]query.Query{term(fieldDirs, dir), term(fieldExt, rest[len("/*."):])}), nil
		}
	}
	r := query.NewRegexpQuery(re)
	r.SetField(fieldPath)
	return r, nil
}
