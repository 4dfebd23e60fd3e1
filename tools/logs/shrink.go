package logs

import (
	"fmt"
	"strings"
)

// maxExample is what an example keeps once examples are shortened.
const maxExample = 240

// shrink makes an answer over the budget smaller, one step a call, and
// says in out.Cut what went: first the per-line template IDs, then long
// examples, then a quarter at a time of the rarest non-error templates
// (the long tail of one-off messages; the errors and the common templates
// that show the log's shape stay), and last the most frequent error
// templates, keeping one. It reports false when nothing more can go.
func shrink(out *Output) bool {
	if out.Cut == nil {
		out.Cut = &Cut{}
	}
	c := out.Cut
	switch {
	case len(out.LineTemplates) > 0:
		out.LineTemplates, c.LineTemplates = nil, true
	case !c.Examples && shortenExamples(out):
		c.Examples = true
	case dropRarestNonErrors(out):
	case dropCommonErrors(out):
	default:
		return false
	}
	c.Note = describe(c)
	return true
}

func shortenExamples(out *Output) bool {
	cut := false
	for i := range out.Templates {
		if e := out.Templates[i].Example; len(e) > maxExample {
			out.Templates[i].Example = shorten(e, maxExample)
			cut = true
		}
	}
	return cut
}

// dropRarestNonErrors drops a quarter (at least one) of the non-error
// templates, the rarest: they close the summary (errors first, then the
// most frequent).
func dropRarestNonErrors(out *Output) bool {
	ts := out.Templates
	firstNonError := 0
	for firstNonError < len(ts) && ts[firstNonError].Error {
		firstNonError++
	}
	n := (len(ts) - firstNonError + 3) / 4
	if n == 0 {
		return false
	}
	out.Templates = ts[:len(ts)-n]
	out.Cut.Templates += n
	return true
}

// dropCommonErrors drops a quarter of the error templates, the most
// frequent (the first, once only errors are left), keeping at least one:
// a crash is usually rare.
func dropCommonErrors(out *Output) bool {
	if len(out.Templates) <= 1 {
		return false
	}
	n := max(1, len(out.Templates)/4)
	out.Templates = out.Templates[n:]
	out.Cut.Templates += n
	return true
}

func describe(c *Cut) string {
	var parts []string
	if c.Templates > 0 {
		parts = append(parts, fmt.Sprintf("%d templates (the rarest non-error ones first)", c.Templates))
	}
	if c.LineTemplates {
		parts = append(parts, "line_templates")
	}
	if c.Examples {
		parts = append(parts, fmt.Sprintf("examples past %d bytes", maxExample))
	}
	return "To fit the answer budget, left out: " + strings.Join(parts, ", ") +
		". Summarise a part of the log (a devai://log/...#L1-L2000 range, or less text), or lower sim to merge templates that differ in a word or two."
}
