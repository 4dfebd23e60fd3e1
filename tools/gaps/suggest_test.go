package gaps

import (
	"testing"

	"github.com/devaiops/devai/memory"
)

// TestSuggestName: a suggested test is named as the language names tests.
func TestSuggestName(t *testing.T) {
	for _, tt := range []struct {
		lang, symbol, hint, want string
	}{
		{"Go", "sessions.Store.Touch", "", "TestStore_Touch"},
		{"Go", "sessions.Store.Touch", "Expired", "TestStore_Touch_Expired"},
		{"Python", "app.cli.run_command", "", "test_cli_run_command"},
		{"Java", "com.x.Parser.parse", "", "testParse"},
		{"Rust", "rewrite_links", "", "rewrite_links_works"},
		{"Rust", "SummaryParser.parse_affix", "Empty", "summary_parser_parse_affix_empty"},
		{"TypeScript", "Router.match", "", "Router.match works"},
	} {
		if got := suggestName(memory.ChunkInfo{Language: tt.lang, Symbol: tt.symbol}, tt.hint); got != tt.want {
			t.Errorf("%s %s %q: %q, want %q", tt.lang, tt.symbol, tt.hint, got, tt.want)
		}
	}
}
