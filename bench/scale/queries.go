package main

import (
	"bufio"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// benchQuery is one timed search: an identifier as a developer would paste
// it, or a sentence from a doc comment as a developer would ask it.
type benchQuery struct {
	Text  string `json:"text"`
	Class string `json:"class"` // "identifier" or "question"
}

// treeScan is what the bench needs from the tree: names and doc sentences of
// its functions, and the Go files it may edit.
type treeScan struct {
	funcs, docs, goFiles []string
}

var funcLine = regexp.MustCompile(`^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)\s*[\[(]`)

// scanTree reads the non-test Go files under root, outside vendor and
// testdata, in a stable order.
func scanTree(root string) (treeScan, error) {
	var s treeScan
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "vendor" || name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		s.goFiles = append(s.goFiles, filepath.ToSlash(rel))
		return scanGoFile(p, &s)
	})
	return s, err
}

// scanGoFile collects function names and the first sentence of their doc
// comments, without the leading name, so the question does not contain the
// identifier it should find.
func scanGoFile(path string, s *treeScan) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var doc []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "//"); ok {
			doc = append(doc, strings.TrimSpace(c))
			continue
		}
		if m := funcLine.FindStringSubmatch(line); m != nil {
			name := m[1]
			if len(name) >= 6 {
				s.funcs = append(s.funcs, name)
			}
			if q := docQuestion(name, doc); q != "" {
				s.docs = append(s.docs, q)
			}
		}
		doc = doc[:0]
	}
	return sc.Err()
}

func docQuestion(name string, doc []string) string {
	text := strings.Join(doc, " ")
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i]
	}
	text = strings.TrimSuffix(strings.TrimSpace(text), ".")
	rest, ok := strings.CutPrefix(text, name+" ")
	if !ok || len(strings.Fields(rest)) < 5 || strings.HasPrefix(rest, "is deprecated") {
		return ""
	}
	return rest
}

// pickQueries draws n queries, half identifiers and half questions where the
// tree has enough, the same ones on every run.
func pickQueries(s treeScan, n int, rng *rand.Rand) []benchQuery {
	funcs := shuffled(unique(s.funcs), rng)
	docs := shuffled(unique(s.docs), rng)
	nDocs := min(n/2, len(docs))
	var out []benchQuery
	for _, d := range docs[:nDocs] {
		out = append(out, benchQuery{Text: d, Class: "question"})
	}
	for _, f := range funcs[:min(n-nDocs, len(funcs))] {
		out = append(out, benchQuery{Text: f, Class: "identifier"})
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func unique(xs []string) []string {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return slices.Compact(xs)
}

func shuffled(xs []string, rng *rand.Rand) []string {
	rng.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	return xs
}
