package memory

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/devaiops/devai/memory/budget"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/textindex"
)

// rrfK is reciprocal rank fusion's constant: score = Σ w / (rrfK + rank).
const rrfK = 60

// headerDiscount scales a file's package clause and imports: they match
// every query about the package and answer none.
const headerDiscount = 0.5

// Weights tune the fusion. Each signal adds weight / (rrfK + rank).
type Weights struct {
	Text   float64 // BM25 rank
	Vector float64 // nearest-neighbour rank
	Symbol float64 // the query names the chunk's symbol (rank 1)
	Req    float64 // the query names a requirement the chunk carries (rank 1)
	Graph  float64 // a test tied by the symbol graph to a top code hit (that hit's rank)
	Exact  float64 // the chunk holds a quoted string or identifier of the query verbatim, or defines it
	Hint   float64 // the chunk's file is named by the query, as a path or a traceback frame (QueryRules.Hints)
	// OtherKind is the share of its score a chunk loses when the query
	// asks for the other side of code and tests: a test, when the question
	// is about behaviour; code, when it asks for tests ("where is X
	// tested"). 0 turns it off. Tests the symbol graph ties to a top code
	// hit still follow that hit (Graph).
	OtherKind float64
	// Docs is the share of its score a document (kind spec) loses when the
	// query asks about code: the code that does it before the page that
	// tells of it. 0 turns it off; kinds [spec] asks for documents.
	Docs float64
	// NonCode is the share of its score a file in no programming language
	// (configuration, data, markup, text: YAML, JSON, HTML, .txt) loses
	// when a long query (a pasted issue, over 30 words) asks about code
	// rather than tests: an issue quotes settings, output and markup that
	// an example config, a fixture or a template repeats, while the
	// behaviour it reports lives in source. A short query is unchanged: it
	// names the configuration it means. 0 turns it off.
	NonCode float64
	// Examples is the share of its score code in a folder of usage
	// examples (walk.IsExample) or of CI scripts (walk.IsCIScript) loses
	// when the query asks about code and not for an example or the CI: the
	// code that does it before the code that shows how to call it or
	// checks it. 0 turns it off.
	Examples float64
	// Comments is the boost, inside the text channel, of a match in a
	// chunk's comments and docstrings (chunk.Chunk.Comments), on top of the
	// body match they are part of. 0 leaves the field out, as plain BM25 does.
	Comments float64
	// History ranks the files that the past commits most like the query
	// changed (pastchanges.go): weight / (rrfK + the file's rank). 0 turns
	// it off.
	History float64
	// Scope is the weight, as if ranked first, of a chunk in a folder that
	// the query's first line names as its scope ("promql: …",
	// "fix(parser): …"; scope.go). 0 turns it off.
	Scope float64
	// HistoryTitle is Title for the past-changes search: the terms of a
	// query's first line, when more lines follow, weigh 1+HistoryTitle
	// times as much when the messages of past commits are matched. 0
	// weighs every term alike.
	HistoryTitle float64
	// Title is the boost, inside the text channel, of the terms of a
	// query's first line when more lines follow (an issue's title, a
	// commit's subject): they weigh 1+Title times as much. A one-line query
	// is unchanged. 0 weighs every term alike.
	Title float64
	// LongExactCut is the share of its verbatim weight (Exact) a match
	// loses when the query is long (over 30 words: a pasted issue, a commit
	// message with a body). Such a text names many identifiers and strings
	// in passing, and a chunk that holds one of them is weaker evidence than
	// a short query's verbatim match. 0 turns it off; below 1.
	LongExactCut float64
	// StatementVectorCut is the share of the vector weight a query loses
	// when it is not a question (isQuestion): a commit message, an issue, a
	// pasted error or an identifier is written in the code's own words, and
	// the built-in embedder's neighbours add noise there; a question asks in
	// words the code may not use. 1 leaves such queries no vector channel at
	// all (it is not asked); 0 turns it off.
	StatementVectorCut float64
	// StatementText is the boost of the text channel for a query that is
	// not a question (isQuestion): a commit message, an issue or an
	// identifier is written in the code's own words, and its BM25 rank is
	// better evidence than a question's; the text channel weighs
	// 1+StatementText times as much. A short statement's verbatim matches
	// (Exact) grow alike, so that one verbatim level still outranks every
	// fuzzy signal. 0 weighs statements and questions alike.
	StatementText float64
	// Breadth grows a file's score, in a search for files, by how many of
	// its chunks the query matches: each file after the first ranks by its
	// best chunk's score × (1 + Breadth·ln n), n its chunks among the
	// candidates (distinct texts). The first file stays the one that holds
	// the best chunk: one precise match (the definition a query names) is
	// the best single answer, but below it a file that many chunks match
	// is likelier to be the one a change touches than one a single chunk
	// matches as well. 0 ranks every file by its best chunk alone.
	Breadth float64
}

