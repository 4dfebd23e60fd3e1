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

// An error reported with no frame in the repository (a command's
// "Error: …" line, a library's traceback, a server's reply) still carries
// words that the repository's code wrote: the message, or a layer of it,
// was formatted from a string literal. A literal whose fixed text, with its
// format verbs as wildcards, is found in the message is concrete evidence
// of the code that printed it, and the fix of a wrong or misleading error
// is most often there. It outranks a search for the message's words
// (weightPrinted above the first search hit's 0.5) and the library leads;
// a literal with less fixed text than printedFull is a weaker lead (its
// weight scales with the square root of its share of printedFull), and a
// text that many places print is a weak one (divided by the square root
// of their number). A wrapped error's message holds several layers'
// texts: each layer's literal is judged on its own length, not on its
// share of the whole message.
//
// A value the message quotes ("chunkSize" in `Don't know how to set key
// "chunkSize" on upload`) was made by the program, and when the code spells
// it whole as a string literal in few places, those places made it: the
// value was wrong, or the code that printed the message did not expect it.
// That is concrete evidence too (weightPrintedValue, divided by the square
// root of the places, none past maxValueChunks): above a search hit and
// above a long template printed in two places.
const (
	weightPrintedValue = 0.6
	maxValueChunks     = 3
	minValueLen        = 4 // a shorter quoted value is a letter or a word spelled everywhere
	weightPrinted      = 0.8
	// printedBesideFrames scales the code that prints the message when
	// the trace has frames in the repository's code: a lead below the
	// first frames.
	printedBesideFrames = 0.5
	minPrintedFixed     = 16 // fixed characters a literal needs to be a lead
	printedFull         = 40 // fixed characters of a lead at full weight
	maxPrintedChunks    = 6  // a text printed in more chunks is no lead
	maxPrinted          = 4
)

var (
	// stringLiteral: a double-quoted, single-quoted or backquoted literal
	// on one line, in any of the languages devai reads.
	stringLiteral = regexp.MustCompile("\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)'|`([^`]*)`")
	// formatVerb: printf verbs (Go, Python's %, C), {} placeholders
	// (Python's format and f-strings, Rust, logging templates) and ${…}
	// (JavaScript templates).
	formatVerb = regexp.MustCompile(`%[-+# 0-9.*]*[a-zA-Z]|\$\{[^}]*\}|\{[^{}]*\}`)
)

// printedLiteral is a literal of the code seen as a message template.
type printedLiteral struct {
	re    *regexp.Regexp
	fixed int    // characters of fixed text
	text  string // as written
}

// messageTemplate turns a literal into a pattern over messages, or false
// when it has too little fixed text to tell one message from another.
func messageTemplate(lit string) (printedLiteral, bool) {
	lit = unescape(lit)
	parts := formatVerb.Split(lit, -1)
	fixed, longest := 0, ""
	quoted := make([]string, len(parts))
	for i, p := range parts {
		fixed += len(strings.TrimSpace(p))
		if len(p) > len(longest) {
			longest = p
		}
		quoted[i] = regexp.QuoteMeta(p)
	}
	if fixed < minPrintedFixed || !strings.Contains(strings.TrimSpace(longest), " ") {
		return printedLiteral{}, false // one word is a name, not a message
	}
	re, err := regexp.Compile(strings.Join(quoted, `.*?`))
	if err != nil {
		return printedLiteral{}, false
	}
	return printedLiteral{re: re, fixed: fixed, text: lit}, true
}

