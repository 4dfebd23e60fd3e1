package trace

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// An error value defined once with its message (Go's `ErrPoolTimeout =
// errors.New("redis: connection pool timeout")`, a constant a program
// raises) is where the message's text lives, but not where the failure
// happened: the code that returns, raises or passes that value on is. When
// printedBy finds the message in such a definition, the definitions that
// produce the value are leads as strong as the definition's own print
// evidence, divided by the square root of their number, and the definition
// itself falls to definitionShare of theirs: a sentinel's text is seldom
// what a fix changes. Uses that only test for the value (`err == ErrX`,
// `errors.Is`, `except X`, a `case`) handle the failure and are left out.
// A value produced in more than maxProducers definitions says little of
// which one failed.
const (
	maxProducers    = 6
	definitionShare = 0.9
)

// valueKinds are the chunk symbol kinds that define a value.
var valueKinds = map[string]bool{"var": true, "const": true}

// producersOf returns the producers of the error values among printed,
// and lowers those values' scores below them.
func producersOf(ix *memory.Index, printed []Suspect) []Suspect {
	g := ix.Graph()
	var out []Suspect
	for i := range printed {
		p := &printed[i]
		if !valueKinds[p.SymbolKind] || p.Symbol == "" {
			continue
		}
		name := p.Symbol[strings.LastIndexByte(p.Symbol, '.')+1:]
		var producers []Suspect
		for _, caller := range g.Callers(p.Symbol) {
			if caller.Test || valueKinds[caller.Kind] {
				continue // a test, or another name for the value
			}
			line, ok := producingLine(ix, caller.Path, caller.StartLine, caller.EndLine, name)
			if !ok {
				continue
			}
			s := Suspect{Path: caller.Path, Line: line, Symbol: caller.ID, SymbolKind: caller.Kind, lastErr: -1,
				URI: chunk.URI(chunk.Code, caller.Path, caller.StartLine, caller.EndLine)}
			if c, ok := ix.ChunkAt(caller.Path, caller.StartLine); ok {
				s.URI, s.Requires = c.URI, c.Requirements
			}
			producers = append(producers, s)
		}
		if len(producers) == 0 || len(producers) > maxProducers {
			continue
		}
		w := p.Score / math.Sqrt(float64(len(producers)))
		sort.Slice(producers, func(i, j int) bool {
			return producers[i].Path+producers[i].Symbol < producers[j].Path+producers[j].Symbol
		})
		for _, s := range producers {
			s.Score = w
			s.Why = []string{fmt.Sprintf("produces %s (line %d), the error value whose text the error message reads; %d place(s) produce it %+.2f",
				p.Symbol, s.Line, len(producers), w)}
			out = append(out, s)
		}
		p.Score = w * definitionShare
		p.Why[0] = fmt.Sprintf("%s; the %d place(s) that produce it come first %+.2f", withoutWeight(p.Why[0]), len(producers), p.Score)
	}
	return out
}

// producingLine is the first line of start..end of path that uses name
// other than to test for it, or false when every use is a test.
func producingLine(ix *memory.Index, path string, start, end int, name string) (int, bool) {
	uses := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
	handles := handlerUse(name)
	for i, line := range fileLines(ix, path) {
		n := i + 1
		if n < start || n > end || !uses.MatchString(line) {
			continue
		}
		if code := strings.TrimSpace(line); strings.HasPrefix(code, "//") || strings.HasPrefix(code, "#") || handles.MatchString(line) {
			continue
		}
		return n, true
	}
	return 0, false
}

// handlerUse matches a line that tests an error for the value name rather
// than producing it, in the languages devai reads.
func handlerUse(name string) *regexp.Regexp {
	n := regexp.QuoteMeta(name)
	return regexp.MustCompile(`[=!]=\s*(?:[\w.]+\.)?` + n + `\b` + // err == ErrX, err != pkg.ErrX
		`|\b` + n + `\s*[=!]=` + // ErrX == err
		`|\b(?:errors\.(?:Is|As)|isinstance|matches!)\([^)]*\b` + n + `\b` + // errors.Is(err, ErrX)
		`|\bcase\b[^:]*\b` + n + `\b` + // case ErrX:
		`|\bexcept\b[^:]*\b` + n + `\b` + // except ErrX:
		`|\binstanceof\s+(?:[\w.]+\.)?` + n + `\b` + // e instanceof ErrX
		`|\b` + n + `\b[^=]*=>`) // ErrX => … (a Rust match arm)
}
