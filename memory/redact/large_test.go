package redact

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLogText redacts about 1 MiB of the fixture's real logs, the
// size of a large trace_root_cause argument.
func BenchmarkLogText(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "shop", "logs", "*"))
	var sb strings.Builder
	for sb.Len() < 1<<20 && len(files) > 0 {
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err == nil {
				sb.Write(data)
			}
		}
	}
	if sb.Len() == 0 {
		b.Skip("no fixture logs")
	}
	text := sb.String()
	r := newRedactor(b)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		r.String(text)
	}
}

// BenchmarkCodeSnippets redacts what a search_context answer carries: about
// 12 KB of Go code with the words that wake the credential rules (token,
// password, key) and no secret. Every tool answer passes through here.
func BenchmarkCodeSnippets(b *testing.B) {
	r := newRedactor(b)
	var text strings.Builder
	files, _ := filepath.Glob("../../testdata/shop/internal/*/*.go")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		text.Write(data)
		if text.Len() > 12<<10 {
			break
		}
	}
	s := text.String()[:12<<10]
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		r.String(s)
	}
}
