package trace

import (
	"strings"
	"testing"
)

// inlinedRepo is a Rust program whose main calls run.
var inlinedRepo = map[string]string{
	"Cargo.toml": "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
	"src/main.rs": `fn main() {
    let code = run();
    std::process::exit(code);
}

fn run() -> i32 {
    let themes = load();
    *themes.get("default").expect("no entry found for key")
}

fn load() -> std::collections::HashMap<String, i32> {
    std::collections::HashMap::new()
}
`,
}

// A backtrace of an optimised build prints main with no location: the
// functions main calls may have been inlined into it and are leads, in
// the top 3, saying why; a frame printed with its location is not
// followed into its callees.
func TestInlinedCalleesOfAFrameWithNoLocation(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, inlinedRepo)
	const head = "thread 'main' panicked at 'no entry found for key', libcore/option.rs:917:5\nstack backtrace:\n" +
		"   9: core::option::expect_failed\n             at libcore/option.rs:917\n"
	for _, tc := range []struct {
		name, text string
		leads      []string
	}{
		{"frame without a location (bat #15)", head + "  10: app::main\n  11: std::rt::lang_start::{{closure}}\n", []string{"run"}},
		{"frame with its location", head + "  10: app::main\n             at src/main.rs:2\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Run(t.Context(), ix, Input{Text: tc.text})
			if err != nil {
				t.Fatal(err)
			}
			leads := topLeads(t, out, "may be inlined")
			if strings.Join(leads, ",") != strings.Join(tc.leads, ",") {
				t.Fatalf("inlined leads %v, want %v:\n%s", leads, tc.leads, Markdown(out))
			}
			if len(out.Suspects) == 0 || out.Suspects[0].Symbol != "main" {
				t.Errorf("suspect #1 is not main:\n%s", Markdown(out))
			}
		})
	}
}

// splitImplRepo implements a type's methods in two files, as Rust allows.
var splitImplRepo = map[string]string{
	"Cargo.toml":  "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
	"src/main.rs": "mod visitor;\nmod missed_spans;\n\nfn main() {\n    visitor::FmtVisitor {}.visit();\n}\n",
	"src/visitor.rs": `pub struct FmtVisitor {}

impl FmtVisitor {
    pub fn visit(&self) {
        self.format_missing_indent();
    }
}
`,
	"src/missed_spans.rs": `use crate::visitor::FmtVisitor;

impl FmtVisitor {
    pub fn format_missing_indent(&self) {
        let s = "\u{2029}";
        let _ = &s[..1];
    }
` + rsPadding + `}
`,
}

// rsPadding makes an impl block big enough that the chunker cuts it into
// its methods, as it does those of real crates.
var rsPadding = "\n    fn pad(&self) {\n" + strings.Repeat("        let _x = 1;\n", 70) + "    }\n"

// A frame printed with no file is placed by its module path, in the file
// of its type's module; when that file does not hold the method and one
// other file of the repository does, the frame is placed there (rustfmt
// #5739).
func TestFrameWithNoFileFindsItsMethodInAnotherFile(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, splitImplRepo)
	text := "thread 'main' panicked at 'byte index 1 is not a char boundary', libcore/str/mod.rs:86:9\nstack backtrace:\n" +
		"   4: <app::visitor::FmtVisitor>::format_missing_indent\n   5: app::visitor::FmtVisitor::visit\n   6: app::main\n"
	out, err := Run(t.Context(), ix, Input{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	f, ok := naiveFrame(out.Errors)
	if !ok || f.Path != "src/missed_spans.rs" || f.Symbol != "FmtVisitor.format_missing_indent" {
		t.Fatalf("first in-repo frame %s %s, want src/missed_spans.rs FmtVisitor.format_missing_indent:\n%s", f.Path, f.Symbol, Markdown(out))
	}
	if out.Suspects[0].Path != "src/missed_spans.rs" {
		t.Errorf("suspect #1 is %s %s:\n%s", out.Suspects[0].Path, out.Suspects[0].Symbol, Markdown(out))
	}
}
