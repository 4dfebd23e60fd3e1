//go:build cgo && !notreesitter

package chunk

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// symbolLabel is one sampled line of a real repository with the
// definition that truly encloses it at chunk granularity (local functions
// and closures belong to the function around them), read off an
// independent parser (CPython's ast, javac, acorn, rustc) and checked by
// hand. See testdata/symbols/README.md.
type symbolLabel struct {
	Repo, Commit, Path string
	Line               int
	Symbol, Kind       string
	Parents            []string
	Start, End         int
}

// parserScore counts, for one parser and one language, the sampled lines
// whose chunk names the right definition and the definitions whose
// boundaries the chunks keep.
type parserScore struct{ named, bounded int }

// TestSymbolAccuracy scores the scanners and tree-sitter, in the same run,
// on the labelled samples in testdata/symbols; the repositories come from
// the mirrors in DEVAI_MIRRORS (default /work/.mirror), and the test skips
// where they are absent. It fails if tree-sitter names fewer definitions
// than the scanner in any language.
func TestSymbolAccuracy(t *testing.T) {
	mirrors := os.Getenv("DEVAI_MIRRORS")
	if mirrors == "" {
		mirrors = "/work/.mirror"
	}
	if _, err := os.Stat(mirrors); err != nil {
		t.Skipf("no mirrors at %s (set DEVAI_MIRRORS): %v", mirrors, err)
	}
	files, err := filepath.Glob("testdata/symbols/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no label files: %v", err)
	}
	if missing := missingMirrors(t, mirrors, files); len(missing) > 0 {
		t.Skipf("no mirror in %s of %s (fetch them, or set DEVAI_MIRRORS)", mirrors, strings.Join(missing, ", "))
	}
	parsers := []struct {
		name  string
		split func(p, lang string, content []byte) []Chunk
	}{
		{"scanner", splitScanner},
		{"tree-sitter", splitStructured},
	}
	t.Logf("| language | samples | named: scanner | named: tree-sitter | boundary: scanner | boundary: tree-sitter | files falling back |")
	t.Logf("|---|---:|---:|---:|---:|---:|---:|")
	for _, file := range files {
		labels := readLabels(t, file)
		scores := make([]parserScore, len(parsers))
		contents := map[string][]byte{}
		chunks := map[string][]Chunk{}
		fallbacks := 0
		for _, l := range labels {
			key := l.Repo + "@" + l.Commit + ":" + l.Path
			if contents[key] == nil {
				contents[key] = gitShow(t, mirrors, l)
				if _, ok := splitTreeSitter(l.Path, langOf(l.Path), contents[key]); !ok {
					fallbacks++
				}
			}
			for i, p := range parsers {
				ck := p.name + key
				if chunks[ck] == nil {
					chunks[ck] = p.split(l.Path, langOf(l.Path), contents[key])
				}
				named, bounded := judge(chunks[ck], l, newSource(contents[key]))
				if named {
					scores[i].named++
				}
				if bounded {
					scores[i].bounded++
				}
				if os.Getenv("DEVAI_SYMBOLS_VERBOSE") != "" && !named {
					c := innermostChunk(chunks[ck], l.Line)
					t.Logf("%s miss %s:%d want %s %v, chunk %d-%d %q %v", p.name, l.Path, l.Line, l.Symbol, l.Parents, c.StartLine, c.EndLine, c.Symbol, c.Parents)
				}
				if os.Getenv("DEVAI_SYMBOLS_VERBOSE") != "" && !bounded {
					c := innermostChunk(chunks[ck], l.Start)
					t.Logf("%s boundary %s:%d want %s %d-%d, chunk %d-%d %q", p.name, l.Path, l.Line, l.Symbol, l.Start, l.End, c.StartLine, c.EndLine, c.Symbol)
				}
			}
		}
		n := len(labels)
		pct := func(k int) string { return fmt.Sprintf("%.0f%% (%d)", 100*float64(k)/float64(n), k) }
		t.Logf("| %s | %d | %s | %s | %s | %s | %d of %d |", strings.TrimSuffix(filepath.Base(file), ".jsonl"), n,
			pct(scores[0].named), pct(scores[1].named), pct(scores[0].bounded), pct(scores[1].bounded), fallbacks, len(contents))
		if scores[1].named < scores[0].named {
			t.Errorf("%s: tree-sitter names %d definitions, the scanner %d", file, scores[1].named, scores[0].named)
		}
	}
}

func readLabels(t *testing.T, file string) []symbolLabel {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []symbolLabel
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l symbolLabel
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out = append(out, l)
	}
	return out
}

