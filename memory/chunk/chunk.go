// Package chunk cuts a file into chunks along its structure: Go declarations,
// other languages' definitions, Markdown sections, OpenAPI operations, Gherkin
// scenarios and log events. A chunk never ends in the middle of a definition,
// and it carries what later tools need to trace spec → code → test: its
// symbol chain, signature, requirement IDs, test names and the identifiers it
// references (the raw material of the symbol graph).
package chunk

import (
	"path"
	"strings"
	"time"
)

// Kind is what a file is to the project. The names are a stable contract.
type Kind string

const (
	Spec Kind = "spec"
	Code Kind = "code"
	Test Kind = "test"
	Log  Kind = "log"
)

// Kinds lists every kind in a fixed order.
var Kinds = []Kind{Spec, Code, Test, Log}

// ParseKind returns the kind named s, or false.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k) == strings.ToLower(strings.TrimSpace(s)) {
			return k, true
		}
	}
	return "", false
}

// Chunk is one retrievable unit of a file.
type Chunk struct {
	Path      string // repo-relative, slash-separated
	Kind      Kind
	Language  string // e.g. "Go", "Python", "Markdown", "OpenAPI", "Gherkin", "Log"
	StartLine int    // 1-based, inclusive
	EndLine   int    // 1-based, inclusive

	// Symbol is the chunk's own name: "Cleanup" for a Go method (Parents
	// holds the package and receiver),
	// "POST /login" for an OpenAPI operation, the heading text for a Markdown
	// section, the scenario name for Gherkin. Empty for anonymous chunks.
	Symbol string
	// SymbolKind says what Symbol names: func, method, type, var, const,
	// class, function, section, operation, scenario, feature, event, block.
	SymbolKind string
	// Also are the further names the chunk defines, qualified like Symbol:
	// the other entries of a Go var or const group, which Symbol (the
	// first) does not name.
	Also []string
	// Parents is the enclosing chain, outermost first: the Go package and
	// receiver type, a Python class, the Markdown heading path.
	Parents   []string
	Signature string // declaration line(s) without the body, where it applies
	Text      string // the chunk's source text, doc comment included

	Requirements []string // requirement IDs defined or referenced here (FR-012, REQ-AUTH-3, …)
	Shall        []string // EARS "shall" sentences, spec chunks only
	TestNames    []string // test functions or scenarios defined in this chunk
	// TestOnly: code that a source file holds for its tests alone (Rust's
	// #[cfg(test)] modules and #[test] functions). Split gives it the
	// kind Test, so that a question about code is not answered with it.
	TestOnly bool
	Refs     []string // identifiers this chunk references (calls, types, selectors)

	Time  time.Time // log events: when it happened; zero otherwise
	Level string    // log events: normalised level (debug, info, warn, error, fatal)
}

// Lines is the chunk's line count.
func (c Chunk) Lines() int { return c.EndLine - c.StartLine + 1 }

// QualifiedSymbol joins Parents and Symbol with dots.
func (c Chunk) QualifiedSymbol() string {
	if c.Symbol == "" {
		return ""
	}
	return strings.Join(append(append([]string(nil), c.Parents...), c.Symbol), ".")
}

// Split cuts content into chunks. path is repo-relative; kind and lang come
// from the walker's classification. Every line of a non-empty file belongs to
// at least one chunk, so nothing the file says is lost to search.
func Split(p string, kind Kind, lang string, content []byte) []Chunk {
	if len(content) == 0 {
		return nil
	}
	var chunks []Chunk
	switch {
	case kind == Log:
		chunks = splitLog(p, content)
	case lang == "Go":
		chunks = splitGo(p, content)
	case lang == "Markdown":
		chunks = splitMarkdown(p, content)
	case lang == "OpenAPI" || lang == "AsyncAPI":
		chunks = splitOpenAPI(p, content)
	case lang == "Gherkin":
		chunks = splitGherkin(p, content)
	default:
		chunks = splitStructured(p, lang, content)
	}
	if len(chunks) == 0 {
		chunks = splitLines(p, content)
	}
	for i := range chunks {
		chunks[i].Path = p
		chunks[i].Kind = kind
		if kind == Code && chunks[i].TestOnly {
			chunks[i].Kind = Test
		}
		if chunks[i].Language == "" {
			chunks[i].Language = lang
		}
	}
	return chunks
}

// URI is the stable devai URI of a file or a line range.
func URI(kind Kind, p string, start, end int) string {
	u := "devai://" + string(kind) + "/" + path.Clean(p)
	if start > 0 {
		if end < start {
			end = start
		}
		u += "#L" + itoa(start) + "-L" + itoa(end)
	}
	return u
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// splitScanner cuts the languages devai splits without a real parser, with
// its hand-written scanners; nil for a language it does not know.
func splitScanner(p, lang string, content []byte) []Chunk {
	switch lang {
	case "Python":
		return splitPython(p, content)
	case "TypeScript", "JavaScript", "TSX", "JSX":
		return splitJS(p, content)
	case "Java", "Kotlin":
		return splitJava(p, content)
	case "Rust":
		return splitRust(p, content)
	}
	return nil
}
