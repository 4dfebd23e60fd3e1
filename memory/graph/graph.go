// Package graph is devai's symbol graph: which definitions reference which,
// built from the Refs the chunk splitters extract. It answers the questions
// the tools ask when they walk from a stack frame, a spec or a changed line to
// the code and tests around it: where is X defined, who calls it, what does
// it call, which tests exercise it.
//
// The graph keeps every definition with its raw references and resolves a
// reference to definitions when asked, so adding or removing one file never
// leaves stale edges behind: an incremental update answers exactly like a
// full rebuild. Resolution is by name, not by type checking, so it is cheap
// and works for every language a splitter fills Refs for; the price is some
// ambiguity, which the graph caps rather than hides (see resolve).
//
// A Graph is safe for concurrent use: reads share a lock, updates take it.
package graph

import (
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/devaiops/devai/memory/chunk"
)

// Node is one definition: a function, method, type, constant, variable,
// class or test.
type Node struct {
	ID        string // qualified symbol, e.g. "sessions.Store.Cleanup"
	Name      string // bare symbol, e.g. "Cleanup"
	Kind      string // the chunk's SymbolKind: func, method, type, const, var, class, …
	Path      string // repo-relative file
	StartLine int
	EndLine   int
	Test      bool // a test, benchmark, fuzz target, example or test scenario
}

// entry is a node with what resolution needs.
type entry struct {
	Node
	dir  string   // the file's directory: Go's package boundary
	pkg  string   // the Go package name (first Parent), "" elsewhere
	lang string   // the chunk's Language
	refs []string // raw references, as the splitter wrote them
}

// Graph is a symbol graph. The zero value is not usable; use Build or Load.
type Graph struct {
	mu      sync.RWMutex
	byPath  map[string][]*entry
	byID    map[string][]*entry
	byName  map[string][]*entry
	byRef   map[string][]*entry // reference string → entries that hold it
	imports map[string][]string // Go file → its import paths
	// dirImports counts, per directory, the Go files importing each path:
	// what the package as a whole can reach.
	dirImports map[string]map[string]int
}

func newGraph() *Graph {
	return &Graph{
		byPath:     make(map[string][]*entry),
		byID:       make(map[string][]*entry),
		byName:     make(map[string][]*entry),
		byRef:      make(map[string][]*entry),
		imports:    make(map[string][]string),
		dirImports: make(map[string]map[string]int),
	}
}

// Build makes a graph of the definitions in chunks: every code or test chunk
// with a Symbol is a node; spec and log chunks (sections, events) are not
// definitions and are left out.
func Build(chunks []chunk.Chunk) *Graph {
	g := newGraph()
	g.AddChunks(chunks)
	return g
}

// AddChunks adds the definitions in chunks. To update a changed file, call
// RemovePath first: chunks of a path already in the graph are added
// alongside what is there.
func (g *Graph) AddChunks(chunks []chunk.Chunk) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range chunks {
		if c.Kind == chunk.Spec || c.Kind == chunk.Log {
			continue
		}
		if c.SymbolKind == "package" {
			if c.Language == "Go" {
				g.addImports(c.Path, c.Refs)
			}
			continue
		}
		if c.Symbol == "" {
			continue
		}
		e := &entry{
			Node: Node{
				ID: c.QualifiedSymbol(), Name: c.Symbol, Kind: c.SymbolKind, Path: c.Path,
				StartLine: c.StartLine, EndLine: c.EndLine, Test: len(c.TestNames) > 0,
			},
			dir:  path.Dir(c.Path),
			lang: c.Language,
			refs: append([]string(nil), c.Refs...),
		}
		if c.Language == "Go" && len(c.Parents) > 0 {
			e.pkg = c.Parents[0]
		}
		g.add(e)
	}
}

func (g *Graph) add(e *entry) {
	g.byPath[e.Path] = append(g.byPath[e.Path], e)
	g.byID[e.ID] = append(g.byID[e.ID], e)
	g.byName[e.Name] = append(g.byName[e.Name], e)
	for _, r := range e.refs {
		g.byRef[r] = append(g.byRef[r], e)
	}
}

func (g *Graph) addImports(p string, imports []string) {
	g.imports[p] = append(g.imports[p], imports...)
	dir := path.Dir(p)
	if g.dirImports[dir] == nil {
		g.dirImports[dir] = make(map[string]int)
	}
	for _, imp := range imports {
		g.dirImports[dir][imp]++
	}
}

func (g *Graph) removeImports(p string) {
	dir := path.Dir(p)
	for _, imp := range g.imports[p] {
		if g.dirImports[dir][imp]--; g.dirImports[dir][imp] <= 0 {
			delete(g.dirImports[dir], imp)
		}
	}
	if len(g.dirImports[dir]) == 0 {
		delete(g.dirImports, dir)
	}
	delete(g.imports, p)
}

// RemovePath drops every definition of a file, for a file that changed or
// went away.
func (g *Graph) RemovePath(p string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	gone := g.byPath[p]
	delete(g.byPath, p)
	g.removeImports(p)
	if len(gone) == 0 {
		return
	}
	removed := make(map[*entry]bool, len(gone))
	ids, names, refs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, e := range gone {
		removed[e] = true
		ids[e.ID], names[e.Name] = true, true
		for _, r := range e.refs {
			refs[r] = true
		}
	}
	drop := func(index map[string][]*entry, keys map[string]bool) {
		for k := range keys {
			kept := index[k][:0]
			for _, e := range index[k] {
				if !removed[e] {
					kept = append(kept, e)
				}
			}
			if len(kept) == 0 {
				delete(index, k)
			} else {
				clear(index[k][len(kept):]) // let the removed entries go
				index[k] = kept
			}
		}
	}
	drop(g.byID, ids)
	drop(g.byName, names)
	drop(g.byRef, refs)
}