// printedBy finds the repository's code whose string literals print the
// message, and with values, the code that spells a value it quotes: every
// code file outside tests and libraries is read once. (When a trace was
// parsed, the library leads weigh the message's quoted words already.)
func printedBy(ix *memory.Index, message string, values bool) []Suspect {
	message = strings.TrimSpace(message)
	if len(message) < minPrintedFixed {
		return nil
	}
	type hit struct {
		chunk memory.ChunkInfo
		line  int
		lit   printedLiteral
	}
	byText := map[string][]hit{}
	byValue := map[string][]hit{}
	quoted := map[string]bool{}
	if values {
		quoted = quotedValues(message)
	}
	for _, p := range ownCodeFiles(ix) {
		for n, line := range fileLines(ix, p) {
			if !strings.ContainsAny(line, "\"'`") {
				continue // no literal here: skip the regular expression
			}
			for _, m := range stringLiteral.FindAllStringSubmatch(line, -1) {
				raw := m[1] + m[2] + m[3]
				if quoted[raw] {
					if ch, ok := ix.ChunkAt(p, n+1); ok && ch.Kind == chunk.Code {
						byValue[raw] = append(byValue[raw], hit{ch, n + 1, printedLiteral{text: raw}})
					}
				}
				if len(raw) < minPrintedFixed || !strings.Contains(message, longestFixed(raw)) {
					continue // the cheap test first: most literals are not in the message
				}
				lit, ok := messageTemplate(raw)
				if !ok || !lit.re.MatchString(message) {
					continue
				}
				ch, ok := ix.ChunkAt(p, n+1)
				if !ok || ch.Kind != chunk.Code {
					continue
				}
				byText[lit.text] = append(byText[lit.text], hit{ch, n + 1, lit})
			}
		}
	}
	best := map[string]*Suspect{}
	chunksOf := func(hits []hit) int {
		seen := map[string]bool{}
		for _, h := range hits {
			seen[h.chunk.ID] = true
		}
		return len(seen)
	}
	add := func(hits []hit, w float64, explain func(hit) string) {
		for _, h := range hits {
			s, ok := best[h.chunk.ID]
			why := explain(h)
			if !ok {
				s = &Suspect{Path: h.chunk.Path, Line: h.line, URI: h.chunk.URI, Symbol: h.chunk.Symbol, SymbolKind: h.chunk.SymbolKind,
					Requires: h.chunk.Requirements, lastErr: -1}
				best[h.chunk.ID] = s
			}
			if w > s.Score {
				s.Line, s.Score = h.line, w
				s.Why = append([]string{why}, s.Why...)
			}
		}
	}
	for _, hits := range byText {
		chunks := chunksOf(hits)
		if chunks > maxPrintedChunks {
			continue
		}
		length := math.Min(1, float64(hits[0].lit.fixed)/printedFull)
		w := weightPrinted * math.Sqrt(length) / math.Sqrt(float64(chunks))
		add(hits, w, func(h hit) string {
			return fmt.Sprintf("prints %q, which the error message reads (line %d) %+.2f", excerpt(h.lit.text, 80), h.line, w)
		})
	}
	for _, hits := range byValue {
		chunks := chunksOf(hits)
		if chunks > maxValueChunks {
			continue
		}
		w := weightPrintedValue / math.Sqrt(float64(chunks))
		add(hits, w, func(h hit) string {
			return fmt.Sprintf("spells %q, the value the error message quotes (line %d) %+.2f", excerpt(h.lit.text, 80), h.line, w)
		})
	}
	out := make([]Suspect, 0, len(best))
	for _, s := range best {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Path+out[i].Symbol < out[j].Path+out[j].Symbol
	})
	return out[:min(len(out), maxPrinted)]
}

// longestFixed is a literal's longest run between format verbs, as
// written: the part a message must contain verbatim.
func longestFixed(lit string) string {
	longest := ""
	for _, p := range formatVerb.Split(unescape(lit), -1) {
		if len(p) > len(longest) {
			longest = p
		}
	}
	return longest
}

// unescape reads a literal's escapes as the message shows them: quotes and
// backslashes as themselves, a line break or tab as a place any text may
// stand (a message is read one line at a time), "%%" as "%".
func unescape(lit string) string { return literalEscapes.Replace(lit) }

// literalEscapes undoes a literal's escapes; a control character becomes a
// wildcard, as the message may show it any way.
var literalEscapes = strings.NewReplacer(`\"`, `"`, `\'`, `'`, `\\`, `\`, `%%`, `%`, `\n`, `%v`, `\r`, `%v`, `\t`, `%v`)

// quotedValues are the values an error message quotes that are long enough
// to be told apart in the code (see quotedLiterals).
func quotedValues(message string) map[string]bool {
	out := map[string]bool{}
	for _, v := range quotedLiterals(message) {
		if len(v) >= minValueLen {
			out[v] = true
		}
	}
	return out
}
