package trace

import (
	"strings"
	"testing"
)

// A literal of the code is a message template: its fixed text must be in
// the message, in order, with anything where its format verbs stand; one
// with little fixed text, or one word, is no template.
func TestMessageTemplate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lit, message string
		ok, match    bool
	}{
		{"error unpacking %s in %s", "Error: error unpacking foo in app: Chart.yaml file is missing", true, true},
		{`Failed to remove plugin %s, got error (%v)\n`, "Error: Failed to remove plugin lintr, got error (remove /home/u/.helm/plugins/helm-lintr: directory not empty)", true, true},
		{"key {} not found in section {}", "Error: key 'a' not found in section 'remote'", true, true},
		{"Cannot find module ${name} from ${dir}", "Error: Cannot find module 'x' from '/srv/app'", true, true},
		{`a release named %q already exists`, `Error: a release named "gitlab-ce-1" already exists`, true, true},
		{`a release named %q already exists`, `Error: a release "gitlab-ce-1" already exists`, true, false},
		{"release name", "Error: a release named x: release name is taken", false, false},
		{"%d items were skipped", "3 items were kept", true, false},
		{"ChartRepositoryConfig", "ChartRepositoryConfig is missing", false, false},
	} {
		lit, ok := messageTemplate(c.lit)
		if ok != c.ok {
			t.Errorf("messageTemplate(%q) ok = %v, want %v", c.lit, ok, c.ok)
			continue
		}
		if ok && lit.re.MatchString(c.message) != c.match {
			t.Errorf("%q matches %q: %v, want %v", c.lit, c.message, !c.match, c.match)
		}
	}
}

// chartRepo is a command whose loader wraps a missing file's error, and
// whose other code talks about the same file.
var chartRepo = map[string]string{
	"go.mod": "module example.com/chart\n\ngo 1.22\n",
	"loader/load.go": `package loader

import (
	"errors"
	"fmt"
)

// LoadFiles loads a chart and its subcharts.
func LoadFiles(names []string) error {
	for _, n := range names {
		if err := loadOne(n); err != nil {
			return fmt.Errorf("error unpacking %s in %s: %w", n, "app", err)
		}
	}
	return nil
}

func loadOne(n string) error {
	if n == "" {
		return errors.New("Chart.yaml file is missing")
	}
	return nil
}
`,
	"values/values.go": `package values

// YAML renders the values of a Chart.yaml file: a Chart.yaml file that is
// missing renders as nothing, and an error unpacking it is no error here.
func YAML(chartYAML string) string {
	if chartYAML == "" {
		return ""
	}
	return chartYAML
}
`,
}

// A command's error line with no stack leads to the code that printed
// it: the literals whose fixed text the message reads, above a search for
// the message's words.
func TestErrorLineLeadsToTheCodeThatPrintedIt(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, chartRepo)
	out, err := Run(t.Context(), ix, Input{Text: "$ chart install ./app\nError: error unpacking foo in app: Chart.yaml file is missing\n"})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) < 2 {
		t.Fatalf("too few suspects:\n%s", Markdown(out))
	}
	top := map[string]bool{out.Suspects[0].Symbol: true, out.Suspects[1].Symbol: true}
	if !top["loader.LoadFiles"] || !top["loader.loadOne"] || !strings.HasPrefix(out.Suspects[0].Why[0], "prints ") {
		t.Fatalf("the code that printed the message is not first:\n%s", Markdown(out))
	}
}

func TestExcerptCutsAtARune(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 80, "short"},
		{"abcdefghij", 8, "abcde..."},
		{"ab€defghij", 6, "ab..."}, // € is 3 bytes: the cut backs off to its start
	} {
		if got := excerpt(c.s, c.n); got != c.want {
			t.Errorf("excerpt(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}

// TestPrintedBesideTheFrames: a trace whose frame is in the repository
// still names the code that prints its message, below that frame (axum
// 0.8.3's "Overlapping method route" panic reports the line of a
// #[track_caller] caller; the message is printed elsewhere).
func TestPrintedBesideTheFrames(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, map[string]string{
		"pkg/__init__.py": "",
		"pkg/router.py":   "def route(path, handler):\n    table = {}\n    merge(table, path, handler)\n    return table\n",
		"pkg/merge.py":    "def merge(table, path, handler):\n    if path in table:\n        raise ValueError(f\"Overlapping method route. Handler for `{path}` already exists\")\n    table[path] = handler\n",
	})
	// The frame's line calls nothing: what raised is not on the trace
	// (a #[track_caller] panic, a release whose lines differ).
	text := "Traceback (most recent call last):\n  File \"/home/u/proj/pkg/router.py\", line 4, in route\n    return table\nValueError: Overlapping method route. Handler for `GET /api/album` already exists\n"
	out, err := Run(t.Context(), ix, Input{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range out.Suspects {
		names = append(names, s.Symbol)
	}
	if len(names) < 2 || names[0] != "route" || names[1] != "merge" {
		t.Errorf("suspects %q, want route (the frame) first and merge (which prints the message) second", names)
	}
}
