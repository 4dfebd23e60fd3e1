// Package search is search_context: hybrid search over the project's specs,
// code, tests and logs, with filters and a token budget, every hit cited by
// URI and line range. The plain API here is shared by `devai search` and the
// MCP binding in mcp.go, so both faces give the same answers.
package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/textindex"
	"github.com/devaiops/devai/tools/tool"
)

// Limits of one search, so a single call can neither flood the assistant's
// context nor ask the index for unbounded work.
const (
	DefaultLimit     = 10
	MaxLimit         = 50
	DefaultMaxTokens = 4000
	MaxMaxTokens     = 32000
)

// Input is one search_context call.
type Input struct {
	Query     string   `json:"query" cli:"-" jsonschema:"What to look for: a question in plain words, an identifier, an error message or stack trace as printed, or a requirement ID (FR-012). Adding the names the code likely uses (parseParams, ErrTimeout) finds code that plain words miss."`
	Kinds     []string `json:"kinds,omitempty" jsonschema:"Only these kinds: spec, code, test, log. Empty: all four."`
	Path      string   `json:"path,omitempty" jsonschema:"Only paths matching this glob, e.g. internal/**/*.go or specs/*.md."`
	Language  string   `json:"language,omitempty" jsonschema:"Only this language, e.g. Go, Python, Markdown, OpenAPI, Gherkin, Log."`
	Since     string   `json:"since,omitempty" jsonschema:"Logs only: events at or after this time: RFC 3339 (2024-05-01T10:00:00Z), a date (2024-05-01) or an age before now (15m, 2h, 7d)."`
	Until     string   `json:"until,omitempty" jsonschema:"Logs only: events before this time, in the same forms."`
	Limit     int      `json:"limit,omitempty" jsonschema:"Hits to return, 1 to 50 (default 10)."`
	MaxTokens int      `json:"max_tokens,omitempty" jsonschema:"Token budget for all snippets together (default 4000, at most 32000)."`
	FileLevel bool     `json:"file_level,omitempty" jsonschema:"One hit per file instead of one per chunk."`
}

// Hit is one cited result.
type Hit struct {
	URI          string   `json:"uri" jsonschema:"devai:// URI of the hit with its line range; read it as an MCP resource."`
	Path         string   `json:"path" jsonschema:"Repository-relative path."`
	Kind         string   `json:"kind" jsonschema:"spec, code, test or log."`
	Language     string   `json:"language,omitempty"`
	StartLine    int      `json:"start_line" jsonschema:"First line of the snippet, 1-based."`
	EndLine      int      `json:"end_line" jsonschema:"Last line of the snippet, inclusive."`
	Symbol       string   `json:"symbol,omitempty" jsonschema:"The function, type, section, operation or scenario the hit is in."`
	SymbolKind   string   `json:"symbol_kind,omitempty"`
	Score        float64  `json:"score"`
	Why          string   `json:"why" jsonschema:"Why it matched: the channels and terms."`
	Snippet      string   `json:"snippet"`
	Truncated    bool     `json:"truncated,omitempty" jsonschema:"The snippet was cut to fit the token budget; read the URI for all of it."`
	Tokens       int      `json:"tokens"`
	Requirements []string `json:"requirements,omitempty" jsonschema:"Requirement IDs defined or referenced here."`
	TestNames    []string `json:"test_names,omitempty"`
	Time         string   `json:"time,omitempty" jsonschema:"Logs: the event time (RFC 3339)."`
	Level        string   `json:"level,omitempty" jsonschema:"Logs: the event level."`
	Templates    []string `json:"templates,omitempty" jsonschema:"Logs: the message templates of the hit's events, each with its count in the file, levels and first/last time."`
}

