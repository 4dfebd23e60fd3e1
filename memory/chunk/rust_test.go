package chunk

import (
	"reflect"
	"strings"
	"testing"
)

func rustFixture() string {
	var methods strings.Builder
	for i := 0; i < 12; i++ {
		methods.WriteString("    /// Helper.\n    pub fn helper_" + string(rune('a'+i)) + "(&self) -> usize {\n        self.items.len()\n    }\n\n")
	}
	return `//! Orders crate.
use std::fmt;

/// An order line. Implements FR-040.
#[derive(Debug, Clone)]
pub struct Order<'a> {
    pub sku: &'a str,
    pub qty: u32,
}

impl<'a> fmt::Display for Order<'a> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}} x{}", self.sku, self.qty)
    }
}

pub struct Cart {
    items: Vec<u32>,
}

impl Cart {
    /// Creates an empty cart.
    pub fn new() -> Self {
        let brace = '{';
        let raw = r#"a "}" b"#;
        Cart { items: vec![] }
    }

` + methods.String() + `}

pub fn total(items: &[u32]) -> u32 {
    items.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_items() {
        assert_eq!(total(&[1, 2]), 3);
    }

    #[tokio::test]
    async fn async_total() {
        assert_eq!(total(&[]), 0);
    }
}
`
}

func TestSplitRust(t *testing.T) {
	src := rustFixture()
	chunks := splitRust("src/lib.rs", []byte(src))
	checkChunks(t, []byte(src), chunks)
	tests := []struct {
		symbol, kind string
		start, end   int
		parents      []string
		tests        []string
	}{
		{"Order", "struct", 4, 9, nil, nil},
		{"impl fmt::Display for Order", "impl", 11, 15, nil, nil},
		{"Cart", "struct", 17, 19, nil, nil},
		{"impl Cart", "impl", 21, 21, nil, nil},
		{"new", "method", 22, 27, []string{"Cart"}, nil},
		{"helper_l", "method", 84, 89, []string{"Cart"}, nil},
		{"total", "function", 91, 93, nil, nil},
		{"tests", "mod", 95, 108, nil, []string{"tests::totals_items", "tests::async_total"}},
	}
	for _, tt := range tests {
		c := findChunk(t, chunks, tt.symbol)
		if c.SymbolKind != tt.kind || c.StartLine != tt.start || c.EndLine != tt.end || !reflect.DeepEqual(c.Parents, tt.parents) || !reflect.DeepEqual(c.TestNames, tt.tests) {
			t.Errorf("%s = %s %d-%d %q %q, want %s %d-%d %q %q", tt.symbol, c.SymbolKind, c.StartLine, c.EndLine, c.Parents, c.TestNames, tt.kind, tt.start, tt.end, tt.parents, tt.tests)
		}
	}
	if c := findChunk(t, chunks, "Order"); !reflect.DeepEqual(c.Requirements, []string{"FR-040"}) {
		t.Errorf("Order reqs = %q", c.Requirements)
	}
	if c := findChunk(t, chunks, "total"); c.Signature != "pub fn total(items: &[u32]) -> u32" {
		t.Errorf("total sig = %q", c.Signature)
	}
}

// TestRustTestOnlyCode: what a source file compiles only for its tests is a
// test's chunk, whichever parser cut it: a #[cfg(test)] module (small, or big
// enough to be cut into its functions), a #[test] function outside one.
func TestRustTestOnlyCode(t *testing.T) {
	var big strings.Builder
	big.WriteString("#[cfg(all(test, feature = \"std\"))]\nmod big_tests {\n    use super::*;\n\n")
	for i := 0; i < 12; i++ {
		big.WriteString("    #[test]\n    fn case_" + string(rune('a'+i)) + "() {\n        assert_eq!(total(&[1]), 1);\n    }\n\n")
	}
	big.WriteString("    fn helper() -> u32 {\n        1\n    }\n}\n\n#[test]\nfn loose_test() {\n    assert!(true);\n}\n\n#[cfg(not(test))]\nmod real {\n    pub fn run() {}\n}\n")
	src := rustFixture() + "\n" + big.String()
	want := map[string]Kind{
		"total": Code, "Cart": Code, "new": Code, "real": Code,
		"tests": Test, "case_a": Test, "case_l": Test, "helper": Test, "loose_test": Test, "big_tests": Test,
	}
	for name, split := range map[string]func() []Chunk{
		"scanner": func() []Chunk { return splitRust("src/lib.rs", []byte(src)) },
		"Split":   func() []Chunk { return Split("src/lib.rs", Code, "Rust", []byte(src)) },
	} {
		chunks := split()
		for i := range chunks {
			if chunks[i].Kind == "" { // splitRust alone leaves the kind to Split
				chunks[i].Kind = Code
				if chunks[i].TestOnly {
					chunks[i].Kind = Test
				}
			}
		}
		for sym, kind := range want {
			if c := findChunk(t, chunks, sym); c.Kind != kind {
				t.Errorf("%s: %s is %s, want %s", name, sym, c.Kind, kind)
			}
		}
		for _, c := range chunks {
			if c.Symbol == "" && c.StartLine > strings.Count(rustFixture(), "\n")+5 && c.EndLine < strings.Count(src, "\n")-12 && c.Kind != Test {
				t.Errorf("%s: a block inside big_tests (%d-%d) is %s", name, c.StartLine, c.EndLine, c.Kind)
			}
		}
	}
}

// TestRustMacroItems: a macro call at item level is named after the item
// its body declares, by either parser; one that declares none stays a gap.
func TestRustMacroItems(t *testing.T) {
	src := `use crate::x;

#[cfg(feature = "json")]
define_rejection! {
    #[status = UNSUPPORTED_MEDIA_TYPE]
    #[body = "Expected request with ` + "`Content-Type: application/json`" + `"]
    /// Rejection type for [` + "`Json`" + `](super::Json) used if the
    /// struct header is missing.
    pub struct MissingJsonContentType;
}

lazy_static! {
    static ref WORD: Regex = Regex::new("w+").unwrap();
}

bitflags! {
    pub struct Flags: u32 {
        const A = 1;
    }
}

register_all!(a, b, c);

pub fn after() -> u32 {
    1
}
`
	want := []struct {
		symbol, kind string
		start, end   int
	}{
		{"MissingJsonContentType", "struct", 3, 10},
		{"WORD", "static", 12, 14},
		{"Flags", "struct", 16, 20},
		{"after", "function", 24, 26},
	}
	for name, chunks := range map[string][]Chunk{
		"scanner": splitRust("src/rejection.rs", []byte(src)),
		"Split":   Split("src/rejection.rs", Code, "Rust", []byte(src)),
	} {
		checkChunks(t, []byte(src), chunks)
		for _, w := range want {
			c := findChunk(t, chunks, w.symbol)
			if c.SymbolKind != w.kind || c.StartLine != w.start || c.EndLine != w.end {
				t.Errorf("%s: %s = %s L%d-%d, want %s L%d-%d", name, w.symbol, c.SymbolKind, c.StartLine, c.EndLine, w.kind, w.start, w.end)
			}
		}
	}
}
