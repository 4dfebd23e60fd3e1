package textindex

import (
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		// Whole identifier first, then its parts (Porter-stemmed: "parse" → "pars";
		// a word with a short form in code as that form: "request" → "req").
		{"XMLHTTPRequest", []string{"xmlhttprequest", "xml", "http", "req"}},
		{"parse_json_config2", []string{"parse_json_config2", "pars", "json", "config", "2"}},
		{"internal/sessions/store.go", []string{"intern", "session", "store.go", "store", "go"}},
		{"cleanupExpiredSessions", []string{"cleanupexpiredsess", "cleanup", "expir", "session"}},
		// A qualified use also holds the name alone, as its definition does.
		{"chunks.ChunkDiskMapper", []string{"chunks.chunkdiskmapper", "chunk", "chunk", "disk", "mapper", "chunkdiskmapp"}},
		{"io.EOF", []string{"io.eof", "io", "eof"}},
		// Stop words go, stems meet: "expired sessions" and "expire session" share terms.
		{"how are the expired sessions cleaned up", []string{"expir", "session", "clean", "up"}},
		{"if err != nil { return err }", []string{"if", "err", "nil", "return", "err"}},
		{"the of and", []string{}},
		{"", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Analyze(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Analyze(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestAnalyzerPositions checks that parts sit at the whole token's position,
// so the index counts one word per source token.
func TestAnalyzerPositions(t *testing.T) {
	toks := codeAnalyzer.Analyze([]byte("getHTTPResponse parse_json_config2"))
	got := map[string]int{}
	for _, tok := range toks {
		got[string(tok.Term)] = tok.Position
	}
	want := map[string]int{
		"gethttprespons": 1, "get": 1, "http": 1, "resp": 1,
		"parse_json_config2": 2, "pars": 2, "json": 2, "config": 2, "2": 2,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("positions = %v, want %v", got, want)
	}
	// Offsets of a part point into the source.
	src := "getHTTPResponse parse_json_config2"
	for _, tok := range toks {
		if string(tok.Term) == "json" && src[tok.Start:tok.End] != "json" {
			t.Errorf("offsets of json = [%d,%d) = %q", tok.Start, tok.End, src[tok.Start:tok.End])
		}
	}
}

// TestAnalyzeMatchesMapping keeps Analyze (built directly) and the analyzer
// the index is configured with (built from the registry by name) in step.
func TestAnalyzeMatchesMapping(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	an := m.AnalyzerNamed(codeAnalyzerName)
	if an == nil {
		t.Fatalf("mapping has no analyzer %s", codeAnalyzerName)
	}
	for _, text := range []string{
		"func (s *Store) cleanupExpiredSessions(ctx context.Context) error",
		"How are the XMLHTTPRequest objects parsed? See FR-012 in docs/specs/auth.md",
		"2024-05-01T10:00:00Z ERROR session store: expired_sessions=42 ",
	} {
		if got, want := Analyze(text), terms(an.Analyze([]byte(text))); !reflect.DeepEqual(got, want) {
			t.Errorf("Analyze(%q) = %q, mapping analyzer = %q", text, got, want)
		}
	}
}

func terms(ts analysis.TokenStream) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

func TestAnalyzeDropsHugeTokens(t *testing.T) {
	got := Analyze(strings.Repeat("b", 200) + " ok")
	if !reflect.DeepEqual(got, []string{"ok"}) {
		t.Errorf("Analyze(200 b's + ok) = %q, want [ok]", got)
	}
}