// DefaultWeights are tuned on the localization benchmark (bench/locset, 200
// commit-message queries each on prometheus and flask): with the vector
// channel at 0.3, hybrid beats BM25 alone on Acc@1, Acc@5, MRR, nDCG@10 and
// recall@10 on both; at 1.0 it lost recall to noisy mid-list neighbours.
//
// Exact is above the sum of the others, so that one verbatim level
// outranks every fuzzy signal together (bench/locset exact sets). Hint sits
// between one verbatim mention (Exact×1) and a verbatim phrase (Exact×2): a
// file a traceback frame or a path of the report names is better evidence
// than a word it shares, such as an exception's type. The issue sets' tune
// split scores the same at 2, 5 and 9; the fixture of
// TestLongQueryTracebackNamesTheFile needs more than 4.
//
// Title 2 (an issue's title, a commit's subject weighs three times its
// body's words): tune issue sets Acc@1 / Acc@5 .384 / .674 → .409 / .698 at 2
// (.401 / .690 at 1), commit sets .487 / .787 → .490 / .787 (bench/README.md).
// A fix prior (files recent fix commits changed) lost on both tune sets at
// every weight tried and was taken out (bench/README.md).
//
// LongExactCut 0.75 and StatementVectorCut 1, fitted jointly on both tune
// sets (fusion signals written by eval-issues --signals and re-fused
// offline; coordinate ascent on Acc@1 + Acc@5 averaged over commit sets and
// issues, the issues' first 126 of 242 as time allowed): a long query's
// verbatim match weighs Exact×0.25 a level (0.5 to 2 all beat 4 on
// issues), and only questions use the built-in embedder. Tune: commit sets
// .490 / .787 → .527 / .802, issues (all 242) .409 / .698 → .455 / .769,
// the 116 not used to fit .500 / .741 → .534 / .802; the questions' tune
// half unchanged (.756 / .907). Text-score (BM25's margin) and file-second
// (a file's second-best chunk) were tried and taken out (bench/README.md).
//
// NonCode 0.5: on the tune issues a pasted report's first "code" hit was
// often an example config, a JSON fixture or an HTML template that quotes
// what the report quotes; Acc@1 / Acc@5 .455 / .769 → .479 / .777 (24
// issues better by MRR, none worse; 0.75 the same, 0.3 less). Commit sets
// are unchanged (few messages are long), and on 21 commits that changed
// only such files it costs one Acc@1 (bench/README.md).
//
// HistoryTitle 1: the title's words weigh double when past commits are
// matched, as they do in the text channel. With NonCode, tune issues
// .479 / .777 → .512 / .781 (on 200 of them, 1 against 2: .530 / .780 and
// .510 / .775); commit sets .527 / .802 → .532 / .802. Held out, run
// once: issues .510 / .765 → .516 / .778, commit sets .603 / .850 → .608 /
// .855 (bench/README.md).
//
// Scope 2: tune commit sets .532 / .802 → .552 / .828 (1: .547 / .825, 3:
// .555 / .825; ripgrep's "printer: …", "ignore: …" most of it); the 32
// tune issues whose title opens with a scope Acc@5 .906 → .938, none worse.
//
// StatementText 4 and History 2, fitted jointly on both tune sets after
// BM25 got its true field lengths, under which the other weights had not
// been fitted (locset refit over eval-issues --signals): a commit
// message's or an issue's text rank is better evidence than it was, and
// past changes keep their share beside it. Tune commit sets .565 / .823 →
// .568 / .825, issues .496 / .777 → .521 / .810 (re-fused); the exact sets
// and the questions (both halves) unchanged. Held out, run once: issues
// .529 / .797 → .588 / .824, commit sets .635 / .890 → .630 / .885
// (bench/README.md).
var DefaultWeights = Weights{Text: 1, Vector: 0.3, Symbol: 1, Req: 1, Graph: 0.2, Exact: 4, Hint: 5, OtherKind: 0.5, Docs: 0.3, NonCode: 0.5, Examples: 0.5, Comments: 1, History: 2, Scope: 2, HistoryTitle: 1, Title: 2, LongExactCut: 0.75, StatementVectorCut: 1, StatementText: 4, Breadth: 0.05}

