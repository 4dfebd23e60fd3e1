package graph

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/devaiops/devai/memory/chunk"
)

// project is a small multi-package Go repository: a sessions package with
// its tests, a web package that uses it, and two packages named config.
var project = map[string]string{
	"sessions/store.go": `package sessions

import "time"

// Store keeps sessions.
type Store struct{ items map[string]time.Time }

// New returns an empty store.
func New() *Store { return &Store{items: map[string]time.Time{}} }

// Cleanup removes expired sessions.
func (s *Store) Cleanup(now time.Time) int {
	return purge(s.items, now)
}

func purge(items map[string]time.Time, now time.Time) int {
	n := 0
	for k, t := range items {
		if t.Before(now) {
			delete(items, k)
			n++
		}
	}
	return n
}

// countdown recurses, which is not an edge.
func countdown(n int) int {
	if n == 0 {
		return 0
	}
	return countdown(n - 1)
}
`,
	"sessions/sweep.go": `package sessions

import (
	"time"

	"example.com/app/metrics"
)

var swept metrics.Counter

// Sweep cleans up on a schedule.
func (s *Store) Sweep() int { swept.Inc(); return s.Cleanup(time.Now()) }
`,
	"metrics/counter.go": `package metrics

// Counter counts.
type Counter struct{ n int }

// Inc adds one.
func (c *Counter) Inc() { c.n++ }
`,
	"sessions/store_test.go": `package sessions

import (
	"testing"
	"time"
)

// verifies: FR-012
func TestCleanup(t *testing.T) {
	if New().Cleanup(time.Now()) != 0 {
		t.Fatal("empty store removed something")
	}
}

func TestSweep(t *testing.T) {
	if New().Sweep() != 0 {
		t.Fatal("empty store swept something")
	}
}
`,
	"web/handler.go": `package web

import (
	"time"

	"example.com/app/internal/config"
	"example.com/app/sessions"
)

var requests interface{ Inc() }

// Handle serves a request.
func Handle() int {
	requests.Inc() // not metrics.noop.Inc: web does not import metrics
	cfg := config.Load()
	st := sessions.New()
	_ = cfg
	return st.Cleanup(time.Now())
}
`,
	"web/handler_test.go": `package web

import "testing"

func TestHandle(t *testing.T) {
	if Handle() != 0 {
		t.Fatal("x")
	}
}
`,
	"internal/config/config.go": `package config

// Load reads the configuration.
func Load() string { return "" }
`,
	"legacy/config/config.go": `package config

// Load reads the old configuration.
func Load() string { return "old" }
`,
	"docs/spec.md": "# Cleanup\n\nThe store shall remove expired sessions (FR-012).\n",
}

func splitFile(t testing.TB, p, src string) []chunk.Chunk {
	t.Helper()
	kind, lang := chunk.Code, "Go"
	switch {
	case strings.HasSuffix(p, "_test.go"):
		kind = chunk.Test
	case strings.HasSuffix(p, ".md"):
		kind, lang = chunk.Spec, "Markdown"
	}
	chunks := chunk.Split(p, kind, lang, []byte(src))
	if len(chunks) == 0 {
		t.Fatalf("no chunks for %s", p)
	}
	return chunks
}

func buildProject(t testing.TB, files map[string]string) *Graph {
	t.Helper()
	var all []chunk.Chunk
	for _, p := range sortedKeys(files) {
		all = append(all, splitFile(t, p, files[p])...)
	}
	return Build(all)
}

func ids(ns []Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.ID)
	}
	sort.Strings(out)
	return out
}

