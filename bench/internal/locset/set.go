// Package locset builds a localization set from a git repository's history
// (a commit message as the query, the source files it changed as the answer)
// and scores a devai index on it. The index is built at a snapshot commit and
// the queries come from commits after it, so the answer is never in the index.
package locset

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Query is one line of a set file.
type Query struct {
	Commit   string   `json:"commit"`   // the commit the message comes from
	Snapshot string   `json:"snapshot"` // the commit the index is built at
	Query    string   `json:"query"`    // the cleaned message
	Files    []string `json:"files"`    // non-test source files it changed, all present at Snapshot
	// The repository (owner/name) whose mirror holds Snapshot (issue sets,
	// and commit sets built with --repo), and, issue sets only (see
	// issues.go), the issue's URL.
	Repo  string `json:"repo,omitempty"`
	Issue string `json:"issue,omitempty"`
	// Question sets only (bench/locset/questions): whether the developer
	// asks for the implementation ("code") or for its tests ("test"), the
	// symbols that answer, and why, in the words of whoever judged it.
	Asks    string   `json:"asks,omitempty"`
	Symbols []string `json:"symbols,omitempty"`
	Why     string   `json:"why,omitempty"`
}

// WriteSet writes one JSON object per line.
func WriteSet(w io.Writer, set []Query) error {
	enc := json.NewEncoder(w)
	for _, q := range set {
		if err := enc.Encode(q); err != nil {
			return fmt.Errorf("write query %s: %w", q.Commit, err)
		}
	}
	return nil
}

// ReadSet reads a set written by WriteSet. Blank lines are ignored; a line
// that is not a valid query is an error naming its line number.
func ReadSet(r io.Reader) ([]Query, error) {
	var set []Query
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var q Query
		if err := json.Unmarshal([]byte(text), &q); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if q.Query == "" || len(q.Files) == 0 {
			return nil, fmt.Errorf("line %d: a query needs \"query\" and \"files\"", line)
		}
		set = append(set, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read set: %w", err)
	}
	return set, nil
}