// DefaultWeightsFor are the default weights for an embedder. The statement
// cut was fitted on the built-in word-vector embedder, which blurs a long
// text into its common words; a team's model (ollama, openai) is another
// signal, not measured here, so it keeps its channel for every query.
func DefaultWeightsFor(embedder string) Weights {
	w := DefaultWeights
	if embedder == "ollama" || embedder == "openai" {
		w.StatementVectorCut = 0
	}
	return w
}

// max is the fused score of a chunk ranked first by every fuzzy signal;
// reported scores are divided by it and capped at 1, which a verbatim
// match reaches.
func (w Weights) max() float64 {
	return (w.Text*(1+w.StatementText) + w.Vector + w.Symbol + w.Req + w.Graph) / (rrfK + 1)
}

// ErrBadQuery wraps every error caused by the query itself, so faces can
// tell the assistant what to change.
var ErrBadQuery = errors.New("bad query")

// candidate is a chunk in the running for a search.
type candidate struct {
	id       string
	ref      chunkRef
	textRank int // 1-based; 0: not found by that channel
	vecRank  int
	fields   []string
	score    float64
	why      []string
	exact    int // verbatim level (exactMention…exactDefinition); 0: none
	exactWhy string
	hint     bool // its file is named by the query
	pastRank int  // its file's rank among those similar past commits changed; 0: none
	pastWhy  string
	part     int // 1-based: the part of a long chunk the text channel found best; 0: none

	graphBoosted bool
}

// Search runs a hybrid query: BM25 over the code-aware text index and
// nearest neighbours in the vector store, fused by reciprocal rank, then
// nudged by the symbol graph and by exact symbol and requirement matches.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	q, pq, cands, err := ix.gather(ctx, q)
	if err != nil {
		return Result{}, err
	}

	ix.mu.RLock()
	ranked := ix.rank(q, pq.wants, cands)
	if q.FileLevel {
		ranked = byFile(ix.weights, ranked, func(c *candidate) (string, float64) { return c.ref.file.Path, c.score })
	}
	hits := ix.toHits(q, ranked, namedTerms(q.Text, pq.needles))
	ix.mu.RUnlock()

	res := Result{Hits: hits, Total: len(ranked), Index: ix.stateLabel()}
	res.Tokens = ix.fillSnippets(res.Hits, q.MaxTokens)
	return res, nil
}

// gather normalizes q and asks every channel, collecting the chunks any
// of them found with what each said.
func (ix *Index) gather(ctx context.Context, q Query) (Query, parsedQuery, map[string]*candidate, error) {
	if ix.closed.Load() {
		return q, parsedQuery{}, nil, errClosed
	}
	q, err := ix.normalize(q)
	if err != nil {
		return q, parsedQuery{}, nil, err
	}
	window := max(q.Limit*5, 50)
	cands := map[string]*candidate{}
	pq := parseQuery(q.Text, ix.rules, ix.resolveFile)
	q.Text = pq.text

	if q.Mode != ModeVector {
		if err := ix.searchText(ctx, q, window, cands); err != nil {
			return q, pq, nil, err
		}
	}
	if q.Mode != ModeVector && ix.weights.Exact > 0 {
		if err := ix.searchExact(ctx, q, pq.needles, cands); err != nil {
			return q, pq, nil, err
		}
	}
	if ix.vec != nil && (q.Mode == ModeVector || (q.Mode == ModeHybrid && ix.weights.vectorFor(shapeOf(q, pq.wants)) > 0)) {
		if err := ix.searchVectors(ctx, q, window, cands); err != nil {
			return q, pq, nil, err
		}
	}
	if ix.weights.Hint > 0 {
		ix.markHints(pq.hints, cands)
	}
	if ix.weights.History > 0 && q.Mode != ModeVector && !isQuestion(q.Text) {
		ix.markPastChanges(ix.pastChangesFor(ctx), q.Text, cands)
	}
	return q, pq, cands, nil
}