// missingMirrors lists the labelled repositories that have no mirror: the
// scores are only comparable over every sample, so one missing repository
// skips the test rather than failing it or scoring a part.
func missingMirrors(t *testing.T, mirrors string, files []string) []string {
	t.Helper()
	seen := map[string]bool{}
	var missing []string
	for _, file := range files {
		for _, l := range readLabels(t, file) {
			if seen[l.Repo] {
				continue
			}
			seen[l.Repo] = true
			if _, err := os.Stat(filepath.Join(mirrors, strings.ReplaceAll(l.Repo, "/", "+"), "repo")); err != nil {
				missing = append(missing, l.Repo)
			}
		}
	}
	return missing
}

func gitShow(t *testing.T, mirrors string, l symbolLabel) []byte {
	t.Helper()
	dir := filepath.Join(mirrors, strings.ReplaceAll(l.Repo, "/", "+"), "repo")
	out, err := exec.CommandContext(context.Background(), "git", "-C", dir, "show", l.Commit+":"+l.Path).Output()
	if err != nil {
		t.Fatalf("read %s@%s:%s: %v", l.Repo, l.Commit, l.Path, err)
	}
	return out
}

func langOf(p string) string {
	switch path.Ext(p) {
	case ".py":
		return "Python"
	case ".ts", ".mts", ".cts":
		return "TypeScript"
	case ".java":
		return "Java"
	case ".rs":
		return "Rust"
	}
	return "JavaScript"
}

// innermostChunk is the shortest chunk holding line.
func innermostChunk(chunks []Chunk, line int) Chunk {
	var best Chunk
	for _, c := range chunks {
		if c.StartLine <= line && line <= c.EndLine && (best.EndLine == 0 || c.Lines() < best.Lines()) {
			best = c
		}
	}
	return best
}

// judge says whether the chunk of the sampled line names its definition —
// the definition itself with its parent, or an enclosing definition whose
// chunk holds it whole (a small class is one chunk) — and whether the
// definition's boundaries are kept: one chunk from its comments to its end
// (a big definition's header chunk may end early, the last chunk inside a
// block takes the block's closing lines), or wholly inside the
// chunk of an enclosing definition.
func judge(chunks []Chunk, l symbolLabel, s *source) (named, bounded bool) {
	c := innermostChunk(chunks, l.Line)
	if sameSymbol(c, l.Symbol, l.Parents) {
		named = true
	} else if c.StartLine <= l.Start && l.End <= c.EndLine {
		for i := range l.Parents {
			if sameSymbol(c, l.Parents[i], l.Parents[:i]) {
				named = true
			}
		}
	}
	d := innermostChunk(chunks, l.Start)
	switch {
	case sameSymbol(d, l.Symbol, l.Parents):
		bounded = d.StartLine <= l.Start && onlyPrefix(s, d.StartLine, l.Start-1) &&
			((d.EndLine >= l.End && onlyClosers(s, l.End+1, d.EndLine)) || (d.EndLine < l.End && l.End-l.Start+1 > bigNode))
	case d.StartLine <= l.Start && l.End <= d.EndLine:
		for i := range l.Parents {
			if sameSymbol(d, l.Parents[i], l.Parents[:i]) {
				bounded = true
			}
		}
	}
	return named, bounded
}

// generics strips type arguments so that impl From<T> for Foo<T> and the
// label's impl From for Foo compare equal.
var generics = regexp.MustCompile(`<[^<>]*>`)

func normSymbol(s string) string {
	for generics.MatchString(s) {
		s = generics.ReplaceAllString(s, "")
	}
	return strings.Join(strings.Fields(s), " ")
}

// sameSymbol compares a chunk's name and innermost parent with a label's.
// A Rust impl chunk ("impl Display for Foo") answers to its type's name,
// which is what the label's Parents hold for the impl's methods.
func sameSymbol(c Chunk, symbol string, parents []string) bool {
	name := normSymbol(c.Symbol)
	if c.SymbolKind == "impl" && !strings.HasPrefix(symbol, "impl ") {
		f := strings.Fields(name)
		name = f[len(f)-1]
	}
	if name != normSymbol(symbol) {
		return false
	}
	last := func(p []string) string {
		if len(p) == 0 {
			return ""
		}
		return p[len(p)-1]
	}
	return last(c.Parents) == last(parents)
}

// onlyPrefix reports whether lines a..b hold only what may open a
// definition: comments (block comments whose lines carry no asterisk
// too), doc comments, decorators, annotations, attributes.
func onlyPrefix(s *source, a, b int) bool {
	inBlock := false
	for i := a; i <= b; i++ {
		t := strings.TrimSpace(s.line(i))
		switch {
		case inBlock:
			inBlock = !strings.Contains(t, "*/")
		case strings.HasPrefix(t, "/*"):
			inBlock = !strings.Contains(t[2:], "*/")
		case t != "" && !strings.HasPrefix(t, "//") && !strings.HasPrefix(t, "*") && !strings.HasPrefix(t, "#") &&
			!strings.HasPrefix(t, "@") && !strings.HasPrefix(t, ")"):
			return false
		}
	}
	return true
}