// Output is the answer to one call.
type Output struct {
	Hits   []Hit  `json:"hits"`
	Tokens int    `json:"tokens" jsonschema:"Snippet tokens returned, all hits together."`
	Total  int    `json:"total" jsonschema:"Candidates found before the limit."`
	Index  string `json:"index" jsonschema:"ready; indexing N% while the first sync runs (results may be incomplete); empty when nothing is indexed yet (run devai index)."`
}

// ToQuery validates in and builds the memory query it asks for.
func ToQuery(in Input) (memory.Query, error) {
	q := memory.Query{Text: strings.TrimSpace(in.Query), PathGlob: strings.TrimSpace(in.Path),
		Language: strings.TrimSpace(in.Language), FileLevel: in.FileLevel}
	if q.Text == "" {
		return q, tool.Inputf("query is empty: pass a few words, an identifier, an error message or a requirement ID to look for")
	}
	for _, k := range in.Kinds {
		kind, ok := chunk.ParseKind(k)
		if !ok {
			return q, tool.Inputf("unknown kind %q: use any of spec, code, test, log (or leave kinds empty for all)", k)
		}
		q.Kinds = append(q.Kinds, kind)
	}
	if q.PathGlob != "" {
		if _, err := textindex.CompileGlob(q.PathGlob); err != nil {
			return q, tool.Inputf("path %q is not a valid glob (%v): use forms like internal/**/*.go or specs/*.md", in.Path, err)
		}
	}
	window, err := tool.ParseTimeRange(in.Since, in.Until, time.Now())
	if err != nil {
		return q, tool.Input(err)
	}
	q.Since, q.Until = window.Since, window.Until
	switch {
	case in.Limit < 0 || in.Limit > MaxLimit:
		return q, tool.Inputf("limit %d is out of range: use 1 to %d", in.Limit, MaxLimit)
	case in.Limit == 0:
		q.Limit = DefaultLimit
	default:
		q.Limit = in.Limit
	}
	switch {
	case in.MaxTokens < 0 || in.MaxTokens > MaxMaxTokens:
		return q, tool.Inputf("max_tokens %d is out of range: use 1 to %d", in.MaxTokens, MaxMaxTokens)
	case in.MaxTokens == 0:
		q.MaxTokens = DefaultMaxTokens
	default:
		q.MaxTokens = in.MaxTokens
	}
	return q, nil
}

// Run answers one search. A nil index, or a fault of the index, is an error
// that is not an InputError.
func Run(ctx context.Context, ix *memory.Index, in Input) (Output, error) {
	q, err := ToQuery(in)
	if err != nil {
		return Output{Hits: []Hit{}}, err
	}
	if ix == nil {
		return Output{Hits: []Hit{}}, errors.New("search: the index is not open")
	}
	res, err := ix.Search(ctx, q)
	if err != nil {
		return Output{Hits: []Hit{}}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	return FromResult(res), nil
}

// FromResult converts a memory result to the tool's output, with empty (not
// nil) slices so the structured output validates against its schema.
func FromResult(res memory.Result) Output {
	out := Output{Hits: make([]Hit, 0, len(res.Hits)), Tokens: res.Tokens, Total: res.Total, Index: res.Index}
	if out.Index == "" {
		out.Index = "ready"
	}
	for _, h := range res.Hits {
		hit := Hit{URI: h.URI, Path: h.Path, Kind: string(h.Kind), Language: h.Language,
			StartLine: h.StartLine, EndLine: h.EndLine, Symbol: h.Symbol, SymbolKind: h.SymbolKind,
			Score: h.Score, Why: h.Why, Snippet: h.Snippet, Truncated: h.Truncated, Tokens: h.Tokens,
			Requirements: h.Requirements, TestNames: h.TestNames, Level: h.Level}
		if !h.Time.IsZero() {
			hit.Time = h.Time.Format(time.RFC3339)
		}
		if h.Kind == chunk.Log && h.Signature != "" {
			hit.Templates = strings.Split(h.Signature, "\n")
		}
		out.Hits = append(out.Hits, hit)
	}
	return out
}