func (ix *Index) normalize(q Query) (Query, error) {
	q.Text = strings.TrimSpace(q.Text)
	if q.Text == "" {
		return q, fmt.Errorf("%w: the query is empty; pass a few words, an identifier or a requirement ID", ErrBadQuery)
	}
	for _, k := range q.Kinds {
		if _, ok := chunk.ParseKind(string(k)); !ok {
			return q, fmt.Errorf("%w: unknown kind %q; use spec, code, test or log", ErrBadQuery, k)
		}
	}
	if q.PathGlob != "" {
		g, err := textindex.CompileGlob(q.PathGlob)
		if err != nil {
			return q, fmt.Errorf("%w: path pattern %q: %v; use a glob such as internal/**/*.go", ErrBadQuery, q.PathGlob, err)
		}
		q.glob = g
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Until.After(q.Since) {
		return q, fmt.Errorf("%w: until (%s) must be after since (%s)", ErrBadQuery, q.Until, q.Since)
	}
	switch q.Mode {
	case "":
		q.Mode = ModeHybrid
	case ModeHybrid, ModeText:
	case ModeVector:
		if ix.vec == nil {
			return q, fmt.Errorf("%w: vector search needs an embedder; this index was opened with --embedder none", ErrBadQuery)
		}
	default:
		return q, fmt.Errorf("%w: unknown mode %q; use hybrid, text or vector", ErrBadQuery, q.Mode)
	}
	if q.Limit <= 0 {
		q.Limit = 10
	}
	q.Limit = min(q.Limit, 100)
	if q.MaxTokens <= 0 {
		q.MaxTokens = 4000
	}
	return q, nil
}

func (ix *Index) searchText(ctx context.Context, q Query, window int, cands map[string]*candidate) error {
	tq := textindex.Query{Text: withStatusNames(q.Text), Language: q.Language, PathGlob: q.PathGlob, Limit: window, CommentBoost: ix.weights.Comments,
		Title: queryTitle(q.Text), TitleBoost: ix.weights.Title}
	for _, k := range q.Kinds {
		tq.Kinds = append(tq.Kinds, string(k))
	}
	if len(q.Kinds) == 1 && q.Kinds[0] == chunk.Log {
		tq.Since, tq.Until = q.Since, q.Until
	}
	hits, err := ix.text.Search(ctx, tq)
	if err != nil {
		return fmt.Errorf("text search: %w", err)
	}
	rank := 0
	for _, h := range hits {
		id, part := chunkOfDoc(h.ID)
		c := candidateFor(cands, id)
		if c.part == 0 && part >= 0 {
			c.part = part + 1 // the best of its parts, where the snippet points
		}
		if c.textRank > 0 {
			continue // a lower part of a chunk already ranked
		}
		rank++
		c.textRank, c.fields = rank, h.Fields
	}
	return nil
}

func (ix *Index) searchVectors(ctx context.Context, q Query, window int, cands map[string]*candidate) error {
	var where map[string]string
	if len(q.Kinds) == 1 {
		where = map[string]string{"kind": string(q.Kinds[0])}
	}
	k := window
	if where == nil && (q.Language != "" || q.PathGlob != "" || len(q.Kinds) > 0) {
		k = window * 4 // filters apply after the scan
	}
	hits, err := ix.vec.Search(ctx, q.Text, k, where)
	if err != nil {
		return fmt.Errorf("vector search: %w", err)
	}
	rank := 0
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, h := range hits {
		ref, ok := ix.byID[h.ID]
		if !ok || !ix.passes(q, ref) {
			continue
		}
		rank++
		candidateFor(cands, h.ID).vecRank = rank
		if rank >= window {
			break
		}
	}
	return nil
}

// queryTitle is the first line of a query that has more lines with words
// (an issue's "# title", a commit's subject), without Markdown's heading
// marks; "" for a query of one line.
func queryTitle(text string) string {
	first, rest, ok := strings.Cut(strings.TrimSpace(text), "\n")
	if !ok || len(textindex.Analyze(rest)) == 0 {
		return ""
	}
	return strings.TrimSpace(strings.TrimLeft(first, "# \t"))
}

func candidateFor(cands map[string]*candidate, id string) *candidate {
	c := cands[id]
	if c == nil {
		c = &candidate{id: id}
		cands[id] = c
	}
	return c
}

// passes applies the query's filters to a chunk.
func (ix *Index) passes(q Query, ref chunkRef) bool {
	f, m := ref.file, ref.meta()
	if len(q.Kinds) > 0 && !containsKind(q.Kinds, ref.kind()) {
		return false
	}
	if q.Language != "" && !strings.EqualFold(q.Language, f.Language) {
		return false
	}
	if q.PathGlob != "" && !q.glob.Match(f.Path) {
		return false
	}
	if f.Kind == chunk.Log && !m.Time.IsZero() {
		if !q.Since.IsZero() && m.Time.Before(q.Since) {
			return false
		}
		if !q.Until.IsZero() && !m.Time.Before(q.Until) {
			return false
		}
	}
	return true
}

func containsKind(kinds []chunk.Kind, k chunk.Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// rank fuses the channels, adds the exact-match and graph signals, drops
// what the filters exclude and near-duplicates, and sorts.
func (ix *Index) rank(q Query, wants chunk.Kind, cands map[string]*candidate) []*candidate {
	terms := queryTerms(q.Text)
	reqs := chunk.FindRequirementIDs(q.Text)
	scopes := queryScopes(q.Text)
	sh := shapeOf(q, wants)
	var out []*candidate
	for id, c := range cands {
		ref, ok := ix.byID[id]
		if !ok || !ix.passes(q, ref) {
			continue
		}
		c.ref = ref
		s, ev := ix.observe(c, ref, terms, reqs, scopes)
		c.score, c.why = ix.weights.fuse(s, sh, &ev)
		out = append(out, c)
	}
	sortCandidates(out)
	out = append(out, ix.graphNeighbours(q, sh, out, cands)...)
	sortCandidates(out)
	return dedupe(out)
}

func sortCandidates(cs []*candidate) {
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].score != cs[j].score {
			return cs[i].score > cs[j].score
		}
		return cs[i].id < cs[j].id
	})
}

