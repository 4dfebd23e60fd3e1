package logs

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/drain"
)

// maxTemplateWidth bounds a template in the Markdown table.
const maxTemplateWidth = 160

// Markdown is the summary as a table: errors first, then by count, at
// most top templates (all when top < 0).
func Markdown(out Output, top int) string {
	s := out.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %d lines, %d events, %d templates\n\nFormats: %s\n\n", out.Source, s.Lines, s.Records, out.Total(), counts(s.Formats))
	for _, note := range []string{strings.TrimPrefix(s.Note, "; "), cutNote(out.Cut)} {
		if note != "" {
			fmt.Fprintf(&b, "> %s\n\n", note)
		}
	}
	if len(s.Templates) == 0 {
		b.WriteString("No events.\n")
		return b.String()
	}
	b.WriteString("Errors first, then the most frequent.\n\n| id | count | levels | first seen | last seen | lines | template |\n|---:|---:|---|---|---|---|---|\n")
	for i, t := range s.Templates {
		if top >= 0 && i == top {
			fmt.Fprintf(&b, "\n… %d more templates: raise top to list them here; the structured output (--json) has every one\n", len(s.Templates)-top)
			break
		}
		row(&b, t)
	}
	return b.String()
}

func row(b *strings.Builder, t drain.Template) {
	tmpl := strings.ReplaceAll(shorten(t.Template, maxTemplateWidth), "|", `\|`)
	fmt.Fprintf(b, "| %d | %d | %s | %s | %s | %d–%d | `%s` |\n", t.ID, t.Count, counts(t.Levels), stamp(t.FirstSeen), stamp(t.LastSeen), t.FirstLine, t.LastLine, tmpl)
}

// shorten cuts s to about width bytes at a space, never inside a word: the
// server's credential redactor judges a secret by its whole token and the
// words before it, and half a token (https://user:pass without its @host)
// would slip past it.
func shorten(s string, width int) string {
	if len(s) <= width {
		return s
	}
	cut := strings.LastIndexByte(s[:width-3], ' ')
	if cut <= 0 {
		return "..." // one long word: nothing of it is safe to show
	}
	return s[:cut] + " ..."
}

// counts is "a 3, b 1", sorted by name.
func counts(m map[string]int) string {
	parts := make([]string, 0, len(m))
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// Total is how many templates the log has, with those cut to fit the
// budget.
func (out Output) Total() int {
	if out.Cut == nil {
		return len(out.Templates)
	}
	return len(out.Templates) + out.Cut.Templates
}

func cutNote(c *Cut) string {
	if c == nil {
		return ""
	}
	return c.Note
}
