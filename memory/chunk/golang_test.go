package chunk

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

const goStoreSrc = `// Copyright 2025 The Sessions Authors.

// Package sessions keeps login sessions.
package sessions

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	yaml "gopkg.in/yaml.v3"
)

// ---- the store ----

// Store keeps sessions in memory.
// It is safe for concurrent use.
type Store[K comparable, V any] struct {
	mu    sync.Mutex
	items map[K]entry[V]
	log   hclog.Logger
}

// New returns an empty store.
func New[K comparable, V any](log hclog.Logger) *Store[K, V] {
	return &Store[K, V]{items: make(map[K]entry[V]), log: log}
}

// Cleanup removes the sessions that expired before now and reports how many
// it removed.
// verifies: FR-012
func (s *Store[K, V]) Cleanup(ctx context.Context, now time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, e := range s.items {
		if expired(e, now) {
			delete(s.items, k)
			n++
		}
	}
	s.log.Info("cleanup", "removed", n)
	opts := Options{Limit: defaultLimit, Format: yaml.Marshal}
	_ = opts
	if n > maxRemoved {
		return n, ErrTooMany
	}
	return n, ctx.Err()
}

type (
	// Options configure a store.
	Options struct {
		Limit  int
		Format func(any) ([]byte, error)
	}

	// Handler is called for each expired session.
	Handler func(ctx context.Context, key string) error

	entry[V any] struct {
		value   V
		expires time.Time
	}
)

// Errors the store returns.
const (
	defaultLimit = 100
	maxRemoved   = 1000
)

// ErrTooMany says that a cleanup hit maxRemoved; see REQ-SESS-3.
var ErrTooMany = errors.New("sessions: too many removed")

func expired[V any](e entry[V], now time.Time) bool { return e.expires.Before(now) }

// trailing note: nothing below.
`

const goStoreTestSrc = `package sessions_test

import (
	"context"
	"testing"
	"time"

	"example.com/app/sessions"
)

// verifies: FR-001, FR-012
func TestCleanup(t *testing.T) {
	s := sessions.New[string, int](nil)
	t.Run("removes expired", func(t *testing.T) {
		n, err := s.Cleanup(context.Background(), time.Now())
		if err != nil || n != 0 {
			t.Fatal(n, err)
		}
		t.Run("nested case", func(t *testing.T) {})
	})
	for _, tt := range []struct{ name string }{{"table"}} {
		t.Run(tt.name, func(t *testing.T) {})
	}
}

func BenchmarkCleanup(b *testing.B) {
	b.Run("small", func(b *testing.B) {})
}

func ExampleNew() {}

func TestMain(m *testing.M) { m.Run() }

func Testable() {}

func helper(t *testing.T) *sessions.Store[string, int] { return sessions.New[string, int](nil) }
`

// goBrokenSrc has a syntax error in its second function.
const goBrokenSrc = `package broken

// Good parses.
func Good() int { return 1 }

func Bad() {
	x := := 2
}

// Later comes after the error.
func Later() {}
`

type wantGoChunk struct {
	qualified  string
	kind       string
	start, end int
	signature  string
	refs       []string // must be present
	notRefs    []string // must be absent
	reqs       []string
	tests      []string
}