// graphNeighbours boosts the tests that exercise the top code hits, adding
// them when neither channel found them: a question about code is usually
// also a question about how that code is verified.
func (ix *Index) graphNeighbours(q Query, sh QueryShape, ranked []*candidate, cands map[string]*candidate) []*candidate {
	if ix.graph == nil || (len(q.Kinds) > 0 && !containsKind(q.Kinds, chunk.Test)) {
		return nil
	}
	var added []*candidate
	seen := 0
	for rank, c := range ranked {
		if seen >= 3 || rank >= 10 {
			break
		}
		if c.ref.kind() != chunk.Code || c.ref.meta().Symbol == "" {
			continue
		}
		seen++
		for _, t := range ix.graph.TestsFor(c.ref.meta().Symbol) {
			ref, ok := ix.chunkAt(t.Path, t.StartLine)
			if !ok || !ix.passes(q, ref) {
				continue
			}
			id := ref.meta().ID
			tc := cands[id]
			if tc == nil {
				tc = &candidate{id: id, ref: ref}
				cands[id] = tc
				added = append(added, tc)
			}
			if tc.graphBoosted {
				continue // one boost, from the best-ranked code it tests
			}
			tc.graphBoosted = true
			boosted := tc.score + ix.weights.graphBoost(rank, sh)
			if tc.score < c.score && boosted >= c.score {
				boosted = c.score * 0.999 // right after the code it tests, never above it
			}
			tc.score = boosted
			tc.why = append(tc.why, "tests "+c.ref.meta().Symbol)
		}
	}
	return added
}