func TestQueries(t *testing.T) {
	g := buildProject(t, project)
	tests := []struct {
		name string
		got  func() []Node
		want []string
	}{
		{"definitions by bare name", func() []Node { return g.Definitions("Cleanup") }, []string{"sessions.Store.Cleanup"}},
		{"definitions by ID", func() []Node { return g.Definitions("sessions.Store.Cleanup") }, []string{"sessions.Store.Cleanup"}},
		{"definitions by qualified tail", func() []Node { return g.Definitions("Store.Cleanup") }, []string{"sessions.Store.Cleanup"}},
		{"definitions in two packages", func() []Node { return g.Definitions("Load") }, []string{"config.Load", "config.Load"}},
		{"specs are not definitions", func() []Node { return g.Definitions("sessions.Cleanup") }, nil},
		{"callers across packages and files", func() []Node { return g.Callers("sessions.Store.Cleanup") },
			[]string{"sessions.Store.Sweep", "sessions.TestCleanup", "web.Handle"}},
		{"callers of a package function", func() []Node { return g.Callers("sessions.New") },
			[]string{"sessions.TestCleanup", "sessions.TestSweep", "web.Handle"}},
		{"recursion is not a caller", func() []Node { return g.Callers("sessions.countdown") }, nil},
		{"callees", func() []Node { return g.Callees("web.Handle") },
			[]string{"config.Load", "sessions.New", "sessions.Store.Cleanup", "web.requests"}},
		{"methods of imported packages only", func() []Node { return g.Callers("metrics.Counter.Inc") },
			[]string{"sessions.Store.Sweep"}},
		{"callees of a method include its receiver type", func() []Node { return g.Callees("sessions.Store.Cleanup") },
			[]string{"sessions.Store", "sessions.purge"}},
		{"tests directly and through one same-package hop", func() []Node { return g.TestsFor("sessions.Store.Cleanup") },
			[]string{"sessions.TestCleanup", "sessions.TestSweep"}},
		{"two hops are too far", func() []Node { return g.TestsFor("sessions.purge") }, []string{"sessions.TestCleanup"}},
		{"the hop must stay in the package", func() []Node { return g.TestsFor("config.Load") }, nil},
		{"unknown ID", func() []Node { return g.Callers("nope.Nothing") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(tt.got()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	// config.Load from web resolves to the imported package only.
	for _, n := range g.Callees("web.Handle") {
		if n.ID == "config.Load" && n.Path != "internal/config/config.go" {
			t.Errorf("config.Load resolved to %s, want the imported internal/config", n.Path)
		}
	}
	test := g.Definitions("TestCleanup")
	if len(test) != 1 || !test[0].Test || test[0].Kind != "func" || test[0].Path != "sessions/store_test.go" || test[0].StartLine != 8 {
		t.Errorf("TestCleanup node = %+v", test)
	}
	if nodes, edges := g.Stats(); nodes != 16 || edges == 0 {
		t.Errorf("Stats() = %d nodes, %d edges; want 16 nodes and some edges", nodes, edges)
	}
}

// TestAmbiguousNamesAreCapped checks that a method name defined in many
// packages resolves to nothing rather than to all of them, and a handful
// resolves to each.
func TestAmbiguousNamesAreCapped(t *testing.T) {
	build := func(n int) *Graph {
		files := map[string]string{
			"main/main.go": "package main\n\nfunc run(x interface{ Render() string }) string { return x.Render() }\n",
		}
		for i := range n {
			files[fmt.Sprintf("p%d/t.go", i)] = fmt.Sprintf("package p%d\n\ntype T struct{}\n\nfunc (T) Render() string { return \"\" }\n", i)
		}
		return buildProject(t, files)
	}
	if got := len(build(maxCandidates).Callees("main.run")); got != maxCandidates {
		t.Errorf("%d candidates: %d callees, want all", maxCandidates, got)
	}
	if got := build(maxCandidates + 1).Callees("main.run"); len(got) != 0 {
		t.Errorf("%d candidates: callees %q, want none", maxCandidates+1, ids(got))
	}
}

// TestRefsKeepsUnresolvedNames checks that the raw references of a
// definition include a method name the graph resolves to nothing (too many
// implementations): what a caller needs to follow an interface call.
func TestRefsKeepsUnresolvedNames(t *testing.T) {
	files := map[string]string{
		"main/main.go": "package main\n\nfunc run(x interface{ Render() string }) string { return x.Render() }\n",
	}
	for i := range maxCandidates + 1 {
		files[fmt.Sprintf("p%d/t.go", i)] = fmt.Sprintf("package p%d\n\ntype T struct{}\n\nfunc (T) Render() string { return \"\" }\n", i)
	}
	g := buildProject(t, files)
	if got := g.Callees("main.run"); len(got) != 0 {
		t.Fatalf("callees %q, want none (capped)", ids(got))
	}
	if refs := g.Refs("main.run"); !slicesContains(refs, "Render") {
		t.Errorf("Refs(main.run) = %q, want it to hold Render", refs)
	}
	if refs := g.Refs("main.missing"); refs != nil {
		t.Errorf("Refs of an unknown ID = %q, want nil", refs)
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestIncrementalEqualsRebuild edits one file, deletes another and adds a
// third, and checks the updated graph against one built from scratch.
func TestIncrementalEqualsRebuild(t *testing.T) {
	g := buildProject(t, project)

	after := make(map[string]string, len(project))
	for p, src := range project {
		after[p] = src
	}
	after["sessions/store.go"] = strings.ReplaceAll(project["sessions/store.go"], "purge", "purgeAll")
	delete(after, "legacy/config/config.go")
	after["sessions/evict.go"] = "package sessions\n\n// Evict drops one.\nfunc (s *Store) Evict(k string) { delete(s.items, k); purgeAll(nil, time.Time{}) }\n"

	g.RemovePath("sessions/store.go")
	g.AddChunks(splitFile(t, "sessions/store.go", after["sessions/store.go"]))
	g.RemovePath("legacy/config/config.go")
	g.AddChunks(splitFile(t, "sessions/evict.go", after["sessions/evict.go"]))
	g.RemovePath("never/indexed.go") // harmless

	full := buildProject(t, after)
	if got, want := dump(g), dump(full); got != want {
		t.Errorf("incremental graph differs from a rebuild:\n--- incremental\n%s\n--- rebuild\n%s", got, want)
	}
	if got, want := saved(t, g), saved(t, full); !bytes.Equal(got, want) {
		t.Error("incremental and rebuilt graphs save to different bytes")
	}
	if got := ids(g.Callers("sessions.purgeAll")); !reflect.DeepEqual(got, []string{"sessions.Store.Cleanup", "sessions.Store.Evict"}) {
		t.Errorf("callers of the renamed function = %q", got)
	}
	if got := g.Definitions("purge"); len(got) != 0 {
		t.Errorf("the old name is still defined: %+v", got)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	g := buildProject(t, project)
	loaded, err := Load(bytes.NewReader(saved(t, g)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dump(loaded), dump(g); got != want {
		t.Errorf("loaded graph differs:\n--- loaded\n%s\n--- saved\n%s", got, want)
	}
	n1, e1 := g.Stats()
	n2, e2 := loaded.Stats()
	if n1 != n2 || e1 != e2 {
		t.Errorf("Stats after load = %d/%d, want %d/%d", n2, e2, n1, e1)
	}
	empty, err := Load(bytes.NewReader(saved(t, Build(nil))))
	if err != nil {
		t.Fatalf("load an empty graph: %v", err)
	}
	if n, e := empty.Stats(); n != 0 || e != 0 {
		t.Errorf("empty graph Stats = %d, %d", n, e)
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	good := saved(t, buildProject(t, project))
	header := fmt.Sprintf("%s %d\n", fileMagic, fileVersion)
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"empty", nil, "empty input"},
		{"not a graph", []byte("{\"nodes\": []}\n"), "header"},
		{"no newline", bytes.Repeat([]byte{0xff}, 10000), "no header line"},
		{"future version", []byte(fileMagic + " 99\n"), "format version 99"},
		{"truncated body", good[:len(good)/2], "corrupt body"},
		{"garbage body", append([]byte(header), "\x00\x01garbage"...), "corrupt body"},
		{"header only", []byte(header), "corrupt body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Load(bytes.NewReader(tt.input))
			if err == nil || g != nil {
				t.Fatalf("Load = %v, %v; want an error", g, err)
			}
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q: want ErrFormat mentioning %q", err, tt.want)
			}
		})
	}
}

// TestConcurrentUse runs queries while one file is replaced over and over;
// run with -race.
func TestConcurrentUse(t *testing.T) {
	g := buildProject(t, project)
	store := splitFile(t, "sessions/store.go", project["sessions/store.go"])
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				g.Callers("sessions.Store.Cleanup")
				g.TestsFor("sessions.purge")
				g.Stats()
			}
		}()
	}
	for range 50 {
		g.RemovePath("sessions/store.go")
		g.AddChunks(store)
	}
	wg.Wait()
	if got := ids(g.TestsFor("sessions.Store.Cleanup")); !reflect.DeepEqual(got, []string{"sessions.TestCleanup", "sessions.TestSweep"}) {
		t.Errorf("after concurrent updates TestsFor = %q", got)
	}
}

// dump renders every node with its resolved callees, in a stable order.
func dump(g *Graph) string {
	g.mu.RLock()
	var all []*entry
	for _, es := range g.byPath {
		all = append(all, es...)
	}
	g.mu.RUnlock()
	var lines []string
	for _, e := range all {
		var callees []string
		for _, c := range g.Callees(e.ID) {
			callees = append(callees, fmt.Sprintf("%s@%s", c.ID, c.Path))
		}
		lines = append(lines, fmt.Sprintf("%s@%s:%d-%d %s test=%v → %v", e.ID, e.Path, e.StartLine, e.EndLine, e.Kind, e.Test, callees))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func saved(t testing.TB, g *Graph) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := g.Save(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestOtherLanguages checks that the graph needs nothing Go-specific: a
// pytest in another directory reaches a Python function through the class
// that calls it.
func TestOtherLanguages(t *testing.T) {
	app := chunk.Split("app/store.py", chunk.Code, "Python",
		[]byte("class Store:\n    def cleanup(self, now):\n        return purge(self.items, now)\n\n\ndef purge(items, now):\n    return 0\n"))
	tests := chunk.Split("tests/test_store.py", chunk.Test, "Python",
		[]byte("from app.store import Store\n\n\ndef test_cleanup():\n    assert Store().cleanup(1) == 0\n"))
	g := Build(append(app, tests...))
	if got := ids(g.TestsFor("purge")); !reflect.DeepEqual(got, []string{"test_cleanup"}) {
		t.Errorf("TestsFor(purge) = %q, want [test_cleanup]", got)
	}
	if got := ids(g.Callers("purge")); len(got) == 0 {
		t.Error("purge has no callers")
	}
}
