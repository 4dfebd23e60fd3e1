// Package logs is summarize_log: a log file or pasted log lines reduced to
// their templates (Drain, He et al., 2017), each with its count, levels,
// first and last seen and the lines it spans, errors first and then the
// most frequent, so an assistant sees a log's shape in a few kilobytes.
package logs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/devaiops/devai/memory/drain"
	"github.com/devaiops/devai/memory/walk"
	"github.com/devaiops/devai/tools/tool"
)

// Defaults and bounds of the input.
const (
	DefaultSim      = 0.4
	DefaultDepth    = 4
	DefaultTop      = 50
	DefaultMaxBytes = 4 << 30 // a file is streamed: memory grows with templates, not bytes
	// MaxTextBytes bounds what the command line reads of stdin into text,
	// which travels whole in the call (and in its decision record).
	MaxTextBytes = 16 << 20
)

// Input is what summarize_log takes: text, or a log to read, and the
// miner's knobs.
type Input struct {
	Text     string  `json:"text,omitempty" cli:"-" jsonschema:"Log lines pasted as text: JSON lines (slog, zap, zerolog, logrus, pino), OpenTelemetry JSON, docker and CRI container logs, logfmt or plain text"`
	Path     string  `json:"path,omitempty" cli:"-" jsonschema:"Instead of text: a log file inside the repository (repo-relative) or an indexed log URI such as devai://log/logs/worker.log or devai://log/logs/worker.log#L1-L400"`
	Sim      float64 `json:"sim,omitempty" jsonschema:"Drain similarity threshold, above 0 and at most 1 (default 0.4): higher splits messages into more templates"`
	Depth    int     `json:"depth,omitempty" jsonschema:"Drain tree depth, 3 or more (default 4)"`
	Top      int     `json:"top,omitempty" cli:"-" jsonschema:"Templates to list in the Markdown text (default 50; -1: all); the structured output has every template"`
	Lines    bool    `json:"lines,omitempty" jsonschema:"Add each input line's template ID to the structured output (line_templates; 0 = a blank line)"`
	MaxBytes int64   `json:"max_bytes,omitempty" jsonschema:"Stop after this many bytes of input, and say so (default 4 GiB)"`
}

// Output is the summary: drain.Summary's fields, what was read, and what
// was left out to fit the answer budget.
type Output struct {
	// Source is "text", the repo-relative path or URI read, or (on the
	// command line) the file's path.
	Source string `json:"source"`
	drain.Summary
	// Cut says what was left out to fit the answer budget, when anything was.
	Cut *Cut `json:"cut,omitempty"`
}

// Cut is what Shrink left out of an answer.
type Cut struct {
	Templates     int    `json:"templates"`      // templates dropped, the rarest non-error ones first
	LineTemplates bool   `json:"line_templates"` // line_templates dropped
	Examples      bool   `json:"examples"`       // examples shortened
	Note          string `json:"note"`           // the same in words, with what to do instead
}

// check refuses what no run can answer and fills in the defaults.
func check(in *Input) error {
	hasText, hasPath := in.Text != "", strings.TrimSpace(in.Path) != ""
	switch {
	case hasText && hasPath:
		return tool.Inputf("give text or path, not both")
	case !hasText && !hasPath:
		return tool.Inputf("nothing to summarise; pass text (log lines) or path (a log file in the repository, or a devai://log/... URI)")
	case in.Sim < 0 || in.Sim > 1:
		return tool.Inputf("sim %v: use a number above 0 and at most 1 (default %v)", in.Sim, DefaultSim)
	case in.Depth != 0 && in.Depth < 3:
		return tool.Inputf("depth %d: use 3 or more (default %d)", in.Depth, DefaultDepth)
	case in.MaxBytes < 0:
		return tool.Inputf("max_bytes %d: use a positive number of bytes (default 4 GiB)", in.MaxBytes)
	}
	in.Path = strings.TrimSpace(in.Path)
	if in.Sim == 0 {
		in.Sim = DefaultSim
	}
	if in.Depth == 0 {
		in.Depth = DefaultDepth
	}
	if in.Top == 0 {
		in.Top = DefaultTop
	}
	if in.MaxBytes == 0 {
		in.MaxBytes = DefaultMaxBytes
	}
	return nil
}

// Run summarises the log in names. It streams a file: memory grows with
// the number of templates, not with the log (line_templates aside).
func Run(ctx context.Context, env tool.Env, in Input) (Output, error) {
	if err := check(&in); err != nil {
		return Output{}, err
	}
	r, source, err := open(env, in)
	if err != nil {
		return Output{}, err
	}
	defer r.Close()
	s, err := drain.Summarize(ctxReader{ctx, r}, drain.SummaryOptions{
		Drain: drain.Options{SimTh: in.Sim, Depth: in.Depth}, MaxBytes: in.MaxBytes, Lines: in.Lines,
	})
	if cerr := ctx.Err(); cerr != nil {
		return Output{}, cerr
	}
	if err != nil {
		return Output{}, fmt.Errorf("read %s: %w", source, err)
	}
	if s.Truncated {
		s.Note = strings.Replace(s.Note, "raise --max-bytes", "raise max_bytes: --max-bytes on the command line", 1)
	}
	return Output{Source: source, Summary: s}, nil
}

// open is the log to read and its name: the text, an indexed log, a file
// inside the repository, or, for the user's own command line, any file.
func open(env tool.Env, in Input) (io.ReadCloser, string, error) {
	p := in.Path
	switch {
	case p == "":
		return io.NopCloser(strings.NewReader(in.Text)), "text", nil
	case env.Local && filepath.IsAbs(p):
		return openLocal(p)
	case env.Index == nil:
		return nil, "", errors.New("the index is not open, so a path cannot be found in the repository; pass the log as text")
	case strings.HasPrefix(p, "devai://"):
		doc, err := env.Index.Read(p)
		if err != nil {
			return nil, "", tool.Inputf("cannot read %s: %v; pass a devai://log/... URI from search_context, or a repo-relative path", p, err)
		}
		return io.NopCloser(strings.NewReader(doc.Text)), p, nil
	}
	f, rel, err := walk.OpenInRepo(env.Index.Repo(), p)
	if errors.Is(err, walk.ErrOutsideRepo) {
		return nil, "", tool.Inputf("%v; over MCP devai reads only files inside it. Pass the log's lines as text, or run devai logs FILE on the command line, which reads any file", err)
	}
	if err != nil {
		return nil, "", tool.Inputf("%v; pass a log file inside the repository (repo-relative), or the log's lines as text", err)
	}
	return f, rel, nil
}

// openLocal opens a file the user named on their own command line, which
// may lie anywhere.
func openLocal(p string) (io.ReadCloser, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, "", tool.Inputf("cannot read %s: %v", p, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, "", tool.Inputf("%s is a folder; name one log file", p)
	}
	return f, p, nil
}

// ctxReader stops a long read when the call is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
