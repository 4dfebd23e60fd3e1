package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/drain"
	"github.com/devaiops/devai/memory/redact"
)

type logsConfig struct {
	JSON     bool
	Lines    bool
	MaxBytes int64
	SimTh    float64
	Depth    int
	Limit    int
}

func logsCommand(stdin io.Reader, stdout, stderr io.Writer) *command {
	cfg := &logsConfig{}
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	fs.BoolVar(&cfg.JSON, "json", false, "print the summary as JSON")
	fs.BoolVar(&cfg.Lines, "lines", false, "with --json: add each input line's template ID (line_templates; 0 = a blank line)")
	fs.Int64Var(&cfg.MaxBytes, "max-bytes", 4<<30, "stop after this many `bytes` of input, and say so")
	fs.Float64Var(&cfg.SimTh, "sim", 0.4, "Drain similarity threshold, 0 to 1")
	fs.IntVar(&cfg.Depth, "depth", 4, "Drain tree depth (at least 3)")
	fs.IntVar(&cfg.Limit, "top", 50, "templates to show in the Markdown summary (0: all)")
	c := &command{
		name:    "logs",
		summary: "Summarise a log: its templates with counts, levels, first and last seen, errors first.",
		usage:   "FILE|- [flags]",
		details: `
Reads JSON lines (slog, zap, zerolog, logrus, pino), OpenTelemetry JSON,
docker and CRI container logs, logfmt and plain text; a stack trace is one
event. Messages are grouped into templates with Drain (He et al., 2017).
The input is streamed: memory grows with the number of templates, not with
the log (except --lines). - reads stdin.`,
		flags: fs,
	}
	c.run = func(args []string) error {
		if len(args) != 1 {
			return usagef("give one log file, or - to read stdin, e.g. devai logs logs/app.jsonl")
		}
		if cfg.SimTh <= 0 || cfg.SimTh > 1 {
			return usagef("--sim %v: use a number above 0 and at most 1", cfg.SimTh)
		}
		if cfg.Depth < 3 {
			return usagef("--depth %d: use 3 or more", cfg.Depth)
		}
		if cfg.Lines && !cfg.JSON {
			return usagef("--lines needs --json (it adds one template ID per input line)")
		}
		in := stdin
		name := "stdin"
		if args[0] != "-" {
			f, err := os.Open(args[0])
			if err != nil {
				return usagef("cannot read %s: %v", args[0], err)
			}
			defer f.Close()
			if st, err := f.Stat(); err == nil && st.IsDir() {
				return usagef("%s is a folder; name one log file", args[0])
			}
			in, name = f, args[0]
		}
		return runLogs(cfg, name, in, stdout)
	}
	return c
}

func runLogs(cfg *logsConfig, name string, in io.Reader, stdout io.Writer) error {
	s, err := drain.Summarize(in, drain.SummaryOptions{
		Drain: drain.Options{SimTh: cfg.SimTh, Depth: cfg.Depth}, MaxBytes: cfg.MaxBytes, Lines: cfg.Lines,
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if err := redactSummary(&s); err != nil {
		return err
	}
	if cfg.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprint(stdout, logsMarkdown(name, s, cfg.Limit))
	return nil
}

// redactSummary hides credentials in what a summary quotes of the log: a
// template keeps a line's constant words, an example the whole first event.
func redactSummary(s *drain.Summary) error {
	r, err := redact.New()
	if err != nil {
		return err
	}
	for i := range s.Templates {
		t := &s.Templates[i]
		t.Template, t.Example = r.String(t.Template), r.String(t.Example)
	}
	return nil
}

func logsMarkdown(name string, s drain.Summary, limit int) string {
	var b strings.Builder
	formats := make([]string, 0, len(s.Formats))
	for f, n := range s.Formats {
		formats = append(formats, fmt.Sprintf("%s %d", f, n))
	}
	sort.Strings(formats)
	fmt.Fprintf(&b, "# %s: %d lines, %d events, %d templates\n\nFormats: %s\n\n", name, s.Lines, s.Records, len(s.Templates), strings.Join(formats, ", "))
	if s.Note != "" {
		fmt.Fprintf(&b, "> %s\n\n", s.Note)
	}
	if len(s.Templates) == 0 {
		b.WriteString("No events.\n")
		return b.String()
	}
	b.WriteString("Errors first, then the rarest.\n\n| id | count | levels | first seen | last seen | lines | template |\n|---:|---:|---|---|---|---|---|\n")
	for i, t := range s.Templates {
		if limit > 0 && i == limit {
			fmt.Fprintf(&b, "\n… %d more templates (--top 0 shows all, --json gives them all)\n", len(s.Templates)-limit)
			break
		}
		levels := make([]string, 0, len(t.Levels))
		for l, n := range t.Levels {
			levels = append(levels, fmt.Sprintf("%s %d", l, n))
		}
		sort.Strings(levels)
		tmpl := strings.ReplaceAll(t.Template, "|", `\|`)
		if len(tmpl) > 160 {
			tmpl = tmpl[:157] + "..."
		}
		fmt.Fprintf(&b, "| %d | %d | %s | %s | %s | %d–%d | `%s` |\n", t.ID, t.Count, strings.Join(levels, ", "), stamp(t.FirstSeen), stamp(t.LastSeen), t.FirstLine, t.LastLine, tmpl)
	}
	return b.String()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}
