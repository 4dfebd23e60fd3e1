package locset

import (
	"strings"
	"testing"
)

func TestCleanMessage(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"subject only with PR ref",
			"tsdb: fix head compaction race (#1234)",
			"tsdb: fix head compaction race"},
		{"several refs in parentheses",
			"Fix the thing (#12, #13)",
			"Fix the thing"},
		{"body kept, trailers dropped",
			"Fix session expiry\n\nExpired sessions were never removed.\n\nSigned-off-by: Ann <ann@example.com>\nCo-authored-by: Bob <bob@example.com>\nReviewed-by: Cy <c@x>\nChange-Id: I0123",
			"Fix session expiry\nExpired sessions were never removed."},
		{"closing references dropped, bare refs removed inline",
			"Handle nil labels\n\nAs reported in #77 the parser crashed.\nFixes #77\nCloses: https://github.com/o/r/issues/78",
			"Handle nil labels\nAs reported in the parser crashed."},
		{"URLs and PR template comments removed",
			"Add retry\n\n<!--\n Please describe your change.\n-->\nSee https://example.com/doc for why.",
			"Add retry\nSee for why."},
		{"CRLF and extra spaces",
			"Cache   compiled\tregexps\r\n\r\nThey were compiled per call.\r\n",
			"Cache compiled regexps\nThey were compiled per call."},
		{"a colon in prose is not a trailer",
			"Explain config\n\nNote: the default changed.",
			"Explain config\nNote: the default changed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanMessage(tt.in); got != tt.want {
				t.Errorf("CleanMessage(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanMessageCapsLength(t *testing.T) {
	long := "Fix " + strings.Repeat("word ", 1000)
	got := CleanMessage(long)
	if n := len([]rune(got)); n > maxQueryRunes {
		t.Fatalf("cleaned message has %d runes, cap is %d", n, maxQueryRunes)
	}
	if strings.HasSuffix(got, "wor") || !strings.HasSuffix(got, "word") {
		t.Errorf("cut mid-word: ...%q", got[len(got)-10:])
	}
}
