package graph

import "strings"

// maxCandidates caps how many definitions one reference may resolve to. A
// name with more definitions than this in reach (String, Close, Run) says
// nothing about which one is meant, and edges to all of them would drown the
// real ones, so such a reference resolves to none.
const maxCandidates = 5

// resolve maps a reference held by from to the definitions it may denote.
//
//   - "pkg.Name" (a Go selector on an imported package) resolves to the
//     package-level definitions with that ID; when several packages share the
//     name, those whose directory from's file imports win.
//   - A bare name resolves to definitions in from's directory (its package)
//     first. Failing that, to definitions anywhere, except that Go code can
//     reach another package's functions, types and values only through a
//     selector, so a bare name from Go to Go only crosses to methods, and
//     only to methods of packages that from's package imports (its values
//     of that type almost always come through such an import; a method of
//     a third-party type that happens to share a name with one in the repo
//     does not).
//
// A definition never references itself through its own name (recursion is
// not an edge).
func (g *Graph) resolve(from *entry, ref string) []*entry {
	if i := strings.IndexByte(ref, '.'); i > 0 && i < len(ref)-1 {
		cands := without(g.byID[ref], from)
		if len(cands) > 1 {
			if imported := g.importedBy(from.Path, cands); len(imported) > 0 {
				cands = imported
			}
		}
		return capped(cands)
	}
	same, other := g.bareCandidates(from.dir, from.lang, ref)
	if same = without(same, from); len(same) > 0 {
		return capped(same)
	}
	return capped(other)
}

// bareCandidates splits the definitions named ref into those in dir and
// those that code in dir, written in lang, may reach from outside it.
func (g *Graph) bareCandidates(dir, lang, ref string) (same, other []*entry) {
	for _, c := range g.byName[ref] {
		switch {
		case c.dir == dir:
			same = append(same, c)
		case lang == "Go" && c.lang == "Go" && (c.Kind != "method" || !g.reaches(dir, c.dir)):
		default:
			other = append(other, c)
		}
	}
	return same, other
}

// bareResolver answers "does from's bare reference ref resolve to t?" for
// many from at once, as resolve would, computing the candidates once per
// (directory, language) instead of once per referrer: names such as Close
// or String have thousands of both.
type bareResolver struct {
	g    *Graph
	ref  string
	memo map[[2]string]bareSplit
}

type bareSplit struct {
	same, other []*entry
}

func (r *bareResolver) resolvesTo(from, t *entry) bool {
	key := [2]string{from.dir, from.lang}
	split, ok := r.memo[key]
	if !ok {
		split.same, split.other = r.g.bareCandidates(from.dir, from.lang, r.ref)
		r.memo[key] = split
	}
	same := len(split.same)
	for _, c := range split.same {
		if c == from {
			same--
			break
		}
	}
	if same > 0 {
		return same <= maxCandidates && t.dir == from.dir && t != from && contains(split.same, t)
	}
	return len(split.other) <= maxCandidates && contains(split.other, t)
}

func contains(es []*entry, x *entry) bool {
	for _, e := range es {
		if e == x {
			return true
		}
	}
	return false
}

// reaches reports whether the Go package in dir imports the one in target.
// Without import information for dir (chunks without a header) it cannot
// tell, and says yes.
func (g *Graph) reaches(dir, target string) bool {
	imports := g.dirImports[dir]
	if len(imports) == 0 {
		return true
	}
	if imports[target] > 0 {
		return true
	}
	for imp := range imports {
		if len(imp) > len(target) && imp[len(imp)-len(target)-1] == '/' && strings.HasSuffix(imp, target) {
			return true
		}
	}
	return false
}

// importedBy keeps the candidates whose directory is the tail of an import
// path of file p: "internal/config" for "example.com/app/internal/config".
func (g *Graph) importedBy(p string, cands []*entry) []*entry {
	imports := g.imports[p]
	if len(imports) == 0 {
		return nil
	}
	var out []*entry
	for _, c := range cands {
		for _, imp := range imports {
			if imp == c.dir || strings.HasSuffix(imp, "/"+c.dir) {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

func without(es []*entry, x *entry) []*entry {
	for i, e := range es {
		if e == x {
			out := make([]*entry, 0, len(es)-1)
			return append(append(out, es[:i]...), es[i+1:]...)
		}
	}
	return es
}

func capped(es []*entry) []*entry {
	if len(es) > maxCandidates {
		return nil
	}
	return es
}
