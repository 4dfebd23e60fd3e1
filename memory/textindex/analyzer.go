package textindex

import (
	"bytes"
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/token/length"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names registered with bleve. They are stored in every index's
// index_meta.json, so renaming one breaks existing indexes: bump
// schemaVersion when you do.
const (
	identPartsFilterName = "devai_identparts"
	stopMapName          = "devai_stop_words"
	stopFilterName       = "devai_stop"
	lengthFilterName     = "devai_length"
	codeAnalyzerName     = "devai_code"

	// maxTermLength drops tokens longer than this (minified code, base64,
	// hashes): they are never typed in a query and only bloat the dictionary.
	maxTermLength = 80
)

// stopWords is deliberately short: the function words of questions ("how are
// the sessions cleaned up") that would otherwise dominate a natural-language
// query. Words that carry meaning in code (not, no, error, nil, new) stay.
var stopWords = []string{
	"a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from",
	"how", "i", "in", "is", "it", "its", "of", "on", "or", "should", "that", "the", "this",
	"to", "was", "we", "what", "when", "where", "which", "who", "why", "will", "with",
}

// bleve looks token filters up by name in a process-wide registry, so the
// identifier-parts filter has to be registered once at init. Registration
// fails only on a duplicate name, which is a programming error.
func init() {
	for name, f := range map[string]analysis.TokenFilter{
		identPartsFilterName: identPartsFilter{},
		stemFilterName:       stemFilter{},
	} {
		if err := registry.RegisterTokenFilter(name,
			func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) { return f, nil }); err != nil {
			panic(fmt.Sprintf("textindex: register token filter %s: %v", name, err))
		}
	}
}

// identPartsFilter keeps every token and appends its identifier parts (see
// identifierParts) at the same position, so the whole identifier and each of
// its words are all terms of the index.
type identPartsFilter struct{}

func (identPartsFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream // allocated only when some token splits
	for i, tok := range input {
		parts := identifierParts(tok.Term)
		if parts == nil {
			if out != nil {
				out = append(out, tok)
			}
			continue
		}
		if out == nil {
			out = make(analysis.TokenStream, 0, len(input)+2*len(parts))
			out = append(out, input[:i]...)
		}
		out = append(out, tok)
		for _, p := range parts {
			out = append(out, &analysis.Token{
				Term:     append([]byte(nil), tok.Term[p.start:p.end]...),
				Start:    tok.Start + p.start,
				End:      tok.Start + p.end,
				Position: tok.Position,
				Type:     tok.Type,
			})
		}
		for _, seg := range dottedSegments(tok.Term) {
			out = append(out, &analysis.Token{
				Term:     append([]byte(nil), tok.Term[seg.start:seg.end]...),
				Start:    tok.Start + seg.start,
				End:      tok.Start + seg.end,
				Position: tok.Position,
				Type:     tok.Type,
			})
		}
	}
	if out == nil {
		return input
	}
	return out
}

// dottedSegments are the names of a dotted token that are identifiers of
// several parts themselves: "ChunkDiskMapper" in "chunks.ChunkDiskMapper".
// The whole token and its parts are indexed already; without the segment,
// a use of a name qualified by its package ("chunks.ChunkDiskMapper", in Go
// every use outside the package) would not hold the term the name
// analyses to, and a verbatim lookup of ChunkDiskMapper would miss it.
func dottedSegments(term []byte) []span {
	if bytes.IndexByte(term, '.') < 0 {
		return nil
	}
	var out []span
	start := 0
	for i := 0; i <= len(term); i++ {
		if i < len(term) && term[i] != '.' {
			continue
		}
		if i > start && identifierParts(term[start:i]) != nil {
			out = append(out, span{start, i})
		}
		start = i + 1
	}
	return out
}

// addCodeAnalysis registers the devai_code analyzer and its parts on m.
func addCodeAnalysis(m *mapping.IndexMappingImpl) error {
	words := make([]interface{}, len(stopWords))
	for i, w := range stopWords {
		words[i] = w
	}
	steps := []struct {
		what string
		err  func() error
	}{
		{"stop word map", func() error {
			return m.AddCustomTokenMap(stopMapName, map[string]interface{}{
				"type": tokenmap.Name, "tokens": words})
		}},
		{"stop filter", func() error {
			return m.AddCustomTokenFilter(stopFilterName, map[string]interface{}{
				"type": stop.Name, "stop_token_map": stopMapName})
		}},
		{"length filter", func() error {
			return m.AddCustomTokenFilter(lengthFilterName, map[string]interface{}{
				"type": length.Name, "min": 1.0, "max": float64(maxTermLength)})
		}},
		{"code analyzer", func() error {
			return m.AddCustomAnalyzer(codeAnalyzerName, map[string]interface{}{
				"type":      custom.Name,
				"tokenizer": unicode.Name,
				"token_filters": []interface{}{
					identPartsFilterName, lowercase.Name, stopFilterName, stemFilterName, lengthFilterName,
				},
			})
		}},
	}
	for _, s := range steps {
		if err := s.err(); err != nil {
			return fmt.Errorf("add %s: %w", s.what, err)
		}
	}
	return nil
}

// codeAnalyzer is the same chain as the devai_code analyzer of the mapping,
// built directly so Analyze needs no index. TestAnalyzeMatchesMapping keeps
// the two in step. It holds no mutable state.
var codeAnalyzer = newCodeAnalyzer()

func newCodeAnalyzer() analysis.Analyzer {
	stopMap := analysis.NewTokenMap()
	for _, w := range stopWords {
		stopMap.AddToken(w)
	}
	return &analysis.DefaultAnalyzer{
		Tokenizer: unicode.NewUnicodeTokenizer(),
		TokenFilters: []analysis.TokenFilter{
			identPartsFilter{},
			lowercase.NewLowerCaseFilter(),
			stop.NewStopTokensFilter(stopMap),
			stemFilter{},
			length.NewLengthFilter(1, maxTermLength),
		},
	}
}

// Analyze returns the terms the code analyzer indexes for text, in order:
// each token whole, then its identifier parts, lowercased, stop words
// removed, Porter-stemmed (plain words only: see stemFilter). Queries are analysed the same way.
func Analyze(text string) []string {
	toks := codeAnalyzer.Analyze([]byte(text))
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = string(t.Term)
	}
	return out
}