// chunkAt finds the chunk of path that contains line.
func (ix *Index) chunkAt(path string, line int) (chunkRef, bool) {
	f := ix.man.Files[path]
	if f == nil {
		return chunkRef{}, false
	}
	for i, c := range f.Chunks {
		if c.StartLine <= line && line <= c.EndLine {
			return chunkRef{file: f, i: i}, true
		}
	}
	return chunkRef{}, false
}

// dedupe drops chunks whose text is identical to a better-ranked one
// (copied files, vendored duplicates the walker did not catch).
func dedupe(cs []*candidate) []*candidate {
	seen := map[string]bool{}
	out := cs[:0]
	for _, c := range cs {
		h := c.ref.meta().TextHash
		if seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, c)
	}
	return out
}

// namedTerms are the names a query can mean a symbol by: its identifier
// terms and its identifier needles.
func namedTerms(text string, needles []needle) map[string]bool {
	terms := queryTerms(text)
	for _, n := range needles {
		if n.ident {
			terms[strings.ToLower(n.text[strings.LastIndexByte(n.text, '.')+1:])] = true
		}
	}
	return terms
}

func (ix *Index) toHits(q Query, ranked []*candidate, terms map[string]bool) []Hit {
	hits := make([]Hit, 0, q.Limit)
	files := map[string]bool{}
	matched := map[string]int{} // a file's chunks among the candidates, which Weights.Breadth counts
	if q.FileLevel {
		for _, c := range ranked {
			matched[c.ref.file.Path]++
		}
	}
	named := map[string]int{}       // a callable's path and name → its hit
	overloads := map[int][]string{} // hit → the line ranges of its overloads
	for _, c := range ranked {
		if len(hits) == q.Limit {
			break
		}
		f, m := c.ref.file, c.ref.meta()
		start, end, why := m.StartLine, m.EndLine, c.why
		if c.part > 0 && c.part <= len(m.Parts) {
			p := m.Parts[c.part-1]
			start, end = p.StartLine, p.EndLine
			why = append(why[:len(why):len(why)], fmt.Sprintf("the part at L%d-L%d of %s (L%d-L%d)", start, end, cmp.Or(m.Symbol, "its chunk"), m.StartLine, m.EndLine))
		}
		if q.FileLevel {
			if files[f.Path] {
				continue
			}
			files[f.Path] = true
			if n := matched[f.Path]; n > 1 {
				why = append(why[:len(why):len(why)], fmt.Sprintf("%d of its chunks match", n))
			}
		} else if callable[m.SymbolKind] {
			key := f.Path + "\x00" + m.Symbol
			if i, ok := named[key]; ok {
				overloads[i] = append(overloads[i], fmt.Sprintf("L%d-L%d", m.StartLine, m.EndLine))
				continue
			}
			named[key] = len(hits)
		}
		hits = append(hits, Hit{
			URI:          chunk.URI(f.Kind, f.Path, start, end),
			Path:         f.Path,
			Kind:         c.ref.kind(),
			Language:     f.Language,
			StartLine:    start,
			EndLine:      end,
			Symbol:       hitSymbol(m, terms),
			SymbolKind:   m.SymbolKind,
			Signature:    m.Signature,
			Score:        round3(min(1, c.score/ix.weights.max())),
			Why:          strings.Join(why, "; "),
			Requirements: m.Requirements,
			TestNames:    m.TestNames,
			Time:         m.Time,
			Level:        m.Level,
		})
	}
	for i, lines := range overloads {
		hits[i].Why += fmt.Sprintf("; %d more of this name in the file (overloads, or a property's getter and setter) at %s", len(lines), strings.Join(lines, ", "))
	}
	return hits
}

// callable are the symbol kinds whose name a file may define more than
// once: Java's and C#'s overloads, TypeScript's overload signatures, a
// Python property's getter and setter, Go's init functions. Listing each
// would fill a page with one name; the best one stands for them.
var callable = map[string]bool{"method": true, "function": true, "func": true, "constructor": true}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