// Definitions returns the definitions a name denotes: by qualified ID
// ("sessions.Store.Cleanup"), by a qualified tail ("Store.Cleanup") or by
// bare name ("Cleanup").
func (g *Graph) Definitions(name string) []Node {
	g.mu.RLock()
	defer g.mu.RUnlock()
	found := newNodeSet()
	found.addAll(g.byID[name])
	bare := name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		bare = name[i+1:]
	}
	for _, e := range g.byName[bare] {
		if bare == name || strings.HasSuffix(e.ID, "."+name) {
			found.add(e)
		}
	}
	return found.nodes()
}

// Callers returns the definitions that reference the definition(s) with
// this ID.
func (g *Graph) Callers(id string) []Node {
	g.mu.RLock()
	defer g.mu.RUnlock()
	callers := newNodeSet()
	for _, t := range g.byID[id] {
		callers.addAll(g.callersOf(t))
	}
	return callers.nodes()
}

// Callees returns the definitions the definition(s) with this ID reference.
func (g *Graph) Callees(id string) []Node {
	g.mu.RLock()
	defer g.mu.RUnlock()
	callees := newNodeSet()
	for _, e := range g.byID[id] {
		callees.addAll(g.calleesOf(e))
	}
	return callees.nodes()
}

// Refs returns the raw references of the definition(s) with this ID, as
// the splitter wrote them and before any resolution: what a caller needs to
// follow a name the graph leaves unresolved (a method called through an
// interface, whose implementations are too many to pick one).
func (g *Graph) Refs(id string) []string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	var out []string
	for _, e := range g.byID[id] {
		out = append(out, e.refs...)
	}
	return out
}

// TestsFor returns the tests that exercise the definition(s) with this ID:
// tests that reference it directly, and tests that reference a non-test
// caller of it in the same package (one hop, so a test of Store.Delete that
// goes through a package helper still counts).
func (g *Graph) TestsFor(id string) []Node {
	g.mu.RLock()
	defer g.mu.RUnlock()
	tests := newNodeSet()
	for _, t := range g.byID[id] {
		for _, c := range g.callersOf(t) {
			switch {
			case c.Test:
				tests.add(c)
			case c.dir == t.dir:
				for _, cc := range g.callersOf(c) {
					if cc.Test {
						tests.add(cc)
					}
				}
			}
		}
		delete(tests.seen, t) // a test is not its own test
	}
	return tests.nodes()
}

// Stats counts definitions and resolved edges (distinct caller → callee
// pairs).
func (g *Graph) Stats() (nodes, edges int) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	for _, es := range g.byPath {
		for _, e := range es {
			nodes++
			edges += len(g.calleesOf(e))
		}
	}
	return nodes, edges
}

// callersOf lists the entries with a reference that resolves to t.
func (g *Graph) callersOf(t *entry) []*entry {
	var out []*entry
	seen := map[*entry]bool{}
	for _, key := range t.refKeys() {
		var bare *bareResolver
		if i := strings.IndexByte(key, '.'); i <= 0 || i == len(key)-1 {
			bare = &bareResolver{g: g, ref: key, memo: map[[2]string]bareSplit{}}
		}
		for _, from := range g.byRef[key] {
			if seen[from] || from == t {
				continue
			}
			if bare != nil {
				if bare.resolvesTo(from, t) {
					seen[from] = true
					out = append(out, from)
				}
				continue
			}
			for _, to := range g.resolve(from, key) {
				if to == t {
					seen[from] = true
					out = append(out, from)
					break
				}
			}
		}
	}
	return out
}

// calleesOf lists the distinct entries e's references resolve to.
func (g *Graph) calleesOf(e *entry) []*entry {
	var out []*entry
	seen := map[*entry]bool{}
	for _, r := range e.refs {
		for _, to := range g.resolve(e, r) {
			if !seen[to] {
				seen[to] = true
				out = append(out, to)
			}
		}
	}
	return out
}

// refKeys are the reference strings that may denote e: its bare name
// (calls within a package, method calls), "pkg.Name" for a Go package-level
// definition, and its full ID.
func (e *entry) refKeys() []string {
	keys := []string{e.Name}
	if e.pkg != "" {
		keys = append(keys, e.pkg+"."+e.Name)
	}
	if e.ID != e.Name && !(e.pkg != "" && e.ID == e.pkg+"."+e.Name) {
		keys = append(keys, e.ID)
	}
	return keys
}

// nodeSet collects entries once each and returns their nodes in a stable
// order.
type nodeSet struct {
	seen map[*entry]bool
}

func newNodeSet() *nodeSet { return &nodeSet{seen: map[*entry]bool{}} }

func (s *nodeSet) add(e *entry) { s.seen[e] = true }

func (s *nodeSet) addAll(es []*entry) {
	for _, e := range es {
		s.seen[e] = true
	}
}

func (s *nodeSet) nodes() []Node {
	if len(s.seen) == 0 {
		return nil
	}
	out := make([]Node, 0, len(s.seen))
	for e := range s.seen {
		out = append(out, e.Node)
	}
	sortNodes(out)
	return out
}

func sortNodes(ns []Node) {
	sort.Slice(ns, func(i, j int) bool {
		a, b := ns[i], ns[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.ID < b.ID
	})
}
