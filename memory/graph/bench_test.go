package graph

import (
	"go/build"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/chunk"
)

// goChunks splits every .go file under root the way the index does.
func goChunks(b *testing.B, root string) []chunk.Chunk {
	b.Helper()
	var all []chunk.Chunk
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		kind := chunk.Code
		if strings.HasSuffix(p, "_test.go") {
			kind = chunk.Test
		}
		all = append(all, chunk.Split(filepath.ToSlash(rel), kind, "Go", src)...)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return all
}

// benchmarkGraph builds, queries and saves the graph of the Go code under
// root, reporting its size.
func benchmarkGraph(b *testing.B, root string) {
	chunks := goChunks(b, root)
	b.ResetTimer()
	var g *Graph
	for b.Loop() {
		g = Build(chunks)
	}
	b.StopTimer()
	nodes, edges := g.Stats()
	b.ReportMetric(float64(len(chunks)), "chunks")
	b.ReportMetric(float64(nodes), "nodes")
	b.ReportMetric(float64(edges), "edges")
	cw := &countingWriter{}
	if err := g.Save(cw); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(cw.n), "saved-bytes")
}

// BenchmarkBuild builds the graph of GOROOT/src/net/http.
func BenchmarkBuild(b *testing.B) {
	root := filepath.Join(build.Default.GOROOT, "src", "net", "http")
	if _, err := os.Stat(root); err != nil {
		b.Skipf("no Go source tree: %v", err)
	}
	benchmarkGraph(b, root)
}

// BenchmarkBuildCorpus builds the graph of the Go code under
// $DEVAI_GO_CORPUS; skipped when it is unset.
func BenchmarkBuildCorpus(b *testing.B) {
	root := os.Getenv("DEVAI_GO_CORPUS")
	if root == "" {
		b.Skip("set DEVAI_GO_CORPUS to a directory of Go code")
	}
	benchmarkGraph(b, root)
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)