func fieldList(fields []string) string {
	if len(fields) == 0 {
		return ""
	}
	return " in " + strings.Join(fields, ", ")
}

// queryTerms are the query's identifier-like words, lowercased, for the
// exact-name signal: CamelCase, snake_case, dotted or digit-bearing words,
// or the single word of a one-word query. Plain words ("write", "file")
// name too many things to count as naming one.
func queryTerms(text string) map[string]bool {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '.'
	})
	terms := map[string]bool{}
	for _, w := range words {
		w = strings.Trim(w, ".")
		if len(w) > 2 && (len(words) == 1 || identifierLike(w)) {
			terms[strings.ToLower(w)] = true
		}
	}
	return terms
}

func identifierLike(w string) bool {
	if acronymPlural(w) {
		return false
	}
	for i, r := range w {
		if r == '_' || r == '.' || unicode.IsDigit(r) || (i > 0 && unicode.IsUpper(r)) {
			return true
		}
	}
	return false
}

// acronymPlural tells English plurals of acronyms ("URIs", "IDs", "APIs")
// from identifiers: written that way they are prose, and a helper named
// uris or ids is not what the question is about.
func acronymPlural(w string) bool {
	n := len(w)
	if n < 3 || w[n-1] != 's' {
		return false
	}
	for _, r := range w[:n-1] {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// symbolNamed returns the part of a definition's qualified symbol that the
// query names exactly: "Cleanup" or "Store.Cleanup" for
// "sessions.Store.Cleanup". Headings, log events and package clauses do not
// count: their names are ordinary words.
func symbolNamed(m *chunkMeta, terms map[string]bool) string {
	switch m.SymbolKind {
	case "", "package", "section", "event", "block", "feature":
		return ""
	}
	parts := strings.Split(m.Symbol, ".")
	if strings.ContainsRune(m.Symbol, ' ') {
		// a test's title ("should be the same as package.json") is prose,
		// not a qualified name: its last word after a dot names nothing
		parts = []string{m.Symbol}
	}
	for i := range parts {
		suffix := strings.Join(parts[i:], ".")
		if terms[strings.ToLower(suffix)] {
			return suffix
		}
	}
	for _, name := range m.Also {
		if terms[strings.ToLower(name)] {
			return name
		}
	}
	return ""
}

// hitSymbol is the name a hit shows: the entry of a var or const group
// that the query names, else the chunk's own symbol — a hit for
// ErrRepositoryNotExists is not labelled with the group's first entry.
func hitSymbol(m *chunkMeta, terms map[string]bool) string {
	for _, name := range m.Also {
		if terms[strings.ToLower(name)] {
			return strings.Join(append(append([]string(nil), m.Parents...), name), ".")
		}
	}
	return m.Symbol
}

func shared(have, want []string) string {
	for _, w := range want {
		for _, h := range have {
			if strings.EqualFold(h, w) {
				return h
			}
		}
	}
	return ""
}

// fillSnippets reads each hit's lines, redacts credentials in them, and
// fits them into the token budget.
// Every hit keeps at least its first lines; later hits are trimmed before
// earlier ones. It returns the tokens used.
func (ix *Index) fillSnippets(hits []Hit, budget int) int {
	const minTokens = 40
	texts := make([]string, len(hits))
	for p, idx := range hitsByPath(hits) {
		lo, hi := hits[idx[0]].StartLine, hits[idx[0]].EndLine
		for _, i := range idx {
			lo, hi = min(lo, hits[i].StartLine), max(hi, hits[i].EndLine)
		}
		lo = max(lo, 1)
		lines := ix.readLines(p, lo, hi)
		for _, i := range idx {
			texts[i] = ix.redactor.String(sliceLines(lines, hits[i].StartLine-lo+1, hits[i].EndLine-lo+1))
		}
	}
	used := 0
	for i := range hits {
		reserve := minTokens * (len(hits) - i - 1)
		allow := max(budget-used-reserve, minTokens)
		if allow > budget-used {
			allow = budget - used
		}
		text := texts[i]
		if estimateTokens(text) > allow {
			text = trimToTokens(text, allow)
			hits[i].Truncated = true
		}
		hits[i].Snippet = text
		hits[i].Tokens = estimateTokens(text)
		used += hits[i].Tokens
	}
	return used
}

// hitsByPath groups the indexes of hits by file.
func hitsByPath(hits []Hit) map[string][]int {
	out := map[string][]int{}
	for i, h := range hits {
		out[h.Path] = append(out[h.Path], i)
	}
	return out
}

// readLines returns lines lo..hi (1-based) of an indexed file, reading it
// as a stream and holding only those lines, so that a hit in a log of
// gigabytes costs its own lines; a log indexed in part is read from where
// its indexed part starts. nil when the file cannot be read.
func (ix *Index) readLines(p string, lo, hi int) []string {
	from, line := int64(0), 1
	ix.mu.RLock()
	if e := ix.man.Files[p]; e != nil && e.Cut != nil && lo >= e.Cut.FirstLine {
		from, line = e.Cut.From, e.Cut.FirstLine
	}
	ix.mu.RUnlock()
	f, err := os.Open(filepath.Join(ix.repo, filepath.FromSlash(p)))
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return nil
	}
	var out []string
	r := bufio.NewReaderSize(f, 64<<10)
	for ; line <= hi; line++ {
		l, err := r.ReadString('\n')
		if line >= lo && (err == nil || l != "") {
			out = append(out, strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r"))
		}
		if err != nil {
			break
		}
	}
	return out
}

// estimateTokens approximates a BPE tokenizer's count for code and prose:
// about four bytes a token.
func estimateTokens(s string) int { return budget.Tokens(len(s)) }

// trimToTokens cuts s at a line boundary to fit n tokens; the first line is
// cut mid-line only when it alone is too long.
func trimToTokens(s string, n int) string {
	if n <= 0 {
		return ""
	}
	limit := n * 4
	if len(s) <= limit {
		return s
	}
	cut := strings.LastIndexByte(s[:limit], '\n')
	if cut <= 0 {
		cut = limit
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
	}
	return s[:cut]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(s, "\n")
}

func sliceLines(lines []string, start, end int) string {
	if start < 1 {
		start = 1
	}
	if end > len(lines) {
		end = len(lines)
	}
	if start > end {
		return ""
	}
	return strings.Join(lines[start-1:end], "\n")
}

// WeightNames are the names Weights.Set accepts, in the order of the fields.
var WeightNames = []string{"text", "vector", "symbol", "req", "graph", "exact", "hint", "other-kind", "docs", "non-code", "examples", "comments", "history", "scope", "history-title", "title", "long-exact-cut", "statement-vector-cut", "statement-text", "breadth"}

// Set changes the weight called name (one of WeightNames). A weight is 0 or
// more; the shares a chunk loses (other-kind, docs, non-code,
// long-exact-cut) stay below 1.
func (w *Weights) Set(name string, v float64) error {
	fields := map[string]*float64{"text": &w.Text, "vector": &w.Vector, "symbol": &w.Symbol, "req": &w.Req,
		"graph": &w.Graph, "exact": &w.Exact, "hint": &w.Hint, "other-kind": &w.OtherKind, "docs": &w.Docs, "non-code": &w.NonCode, "examples": &w.Examples, "comments": &w.Comments, "history": &w.History, "scope": &w.Scope, "history-title": &w.HistoryTitle, "title": &w.Title,
		"long-exact-cut":       &w.LongExactCut,
		"statement-vector-cut": &w.StatementVectorCut, "statement-text": &w.StatementText, "breadth": &w.Breadth}
	f, ok := fields[name]
	if !ok {
		return fmt.Errorf("unknown weight %q; weights: %s", name, strings.Join(WeightNames, ", "))
	}
	if v < 0 || ((name == "other-kind" || name == "docs" || name == "non-code" || name == "examples" || name == "long-exact-cut") && v >= 1) || (name == "statement-vector-cut" && v > 1) {
		return fmt.Errorf("weight %s=%g: a weight is 0 or more; other-kind, docs, non-code, examples and long-exact-cut below 1, statement-vector-cut at most 1", name, v)
	}
	*f = v
	return nil
}
