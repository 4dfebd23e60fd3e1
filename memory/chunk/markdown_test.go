package chunk

import (
	"reflect"
	"strings"
	"testing"
)

const specMD = `---
title: Login
status: Draft
---
# Feature: User login

Intro text for the feature.

## Requirements

- **FR-012**: The system SHALL lock an account after 5 failed logins.
- **FR-013**: WHEN a session expires THE service SHALL delete it.

### Notes

` + "```go" + `
# not a heading inside a fence
func main() {}
` + "```" + `

Setext Title
============

Body under setext.

Sub setext
----------

- item
---

## Short
One line.
`

func TestSplitMarkdown(t *testing.T) {
	chunks := splitMarkdown("specs/login.md", []byte(specMD))
	checkChunks(t, []byte(specMD), chunks)

	fm := chunks[0]
	if fm.SymbolKind != "frontmatter" || fm.StartLine != 1 || fm.EndLine != 4 {
		t.Errorf("front matter chunk = %+v", fm)
	}
	tests := []struct {
		symbol     string
		start, end int
		parents    []string
		reqs       []string
	}{
		{"Feature: User login", 5, 7, nil, nil},
		{"Requirements", 9, 12, []string{"Feature: User login"}, []string{"FR-012", "FR-013"}},
		{"Notes", 14, 19, []string{"Feature: User login", "Requirements"}, nil},
		{"Setext Title", 21, 24, nil, nil},
		{"Sub setext", 26, 30, []string{"Setext Title"}, nil},
		{"Short", 32, 33, []string{"Setext Title"}, nil},
	}
	for _, tt := range tests {
		c := findChunk(t, chunks, tt.symbol)
		if c.StartLine != tt.start || c.EndLine != tt.end {
			t.Errorf("%s: lines %d-%d, want %d-%d", tt.symbol, c.StartLine, c.EndLine, tt.start, tt.end)
		}
		if !reflect.DeepEqual(c.Parents, tt.parents) {
			t.Errorf("%s: parents %q, want %q", tt.symbol, c.Parents, tt.parents)
		}
		if !reflect.DeepEqual(c.Requirements, tt.reqs) {
			t.Errorf("%s: requirements %q, want %q", tt.symbol, c.Requirements, tt.reqs)
		}
		if c.SymbolKind != "section" {
			t.Errorf("%s: kind %q", tt.symbol, c.SymbolKind)
		}
	}
	req := findChunk(t, chunks, "Requirements")
	if len(req.Shall) != 2 || !strings.HasPrefix(req.Shall[0], "FR-012") {
		t.Errorf("shall = %q", req.Shall)
	}
	for _, c := range chunks {
		if strings.Contains(c.Symbol, "not a heading") {
			t.Errorf("heading found inside a fence: %q", c.Symbol)
		}
	}
}

func TestSplitMarkdownLongSection(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Big\n\n")
	for p := 0; p < 40; p++ {
		b.WriteString("Paragraph line one.\nParagraph line two.\nLine three.\n\n")
		if p == 20 {
			b.WriteString("```\n")
			for i := 0; i < 200; i++ {
				b.WriteString("code\n")
			}
			b.WriteString("```\n\n")
		}
	}
	content := []byte(b.String())
	chunks := splitMarkdown("big.md", content)
	checkChunks(t, content, chunks)
	if len(chunks) < 3 {
		t.Fatalf("long section not cut: %d chunks", len(chunks))
	}
	s := newSource(content)
	for _, c := range chunks {
		if c.Symbol != "Big" {
			t.Errorf("piece lost its heading: %q", c.Symbol)
		}
		if strings.Count(c.Text, "```")%2 != 0 {
			t.Errorf("piece %d-%d cuts a fence", c.StartLine, c.EndLine)
		}
		if c.StartLine > 1 && !s.blank(c.StartLine-1) {
			t.Errorf("piece starts mid-paragraph at %d", c.StartLine)
		}
	}
}

func TestSplitMarkdownNoHeadings(t *testing.T) {
	content := []byte("just text\n\nmore text\n")
	chunks := splitMarkdown("x.md", content)
	checkChunks(t, content, chunks)
	if len(chunks) != 1 || chunks[0].Symbol != "" {
		t.Errorf("chunks = %+v", chunks)
	}
}
