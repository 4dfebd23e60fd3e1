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
			var leads []string
			for i, s := range out.Suspects {
				if strings.Contains(strings.Join(s.Why, " "), "may be inlined") {
					leads = append(leads, s.Symbol)
					if i > 2 {
						t.Errorf("%s is suspect #%d, want the top 3", s.Symbol, i+1)
					}
				}
			}
			if strings.Join(leads, ",") != strings.Join(tc.leads, ",") {
				t.Fatalf("inlined leads %v, want %v:\n%s", leads, tc.leads, Markdown(out))
			}
			if len(out.Suspects) == 0 || out.Suspects[0].Symbol != "main" {
				t.Errorf("suspect #1 is not main:\n%s", Markdown(out))
			}
		})
	}
}
