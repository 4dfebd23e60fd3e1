package textindex

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	blevesearch "github.com/blevesearch/bleve/v2/search"
)

// Why devai hands bleve its own BM25 statistics: bleve v2.6 takes a field's
// average length to be the sum, over the index's segments, of each
// segment's count of distinct terms, divided by the number of docs. That is
// not a length (on prometheus it reads 5 tokens for a body that averages
// 160), and it changes whenever the background merger joins segments, so
// the same query on the same files ranked differently a few seconds after a
// sync than right after it. Stats are counted from the docs themselves, so
// they follow the index's content and nothing else: textbook BM25.

// scoredFields are the fields whose terms are scored; Lengths holds one
// count per field, in this order. Every other field is only ever a filter.
var scoredFields = [...]string{fieldPathWords, fieldSymbol, fieldSignature, fieldText, fieldComments, fieldTestNames, fieldRequirements}

// filterFields are the fields only filters read. bleve still wants a length
// for each field a term query touches, scored or not, and "*" is the field
// of the searcher it merges a filter's disjunction of terms into (two kinds,
// a path's file-or-folder terms, a glob's paths, a time range): without it
// every such filter failed.
var filterFields = [...]string{fieldPath, fieldDirs, fieldExt, fieldKind, fieldLanguage, fieldHasTime, fieldLevel, fieldTime, "_id", "_all", "*"}

// Lengths is the number of tokens a doc puts into each scored field, as
// the index counts them (the analyzer's tokens, identifier parts
// included). Its order is internal: keep it and sum it with Stats.Add.
type Lengths []uint32

// Lengths counts the tokens d puts into each scored field, the same count
// bleve keeps for BM25's length normalisation (TestLengthsMatchIndex).
func (d Doc) Lengths() Lengths {
	body := d.body()
	l := make(Lengths, len(scoredFields))
	for i, f := range scoredFields {
		switch v := body[f].(type) {
		case string:
			l[i] = countTerms([]byte(v))
		case []string: // a keyword field: one token per value
			l[i] = uint32(len(v))
		}
	}
	return l
}

// countTerms is len(codeAnalyzer.Analyze(text)) at about 60% of the cost
// (TestCountTermsMatchesAnalyze, BenchmarkLengths): the terms the analyzer keeps are the
// tokenizer's tokens and their identifier parts that are neither stop
// words nor longer than maxTermLength; lowercasing and stemming, the
// expensive steps, change terms but never their number.
func countTerms(text []byte) uint32 {
	var n uint32
	for _, tok := range countTokenizer.Tokenize(text) {
		n += kept(tok.Term)
		for _, p := range identifierParts(tok.Term) {
			n += kept(tok.Term[p.start:p.end])
		}
		for _, seg := range dottedSegments(tok.Term) {
			n += kept(tok.Term[seg.start:seg.end])
		}
	}
	return n
}

var countTokenizer = unicode.NewUnicodeTokenizer()

// kept is 1 when the analyzer keeps term, 0 when it drops it.
func kept(term []byte) uint32 {
	if runes := utf8.RuneCount(term); runes < 1 || runes > maxTermLength || isStopWord(term) {
		return 0
	}
	return 1
}

var stopSet = func() map[string]bool {
	m := make(map[string]bool, len(stopWords))
	for _, w := range stopWords {
		m[w] = true
	}
	return m
}()

// isStopWord reports whether term, lowercased, is a stop word (all are
// short ASCII words).
func isStopWord(term []byte) bool {
	var buf [8]byte
	if len(term) > len(buf) {
		return false
	}
	for i, c := range term {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return stopSet[string(buf[:len(term)])]
}

// Stats are the collection statistics BM25 scores with: the number of docs
// and the tokens in each scored field over all of them. The zero Stats
// leaves scoring to bleve's own statistics.
type Stats struct {
	Docs   int
	Tokens [len(scoredFields)]uint64
}

// Add counts one doc of lengths l in.
func (s *Stats) Add(l Lengths) {
	s.Docs++
	for i := range min(len(l), len(s.Tokens)) {
		s.Tokens[i] += uint64(l[i])
	}
}

// SetStats makes every later search score with s: call it whenever the
// docs change, with the statistics of all of them. Until the first call,
// and after a call with zero Docs, bleve's own statistics are used.
func (ix *Index) SetStats(s Stats) {
	set := &setStats{Stats: s}
	if s.Docs > 0 {
		set.bleve = s.bm25Stats()
	}
	ix.stats.Store(set)
}

// Stats returns what SetStats last set.
func (ix *Index) Stats() Stats {
	if s := ix.stats.Load(); s != nil {
		return s.Stats
	}
	return Stats{}
}

// setStats is what SetStats stored: the stats and, built once, bleve's form
// of them (nil: bleve's own).
type setStats struct {
	Stats
	bleve *blevesearch.BM25Stats
}

// bm25Stats is s in bleve's terms. bleve divides a field's "cardinality" by
// the docs to get the average length, so the token total is what it wants;
// a filter field gets one token a doc.
func (s *Stats) bm25Stats() *blevesearch.BM25Stats {
	card := make(map[string]int, len(scoredFields)+len(filterFields))
	for i, f := range scoredFields {
		card[f] = int(s.Tokens[i])
	}
	for _, f := range filterFields {
		card[f] = s.Docs
	}
	return &blevesearch.BM25Stats{DocCount: float64(s.Docs), FieldCardinality: card}
}
