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
