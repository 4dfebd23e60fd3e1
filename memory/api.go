package memory

import (
	"fmt"
	"time"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/textindex"
)

// Query is one search over the index. Only Text is required.
type Query struct {
	Text      string
	Kinds     []chunk.Kind // empty: all kinds
	PathGlob  string       // e.g. "internal/**/*.go" (syntax: textindex.GlobRegexp); empty: every path
	Language  string       // e.g. "Go"; empty: every language
	Since     time.Time    // logs only: events at or after
	Until     time.Time    // logs only: events before
	Limit     int          // hits to return; 0 means 10
	MaxTokens int          // budget for all snippets together; 0 means 4000
	FileLevel bool         // aggregate hits to one per file
	Mode      Mode         // which channels to use; "" means hybrid

	glob textindex.Glob // PathGlob compiled by normalize
}

// Mode picks the retrieval channels, so the benchmark can compare them.
type Mode string

const (
	ModeHybrid Mode = "hybrid"
	ModeText   Mode = "text"
	ModeVector Mode = "vector"
)

// Hit is one cited search result.
type Hit struct {
	URI        string     `json:"uri"`
	Path       string     `json:"path"`
	Kind       chunk.Kind `json:"kind"` // the chunk's: test for a Rust #[cfg(test)] module in a code file, whose URI is code's
	Language   string     `json:"language,omitempty"`
	StartLine  int        `json:"start_line"`
	EndLine    int        `json:"end_line"`
	Symbol     string     `json:"symbol,omitempty"`
	SymbolKind string     `json:"symbol_kind,omitempty"`
	Signature  string     `json:"signature,omitempty"`
	Score      float64    `json:"score"`
	Why        string     `json:"why"`
	Snippet    string     `json:"snippet"`
	Truncated  bool       `json:"truncated,omitempty"` // the snippet was cut to fit the token budget
	Tokens     int        `json:"tokens"`
	// Requirements and TestNames are the traceability fields of the chunk.
	Requirements []string  `json:"requirements,omitempty"`
	TestNames    []string  `json:"test_names,omitempty"`
	Time         time.Time `json:"time,omitzero"`
	Level        string    `json:"level,omitempty"`
}

// Result is what Search returns.
type Result struct {
	Hits   []Hit  `json:"hits"`
	Tokens int    `json:"tokens"` // snippet tokens returned, all hits together
	Total  int    `json:"total"`  // candidates before the limit
	Index  string `json:"index"`  // "ready", or "indexing 42%" while a sync runs
}

// Status describes the index for devai://index and `devai index`.
type Status struct {
	Repo       string             `json:"repo"`
	StateDir   string             `json:"state_dir"`
	State      string             `json:"state"` // ready, indexing, empty
	Progress   float64            `json:"progress"`
	Files      int                `json:"files"`
	Chunks     int                `json:"chunks"`
	ByKind     map[chunk.Kind]int `json:"files_by_kind"`
	ByLanguage map[string]int     `json:"files_by_language"`
	Skipped    []Skipped          `json:"skipped"`
	SkippedBy  map[string]int     `json:"skipped_by_reason"`
	Cut        []Cut              `json:"cut,omitempty"` // files indexed only in part, by path
	LastSync   time.Time          `json:"last_sync,omitzero"`
	SyncTook   string             `json:"sync_took,omitempty"`
	Embedder   string             `json:"embedder"`
	Symbols    int                `json:"symbols"`
	Edges      int                `json:"edges"`
	LastError  string             `json:"last_error,omitempty"`
	Extra      map[string]any     `json:"extra,omitempty"`
}

// Label is the state as the tools report it beside an answer: "ready",
// "indexing 42%" or "empty".
func (s Status) Label() string {
	if s.State == "indexing" {
		return fmt.Sprintf("indexing %d%%", int(s.Progress*100))
	}
	return s.State
}

// EmptyIndexNote is what a tool says when it answered from an empty index:
// nothing was indexed yet, or an older devai's index was set aside to be
// rebuilt and --no-sync kept it from being.
const EmptyIndexNote = "the index is empty: it was never built, or it was set aside because an older devai wrote it. Run `devai index`, or ask without --no-sync."

// Skipped is a file left out of the index, with the reason.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Cut is a file of which only a part is indexed: a log larger than the
// per-file cap (Options.MaxLogBytes, --max-log-bytes) keeps its newest
// lines, the ones a root-cause search needs; what came before is not
// searchable.
type Cut struct {
	Path         string `json:"path"`
	Size         int64  `json:"size"`          // the file's size when indexed
	IndexedBytes int64  `json:"indexed_bytes"` // the tail that is indexed
	FirstLine    int    `json:"first_line"`    // the first indexed line; earlier lines are not
	Note         string `json:"note"`          // e.g. "indexed the last 16.0 MiB of 190.7 MiB (from line 1502113): cap 16.0 MiB per log (--max-log-bytes)"
}

// Progress is called during a sync; done and total count files.
type Progress func(done, total int, path string)

// Document is the content behind a URI.
type Document struct {
	URI       string
	Kind      string
	Path      string
	Language  string
	StartLine int // 0 when the whole file was asked for
	EndLine   int
	Text      string
	MIMEType  string
}
