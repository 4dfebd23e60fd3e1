package trace

import (
	"fmt"
	"path"
	"strings"

	"github.com/devaiops/devai/memory"
)

// Markdown renders the answer for a human or an assistant: the suspects
// with their evidence first, then the errors found.
func Markdown(out Output) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Root cause analysis of %s\n\n", out.Source)
	for _, n := range out.Notes {
		fmt.Fprintf(&b, "> %s\n\n", n)
	}
	for _, e := range out.Errors {
		if e.Environment != "" && e.RootCause {
			fmt.Fprintf(&b, "> **Likely the environment, not the code:** %s — %s.\n\n", label(e), e.Environment)
		}
	}
	if len(out.Suspects) == 0 {
		b.WriteString("No suspects: nothing in the input points into this repository.\n\n")
	}
	for _, s := range out.Suspects {
		name := s.Symbol
		if name == "" {
			name = s.Func
		}
		fmt.Fprintf(&b, "## %d. `%s` — %s:%d (score %.3f)\n\n", s.Rank, name, s.Path, s.Line, s.Score)
		fmt.Fprintf(&b, "%s\n\n", s.Hypothesis)
		fmt.Fprintf(&b, "- Code: %s\n", s.URI)
		fmt.Fprintf(&b, "- Score: %s\n", strings.Join(s.Why, "; "))
		if len(s.Blame) > 0 {
			b.WriteString("- Blame:\n")
			for _, bl := range s.Blame {
				mark := " "
				if bl.Line == s.Line {
					mark = "▶"
				}
				fmt.Fprintf(&b, "  - %s L%d `%s` — %s %s, %s: %s\n", mark, bl.Line, bl.Text, short(bl.Hash), bl.Author, day(bl.Time), bl.Summary)
			}
		}
		if len(s.Commits) > 0 {
			b.WriteString("- Recent commits to the file:\n")
			for _, c := range s.Commits {
				fmt.Fprintf(&b, "  - %s %s %s: %s\n", short(c.Hash), day(c.Time), c.Author, c.Subject)
			}
		}
		title := "Tests that reach it"
		if s.TestsTotal > len(s.Tests) {
			title = fmt.Sprintf("Tests that reach it (%d; the %d nearest)", s.TestsTotal, len(s.Tests))
		}
		refs(&b, title, s.Tests, "none")
		if len(s.Requires) > 0 {
			fmt.Fprintf(&b, "- Requirements named in the code: %s\n", strings.Join(s.Requires, ", "))
		}
		refs(&b, "Specs", s.Specs, "none found")
		refs(&b, "Similar events in the indexed logs", s.PastEvents, "none found")
		fmt.Fprintf(&b, "- Test to write: %s\n\n", s.WriteTest)
	}
	if len(out.Reproduction) > 0 {
		b.WriteString("## Reproduction hints\n\n")
		for _, r := range out.Reproduction {
			fmt.Fprintf(&b, "- %s\n", r)
		}
		b.WriteString("\n")
	}
	windowMarkdown(&b, out)
	if len(out.BeforeFailure) > 0 {
		b.WriteString("## Rare events before every failure\n\n")
		for _, p := range out.BeforeFailure {
			fmt.Fprintf(&b, "- `%s` (%d times in the logs, within 90 s before each of the %d failures; %s before the first): %s — %s\n", p.Template, p.Count, p.Before, p.Lead, p.URI, p.Example)
		}
		b.WriteString("\n")
	}
	if len(out.Errors) > 0 {
		b.WriteString("## Errors found\n\n")
		for _, e := range out.Errors {
			root := ""
			if e.RootCause {
				root = ", root cause"
			}
			if e.Warning {
				root = ", a warning printed on the way"
			}
			where := fmt.Sprintf("lines %d–%d", e.StartLine, e.EndLine)
			if e.URI != "" {
				where = e.URI
			}
			fmt.Fprintf(&b, "- **%s** %s (%s, ×%d%s)\n", e.Lang, label(e), where, e.Count, root)
			for _, f := range e.Frames {
				where := f.File
				if f.Path != "" {
					where = f.Path
				}
				app := ""
				if f.InApp {
					app = " ◀ in repo"
				}
				switch {
				case f.Built && f.InApp:
					app += fmt.Sprintf(" (printed as %s:%d, a build of this repository: placed by the function's name)", path.Base(f.File), f.PrintedLine)
				case f.PrintedLine != 0:
					app += fmt.Sprintf(" (printed line %d: the function is here in this checkout)", f.PrintedLine)
				}
				fmt.Fprintf(&b, "  - `%s` %s:%d%s\n", f.Func, where, f.Line, app)
			}
		}
	}
	if out.Index == "empty" {
		fmt.Fprintf(&b, "\n_index: %s_\n", memory.EmptyIndexNote)
	} else {
		fmt.Fprintf(&b, "\n_index: %s_\n", out.Index)
	}
	return b.String()
}

func refs(b *strings.Builder, title string, rs []Ref, none string) {
	if len(rs) == 0 {
		fmt.Fprintf(b, "- %s: %s\n", title, none)
		return
	}
	fmt.Fprintf(b, "- %s:\n", title)
	for _, r := range rs {
		text := r.Symbol
		if r.Text != "" {
			if text != "" {
				text += " — "
			}
			text += r.Text
		}
		fmt.Fprintf(b, "  - %s %s\n", r.URI, text)
	}
}

func day(rfc string) string { return rfc[:min(len(rfc), 10)] }

// windowMarkdown renders the time range read and the failing requests
// with their timeline.
func windowMarkdown(b *strings.Builder, out Output) {
	if w := out.Window; w != nil {
		b.WriteString("## Time window\n\n")
		since, until := w.Since, w.Until
		if since == "" {
			since = "the start"
		}
		if until == "" {
			until = "the end"
		}
		fmt.Fprintf(b, "From %s until %s: %d events in %s; %d errors or stack traces; %d events analysed.\n\n",
			since, until, w.Events, strings.Join(w.Logs, ", "), w.Errors, w.Analysed)
	}
	if len(out.Requests) > 0 {
		b.WriteString("## Requests of the failure\n\n")
		for _, r := range out.Requests {
			span := ""
			if r.First != "" {
				span = ", " + r.First
				if r.Last != r.First {
					span += " … " + r.Last
				}
			}
			fmt.Fprintf(b, "- `%s=%s`: %d events in %s%s\n", r.Key, r.ID, r.Events, strings.Join(r.Logs, ", "), span)
			for _, e := range r.Errors {
				fmt.Fprintf(b, "  - %s\n", e)
			}
		}
		b.WriteString("\n")
	}
	if len(out.Timeline) > 0 {
		b.WriteString("## Timeline\n\n")
		for _, e := range out.Timeline {
			when := e.Time
			if when == "" {
				when = "(no time)"
			}
			level := e.Level
			if level == "" {
				level = "-"
			}
			fmt.Fprintf(b, "- %s %s %s `%s` — %s\n", when, level, e.URI, e.ID, e.Message)
		}
		b.WriteString("\n")
	}
}
