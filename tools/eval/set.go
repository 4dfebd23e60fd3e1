// Package eval measures retrieval quality: it runs a golden set of queries
// through a searcher (devai eval wires in search_context's own path) and
// scores the files each query returns against the files it should return,
// so the quality of the context layer is a number that CI can guard.
package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Case is one line of a golden set. Expect lists the files that answer the
// query, as repository-relative paths or devai:// URIs (a line range is
// ignored: scoring is at file level). Files is accepted for Expect so that
// sets built by bench/locset run as they are.
type Case struct {
	Query  string   `json:"query"`
	Kinds  []string `json:"kinds,omitempty"`
	Expect []string `json:"expect"`
	Files  []string `json:"files,omitempty"`
	Line   int      `json:"-"` // 1-based line in the set file
}

// validKinds are the kinds a case may filter on.
var validKinds = []string{"spec", "code", "test", "log"}

// LoadSet reads a golden set: one JSON object per line, blank lines and
// lines starting with # or // skipped. Every problem names its line.
func LoadSet(r io.Reader) ([]Case, error) {
	var cases []Case
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, "//") {
			continue
		}
		var c Case
		dec := json.NewDecoder(strings.NewReader(text))
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("line %d: not a JSON object like {\"query\": \"...\", \"expect\": [\"path\"]}: %w", line, err)
		}
		c.Line = line
		c.Query = strings.TrimSpace(c.Query)
		if c.Query == "" {
			return nil, fmt.Errorf("line %d: query is empty", line)
		}
		c.Expect = append(c.Expect, c.Files...)
		c.Files = nil
		for i, e := range c.Expect {
			c.Expect[i] = ExpectedPath(e)
		}
		c.Expect = slices.DeleteFunc(c.Expect, func(s string) bool { return s == "" })
		if len(c.Expect) == 0 {
			return nil, fmt.Errorf("line %d: expect is empty: list the paths or devai:// URIs that answer %q", line, c.Query)
		}
		for _, k := range c.Kinds {
			if !slices.Contains(validKinds, k) {
				return nil, fmt.Errorf("line %d: unknown kind %q: use %s", line, k, strings.Join(validKinds, ", "))
			}
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the golden set (line %d): %w", line, err)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("the golden set has no queries: write one JSON object per line, e.g. {\"query\": \"session expiry\", \"expect\": [\"internal/sessions/store.go\"]}")
	}
	return cases, nil
}

// ExpectedPath turns a path or a devai:// URI (devai://code/a/b.go#L3-L9)
// into the repository-relative path it names.
func ExpectedPath(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "devai://"); ok {
		if _, p, found := strings.Cut(rest, "/"); found {
			s = p
		} else {
			s = ""
		}
		s, _, _ = strings.Cut(s, "#")
	}
	return strings.TrimPrefix(s, "./")
}
