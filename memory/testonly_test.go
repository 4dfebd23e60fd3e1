package memory

import (
	"strings"
	"testing"

	"github.com/devaiops/devai/memory/chunk"
)

// TestRustInlineTestsAreTests: a Rust source file's #[cfg(test)] module is
// searched as a test: out of a search for code, labelled test in a hit and
// in the chunk list, while the file and its URI stay code.
func TestRustInlineTestsAreTests(t *testing.T) {
	ix := openSynced(t, writeRepo(t, map[string]string{
		"src/summary.rs": `/// Parses SUMMARY.md into the book's chapters.
pub fn parse_summary(text: &str) -> Vec<String> {
    text.lines().filter(|l| l.starts_with("- ")).map(|l| l[2..].to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_summary_reads_every_chapter_of_summary_md() {
        let summary = "- intro\n- chapter one\n- chapter two";
        assert_eq!(parse_summary(summary).len(), 3);
        assert_eq!(parse_summary(summary)[0], "intro");
    }
}
`,
	}))
	kindOf := map[string]chunk.Kind{}
	for _, c := range ix.Chunks(nil) {
		kindOf[c.Symbol] = c.Kind
		if c.Path == "src/summary.rs" && !strings.HasPrefix(c.URI, "devai://code/") {
			t.Errorf("chunk %s has URI %s, want the file's kind, code", c.Symbol, c.URI)
		}
	}
	if kindOf["parse_summary"] != chunk.Code || kindOf["tests"] != chunk.Test {
		t.Errorf("chunk kinds %v, want parse_summary code and tests test", kindOf)
	}
	res := search(t, ix, Query{Text: "parse summary chapters", Kinds: []chunk.Kind{chunk.Code}})
	for _, h := range res.Hits {
		if h.Kind != chunk.Code || h.Symbol == "tests" {
			t.Errorf("a search for code returned %s %s (%s)", h.Path, h.Symbol, h.Kind)
		}
	}
	res = search(t, ix, Query{Text: "parse_summary_reads_every_chapter_of_summary_md"})
	if len(res.Hits) == 0 || res.Hits[0].Kind != chunk.Test {
		t.Fatalf("hits %+v, want the test module first, labelled test", res.Hits)
	}
}
