//go:build cgo && !notreesitter

package chunk

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkSplitCorpus splits every Python, JavaScript/TypeScript, Java and
// Rust file under $DEVAI_SPLIT_CORPUS with the scanners and with
// tree-sitter, per language, so that the two are compared in one run.
// Skipped when the variable is unset.
func BenchmarkSplitCorpus(b *testing.B) {
	root := os.Getenv("DEVAI_SPLIT_CORPUS")
	if root == "" {
		b.Skip("set DEVAI_SPLIT_CORPUS to a directory of Python, JavaScript, Java or Rust code")
	}
	type file struct {
		path string
		src  []byte
	}
	byLang := map[string][]file{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		lang := map[string]string{".py": "Python", ".js": "JavaScript", ".ts": "TypeScript", ".java": "Java", ".rs": "Rust"}[filepath.Ext(p)]
		if lang == "" {
			return nil
		}
		src, err := os.ReadFile(p)
		if err == nil {
			byLang[lang] = append(byLang[lang], file{p, src})
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	parsers := []struct {
		name  string
		split func(p, lang string, content []byte) []Chunk
	}{{"scanner", splitScanner}, {"tree-sitter", splitStructured}}
	for _, lang := range []string{"Python", "JavaScript", "TypeScript", "Java", "Rust"} {
		files := byLang[lang]
		if len(files) == 0 {
			continue
		}
		size := 0
		for _, f := range files {
			size += len(f.src)
		}
		for _, p := range parsers {
			b.Run(lang+"/"+p.name, func(b *testing.B) {
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					for _, f := range files {
						p.split(f.path, lang, f.src)
					}
				}
			})
		}
	}
}