func TestSplitGo(t *testing.T) {
	tests := []struct {
		name  string
		path  string
		src   string
		count int // number of chunks; -1 to skip
		want  []wantGoChunk
	}{
		{
			name: "declarations with doc comments and generics", path: "sessions/store.go", src: goStoreSrc, count: 10,
			want: []wantGoChunk{
				{qualified: "sessions", kind: "package", start: 1, end: 14, signature: "package sessions",
					refs: []string{"context", "github.com/hashicorp/go-hclog", "gopkg.in/yaml.v3"}},
				{qualified: "sessions.Store", kind: "type", start: 16, end: 24,
					signature: "type Store[K comparable, V any] struct",
					refs:      []string{"sync.Mutex", "entry", "hclog.Logger"}, notRefs: []string{"K", "V", "mu", "items"}},
				{qualified: "sessions.New", kind: "func", start: 26, end: 29,
					signature: "func New[K comparable, V any](log hclog.Logger) *Store[K, V]",
					refs:      []string{"hclog.Logger", "Store", "entry"}, notRefs: []string{"K", "V", "log", "make", "items"}},
				{qualified: "sessions.Store.Cleanup", kind: "method", start: 31, end: 51,
					signature: "func (s *Store[K, V]) Cleanup(ctx context.Context, now time.Time) (int, error)",
					refs: []string{"Store", "context.Context", "time.Time", "Lock", "Unlock", "expired", "Info",
						"Options", "defaultLimit", "yaml.Marshal", "maxRemoved", "ErrTooMany", "Err"},
					notRefs: []string{"K", "V", "s", "n", "k", "e", "ctx", "delete", "Limit", "Format", "items", "mu", "log", "int", "error"},
					reqs:    []string{"FR-012"}},
				{qualified: "sessions.Options", kind: "type", start: 53, end: 58, signature: "type Options struct", notRefs: []string{"Limit", "any"}},
				{qualified: "sessions.Handler", kind: "type", start: 60, end: 61,
					signature: "type Handler func(ctx context.Context, key string) error", refs: []string{"context.Context"}},
				{qualified: "sessions.entry", kind: "type", start: 63, end: 67, signature: "type entry[V any] struct", refs: []string{"time.Time"}},
				{qualified: "sessions.defaultLimit", kind: "const", start: 69, end: 73, signature: "const (defaultLimit, maxRemoved)"},
				{qualified: "sessions.ErrTooMany", kind: "var", start: 75, end: 76,
					signature: `var ErrTooMany = errors.New("sessions: too many removed")`, refs: []string{"errors.New"}, reqs: []string{"REQ-SESS-3"}},
				{qualified: "sessions.expired", kind: "func", start: 78, end: 80, refs: []string{"entry", "time.Time", "Before"}},
			},
		},
		{
			name: "test file with subtests", path: "sessions/store_test.go", src: goStoreTestSrc, count: 7,
			want: []wantGoChunk{
				{qualified: "sessions_test.TestCleanup", kind: "func", start: 11, end: 24,
					refs:  []string{"sessions.New", "Cleanup", "context.Background", "time.Now", "Fatal", "Run", "testing.T"},
					reqs:  []string{"FR-001", "FR-012"},
					tests: []string{"TestCleanup", "TestCleanup/removes expired", "TestCleanup/removes expired/nested case"}},
				{qualified: "sessions_test.BenchmarkCleanup", kind: "func", tests: []string{"BenchmarkCleanup", "BenchmarkCleanup/small"}},
				{qualified: "sessions_test.ExampleNew", kind: "func", tests: []string{"ExampleNew"}},
				{qualified: "sessions_test.TestMain", kind: "func"},
				{qualified: "sessions_test.Testable", kind: "func"},
				{qualified: "sessions_test.helper", kind: "func", refs: []string{"sessions.Store", "sessions.New"}},
			},
		},
		{
			name: "syntax error keeps what parsed", path: "broken/broken.go", src: goBrokenSrc, count: -1,
			want: []wantGoChunk{
				{qualified: "broken", kind: "package", start: 1, end: 1},
				{qualified: "broken.Good", kind: "func", start: 3, end: 4},
			},
		},
		{
			name: "package clause only", path: "a/doc.go", src: "// Package a does little.\npackage a\n", count: 1,
			want: []wantGoChunk{{qualified: "a", kind: "package", start: 1, end: 2, signature: "package a"}},
		},
		{name: "empty file", path: "a/empty.go", src: "", count: 0},
		{name: "not Go at all", path: "a/notgo.go", src: "<html>hello</html>\n", count: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks := splitGo(tt.path, []byte(tt.src))
			if tt.count >= 0 && len(chunks) != tt.count {
				t.Errorf("got %d chunks, want %d: %v", len(chunks), tt.count, goChunkNames(chunks))
			}
			for _, w := range tt.want {
				c, ok := findGoChunk(chunks, w.qualified)
				if !ok {
					t.Errorf("no chunk %q in %v", w.qualified, goChunkNames(chunks))
					continue
				}
				if c.SymbolKind != w.kind {
					t.Errorf("%s: SymbolKind %q, want %q", w.qualified, c.SymbolKind, w.kind)
				}
				if w.start != 0 && (c.StartLine != w.start || c.EndLine != w.end) {
					t.Errorf("%s: lines %d-%d, want %d-%d", w.qualified, c.StartLine, c.EndLine, w.start, w.end)
				}
				if w.signature != "" && c.Signature != w.signature {
					t.Errorf("%s: Signature %q, want %q", w.qualified, c.Signature, w.signature)
				}
				for _, r := range w.refs {
					if !slices.Contains(c.Refs, r) {
						t.Errorf("%s: Refs %q lack %q", w.qualified, c.Refs, r)
					}
				}
				for _, r := range w.notRefs {
					if slices.Contains(c.Refs, r) {
						t.Errorf("%s: Refs %q should not hold %q", w.qualified, c.Refs, r)
					}
				}
				if !reflect.DeepEqual(c.Requirements, w.reqs) {
					t.Errorf("%s: Requirements %q, want %q", w.qualified, c.Requirements, w.reqs)
				}
				if !reflect.DeepEqual(c.TestNames, w.tests) {
					t.Errorf("%s: TestNames %q, want %q", w.qualified, c.TestNames, w.tests)
				}
				if c.Language != "Go" || c.Path != tt.path {
					t.Errorf("%s: Language %q Path %q", w.qualified, c.Language, c.Path)
				}
			}
			checkGoCoverage(t, tt.src, chunks)
		})
	}
}

// TestSplitGoBrokenTail checks that the code after a syntax error is not lost.
func TestSplitGoBrokenTail(t *testing.T) {
	chunks := splitGo("broken/broken.go", []byte(goBrokenSrc))
	if len(chunks) == 0 {
		t.Fatal("no chunks for a file with a syntax error in its middle")
	}
	var all strings.Builder
	for _, c := range chunks {
		all.WriteString(c.Text + "\n")
	}
	for _, want := range []string{"func Bad()", "x := := 2", "func Later() {}"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("chunks lost %q", want)
		}
	}
}

