package textindex

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// goFuncName finds the first declared function or method in a chunk, which
// stands in for the chunker's symbol.
var goFuncName = regexp.MustCompile(`(?m)^func (?:\([^)]*\) )?([A-Za-z_][A-Za-z0-9_]*)`)

// corpusDocs cuts every .go file under root into chunks of chunkLines lines,
// the shape memory/chunk produces for code without structure.
func corpusDocs(tb testing.TB, root string, chunkLines int) []Doc {
	tb.Helper()
	var docs []Doc
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || name == "vendor" || (strings.HasPrefix(name, ".") && p != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		kind := "code"
		if strings.HasSuffix(rel, "_test.go") {
			kind = "test"
		}
		lines := strings.Split(string(b), "\n")
		for i, n := 0, 0; i < len(lines); i, n = i+chunkLines, n+1 {
			text := strings.Join(lines[i:min(i+chunkLines, len(lines))], "\n")
			d := Doc{ID: rel + "#" + itoa(n), Path: rel, Kind: kind, Language: "Go", Text: text}
			if m := goFuncName.FindStringSubmatch(text); m != nil {
				d.Symbol = filepath.Base(filepath.Dir(rel)) + "." + m[1]
			}
			docs = append(docs, d)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("read corpus %s: %v", root, err)
	}
	return docs
}

func indexAll(tb testing.TB, ix *Index, docs []Doc, batch int) {
	tb.Helper()
	for i := 0; i < len(docs); i += batch {
		if err := ix.Apply(docs[i:min(i+batch, len(docs))], nil); err != nil {
			tb.Fatal(err)
		}
	}
}

func netHTTPDocs(b *testing.B) []Doc {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("no go command to find GOROOT: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(goroot)), "src", "net", "http")
	if _, err := os.Stat(root); err != nil {
		b.Skipf("no GOROOT sources: %v", err)
	}
	return corpusDocs(b, root, 40)
}

// BenchmarkIndex builds a fresh index of net/http (40-line chunks, batches of
// 1000) per iteration, Close included, and reports chunks/s.
func BenchmarkIndex(b *testing.B) {
	docs := netHTTPDocs(b)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		ix, err := Open(filepath.Join(b.TempDir(), "text"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		indexAll(b, ix, docs, 1000)
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(docs)*b.N)/time.Since(start).Seconds(), "chunks/s")
	b.ReportMetric(float64(len(docs)), "chunks")
}

// BenchmarkSearch runs identifier and natural-language queries over net/http.
func BenchmarkSearch(b *testing.B) {
	docs := netHTTPDocs(b)
	ix, err := Open(filepath.Join(b.TempDir(), "text"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	indexAll(b, ix, docs, 1000)
	queries := sampleQueries(docs, 50)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ix.Search(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
	}
}

// sampleQueries returns n identifier queries taken from the corpus symbols,
// n natural-language queries made of an identifier's words plus question
// words, and a fixed set of hand-written ones, in a fixed order.
func sampleQueries(docs []Doc, n int) []Query {
	seen := map[string]bool{}
	var syms []string
	for _, d := range docs {
		if d.Symbol == "" {
			continue
		}
		name := d.Symbol[strings.LastIndexByte(d.Symbol, '.')+1:]
		if len(words(name)) >= 2 && !seen[name] {
			seen[name] = true
			syms = append(syms, name)
		}
	}
	sort.Strings(syms)
	var qs []Query
	stride := max(1, len(syms)/n)
	for i := 0; i < len(syms) && len(qs) < n; i += stride {
		qs = append(qs, Query{Text: syms[i]})
	}
	for i := stride / 2; i < len(syms) && len(qs) < 2*n; i += stride {
		qs = append(qs, Query{Text: "how does the code " + strings.Join(words(syms[i]), " ")})
	}
	for _, t := range []string{
		"how are idle connections closed", "where is the request body read",
		"what happens when the header is too large", "retry failed requests",
		"parse the query string", "compress response with gzip",
		"timeout waiting for the server", "which errors are returned on shutdown",
		"load configuration from file", "write samples to the head block",
	} {
		qs = append(qs, Query{Text: t}, Query{Text: t, Kinds: []string{"code"}, PathGlob: "**/*.go"})
	}
	return qs
}
