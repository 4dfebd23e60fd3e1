package walk

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// buildTree writes n small files over a few dozen folders, in the mix a
// service repository has: Go code and tests, Markdown, YAML, Python, logs,
// a nested .gitignore and some ignored build output.
func buildTree(b *testing.B, n int) string {
	b.Helper()
	root := b.TempDir()
	writeFile(b, root, ".gitignore", "*.tmp\nbuild/\n")
	kinds := []struct{ name, content string }{
		{"handler%d.go", "package svc\n\nfunc Handle() {}\n"},
		{"handler%d_test.go", "package svc\n\nimport \"testing\"\n\nfunc TestHandle(t *testing.T) {}\n"},
		{"doc%d.md", "# Design\n\nThe service shall answer.\n"},
		{"conf%d.yaml", "server:\n  port: 8080\n"},
		{"tool%d.py", "def main():\n    pass\n"},
		{"scratch%d.tmp", "ignored\n"},
	}
	for i := range n {
		k := kinds[i%len(kinds)]
		dir := fmt.Sprintf("pkg%02d/sub%d", i%40, i%3)
		writeFile(b, root, dir+"/"+fmt.Sprintf(k.name, i), k.content)
	}
	for i := range 10 {
		writeFile(b, root, fmt.Sprintf("pkg%02d/.gitignore", i), "*.log\n")
		writeFile(b, root, fmt.Sprintf("build/out%d.o", i), "x")
	}
	return root
}

func BenchmarkWalk(b *testing.B) {
	root := buildTree(b, 3000)
	ctx := context.Background()
	var files int
	for b.Loop() {
		res, err := Walk(ctx, root, Options{})
		if err != nil {
			b.Fatal(err)
		}
		files = len(res.Files)
	}
	b.ReportMetric(float64(files), "files")
}

// TestWalkCorpus times a walk of a real tree named by $WALK_CORPUS (for
// example a module in the module cache) and logs what it found. Skipped
// unless the variable is set: it is a measurement, not a check.
func TestWalkCorpus(t *testing.T) {
	dir := os.Getenv("WALK_CORPUS")
	if dir == "" {
		t.Skip("set WALK_CORPUS to a directory to measure")
	}
	for run := range 3 {
		start := time.Now()
		res, err := Walk(context.Background(), dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		elapsed := time.Since(start)
		if run < 2 {
			t.Logf("run %d: %v, %d files, %d skipped", run, elapsed, len(res.Files), len(res.Skipped))
			continue
		}
		t.Logf("run %d: %v, %d files, %d skipped", run, elapsed, len(res.Files), len(res.Skipped))
		kinds := map[string]int{}
		langs := map[string]int{}
		for _, f := range res.Files {
			kinds[string(f.Kind)]++
			langs[f.Language]++
		}
		reasons := map[string]int{}
		for _, s := range res.Skipped {
			r := s.Reason
			if strings.HasPrefix(r, "too large") {
				r = "too large"
			}
			reasons[r]++
		}
		t.Logf("kinds: %v", kinds)
		t.Logf("languages: %v", langs)
		t.Logf("skip reasons: %v", reasons)
	}
}