// TestSplitGoGroups checks how grouped declarations are cut: type groups per
// spec, short const groups whole, long var groups per spec.
func TestSplitGoGroups(t *testing.T) {
	var long strings.Builder
	long.WriteString("package g\n\nvar (\n")
	for i := range 70 {
		long.WriteString("\tv" + itoa(i+1) + " = " + itoa(i) + "\n")
	}
	long.WriteString(")\n")
	tests := []struct {
		name    string
		src     string
		symbols []string
	}{
		{"type group per spec", "package g\n\ntype (\n\tA int\n\tB string\n)\n", []string{"g", "A", "B"}},
		{"single type in parens", "package g\n\ntype (\n\tA int\n)\n", []string{"g", "A"}},
		{"short const group whole", "package g\n\nconst (\n\tX = iota\n\tY\n)\n", []string{"g", "X"}},
		{"long var group per spec", long.String(), append([]string{"g"}, func() (s []string) {
			for i := range 70 {
				s = append(s, "v"+itoa(i+1))
			}
			return s
		}()...)},
		{"blank identifier", "package g\n\nvar _ = 1\n", []string{"g", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks := splitGo("g/g.go", []byte(tt.src))
			var got []string
			for _, c := range chunks {
				got = append(got, c.Symbol)
			}
			if !reflect.DeepEqual(got, tt.symbols) {
				t.Errorf("symbols %q, want %q", got, tt.symbols)
			}
			checkGoCoverage(t, tt.src, chunks)
		})
	}
}

func TestSplitViaSplitGo(t *testing.T) {
	chunks := Split("sessions/store_test.go", Test, "Go", []byte(goStoreTestSrc))
	c, ok := findGoChunk(chunks, "sessions_test.TestCleanup")
	if !ok || c.Kind != Test || c.Language != "Go" {
		t.Fatalf("Split did not route Go to splitGo: %+v", chunks)
	}
}

func TestIsGoTestFunc(t *testing.T) {
	for name, want := range map[string]bool{
		"Test": true, "TestX": true, "Test_x": true, "TestÄ": true, "Testable": false, "TestMain": false,
		"BenchmarkX": true, "Benchmarkx": false, "FuzzParse": true, "Example": true, "Example_suffix": true,
		"ExampleStore_Cleanup": true, "helper": false,
	} {
		if got := isGoTestFunc(name); got != want {
			t.Errorf("isGoTestFunc(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestGoImportName(t *testing.T) {
	for path, want := range map[string]string{
		"fmt": "fmt", "net/http": "http", "github.com/hashicorp/go-hclog": "hclog",
		"gopkg.in/yaml.v3": "yaml", "github.com/blevesearch/bleve/v2": "bleve", "github.com/mark3labs/mcp-go": "mcp",
	} {
		if got := goImportName(path); got != want {
			t.Errorf("goImportName(%q) = %q, want %q", path, got, want)
		}
	}
}

// checkGoCoverage asserts the splitter's promises: chunks are in order, hold
// exactly their lines, and every non-blank line is in one. Chunks overlap
// only where declarations share a line (func a() {}; func b() {}).
func checkGoCoverage(t *testing.T, src string, chunks []Chunk) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(src, "\n"), "\n")
	covered := make([]bool, len(lines)+1)
	prevEnd := 0
	for _, c := range chunks {
		if c.StartLine < prevEnd || c.StartLine < 1 || c.EndLine < c.StartLine || c.EndLine > len(lines) {
			t.Errorf("chunk %q lines %d-%d out of order or range (previous ended %d, file has %d)",
				c.Symbol, c.StartLine, c.EndLine, prevEnd, len(lines))
			continue
		}
		prevEnd = c.EndLine
		if want := strings.TrimRight(strings.Join(lines[c.StartLine-1:c.EndLine], "\n"), "\r\n"); c.Text != want {
			t.Errorf("chunk %q text does not match lines %d-%d:\n%s", c.Symbol, c.StartLine, c.EndLine, c.Text)
		}
		for l := c.StartLine; l <= c.EndLine; l++ {
			covered[l] = true
		}
	}
	if len(chunks) == 0 {
		return // the line splitter takes the file
	}
	for i, line := range lines {
		if strings.TrimSpace(line) != "" && !covered[i+1] {
			t.Errorf("line %d %q is in no chunk", i+1, line)
		}
	}
}

func findGoChunk(chunks []Chunk, qualified string) (Chunk, bool) {
	for _, c := range chunks {
		if c.QualifiedSymbol() == qualified {
			return c, true
		}
	}
	return Chunk{}, false
}

func goChunkNames(chunks []Chunk) []string {
	var names []string
	for _, c := range chunks {
		names = append(names, c.QualifiedSymbol()+":"+itoa(c.StartLine)+"-"+itoa(c.EndLine))
	}
	return names
}
