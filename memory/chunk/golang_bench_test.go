package chunk

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkSplitGo splits net/http/server.go, a large real Go file (about
// 4,000 lines) that ships with every Go toolchain.
func BenchmarkSplitGo(b *testing.B) {
	p := filepath.Join(build.Default.GOROOT, "src", "net", "http", "server.go")
	src, err := os.ReadFile(p)
	if err != nil {
		b.Skipf("no Go source tree to read: %v", err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	chunks := 0
	for b.Loop() {
		chunks = len(splitGo("net/http/server.go", src))
	}
	b.ReportMetric(float64(chunks*b.N)/b.Elapsed().Seconds(), "chunks/s")
}

// BenchmarkSplitGoCorpus splits every .go file under $DEVAI_GO_CORPUS (for
// example a module from `go mod download -json`), to measure throughput on a
// whole real project. Skipped when the variable is unset.
func BenchmarkSplitGoCorpus(b *testing.B) {
	root := os.Getenv("DEVAI_GO_CORPUS")
	if root == "" {
		b.Skip("set DEVAI_GO_CORPUS to a directory of Go code")
	}
	type file struct {
		path string
		src  []byte
	}
	var files []file
	var size int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, file{filepath.ToSlash(rel), src})
		size += int64(len(src))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	chunks, fallback := 0, 0
	for b.Loop() {
		chunks, fallback = 0, 0
		for _, f := range files {
			n := len(splitGo(f.path, f.src))
			if n == 0 {
				fallback++
			}
			chunks += n
		}
	}
	b.ReportMetric(float64(len(files)), "files")
	b.ReportMetric(float64(fallback), "unparsed")
	b.ReportMetric(float64(chunks), "chunks")
	b.ReportMetric(float64(chunks*b.N)/b.Elapsed().Seconds(), "chunks/s")
}
