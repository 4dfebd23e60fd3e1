package memory

import (
	"fmt"
	"math"
	"regexp"
	"sort"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/walk"
)

// QueryShape is what the fusion reads of a query besides its chunks'
// signals. bench/locset writes it beside the signals, so that a fit
// offline (Weights.Score) scores every chunk as Search does.
type QueryShape struct {
	Long      bool       `json:"long,omitempty"`     // over longQueryWords words: a pasted issue, a commit message with a body
	Question  bool       `json:"question,omitempty"` // isQuestion: it asks where or how, rather than telling of a change
	Vector    bool       `json:"vector,omitempty"`   // vector mode: it asks for meaning whatever its words
	Wants     chunk.Kind `json:"wants"`              // code, or tests when it asks for them
	BothKinds bool       `json:"both,omitempty"`     // its kinds take code and tests alike (or it names none)
	Examples  bool       `json:"examples,omitempty"` // it asks for an example, a sample or a demo
}

// asksForExamples: "an example of binding JSON", "samples", "demo"; and a
// query about the CI, which asks for its scripts.
var asksForExamples = regexp.MustCompile(`(?i)\b(examples?|samples?|demos?|ci|workflows?|github actions?|pipelines?)\b`)

func shapeOf(q Query, wants chunk.Kind) QueryShape {
	return QueryShape{Long: isLongQuery(q.Text), Question: isQuestion(q.Text), Vector: q.Mode == ModeVector, Wants: wants,
		BothKinds: len(q.Kinds) == 0 || (containsKind(q.Kinds, chunk.Code) && containsKind(q.Kinds, chunk.Test)),
		Examples:  asksForExamples.MatchString(q.Text)}
}

// evidence is what a chunk's signals stand for, in words, for Hit.Why.
type evidence struct {
	fields            []string // the text fields that matched
	symbol, req       string   // the symbol and requirement the query names
	scope             string   // the folder the query opens with
	exactWhy, pastWhy string
}

// Score is a chunk's fused score for a query of shape sh, before the
// symbol graph's boost: Search ranks by it, and a fit offline re-fuses
// bench/locset's signals with it.
func (w Weights) Score(s Signals, sh QueryShape) float64 {
	score, _ := w.fuse(s, sh, nil)
	return score
}

// fuse scores s and, when ev is not nil, says why, one reason per signal
// that counted.
func (w Weights) fuse(s Signals, sh QueryShape, ev *evidence) (float64, []string) {
	var score float64
	var why []string
	say := func(format string, args ...any) {
		if ev != nil {
			why = append(why, fmt.Sprintf(format, args...))
		}
	}
	if s.TextRank > 0 {
		score += w.Text * w.statementBoost(sh) / float64(rrfK+s.TextRank)
		if ev != nil {
			say("text #%d%s", s.TextRank, fieldList(ev.fields))
		}
	}
	if s.VecRank > 0 {
		score += w.vectorFor(sh) / float64(rrfK+s.VecRank)
		say("meaning #%d", s.VecRank)
	}
	if s.Symbol {
		score += w.Symbol / float64(rrfK+1)
		if ev != nil {
			say("names %s", ev.symbol)
		}
	}
	if s.Req {
		score += w.Req / float64(rrfK+1)
		if ev != nil {
			say("carries %s", ev.req)
		}
	}
	if s.Package {
		score *= headerDiscount
	}
	if s.Exact > 0 {
		exact := w.Exact
		if sh.Long {
			exact *= 1 - w.LongExactCut
		} else {
			exact *= w.statementBoost(sh) // one verbatim level still outranks the first text hit
		}
		score += exact * float64(s.Exact) / float64(rrfK+1)
		if ev != nil {
			say("%s", ev.exactWhy)
		}
	}
	if s.Hint {
		score += w.Hint / float64(rrfK+1)
		say("its file is named by the query")
	}
	if s.PastRank > 0 {
		score += w.History / float64(rrfK+s.PastRank)
		if ev != nil {
			say("%s", ev.pastWhy)
		}
	}
	if s.Scope && w.Scope > 0 {
		score += w.Scope / float64(rrfK+1)
		if ev != nil {
			say("in %s/, the scope the query opens with", ev.scope)
		}
	}
	other := w.otherKind(sh)
	if other != "" && s.Kind == other {
		score *= 1 - w.OtherKind
		say("a %s, and the query asks for %s", other, sh.Wants)
	}
	if other == chunk.Test && s.Kind == chunk.Spec && w.Docs > 0 {
		score *= 1 - w.Docs
		say("a document, and the query asks for code")
	}
	if sh.Wants == chunk.Code && s.Kind == chunk.Code && s.Example && !sh.Examples && w.Examples > 0 {
		score *= 1 - w.Examples
		say("an example, and the query asks about the code")
	}
	if sh.Long && sh.Wants == chunk.Code && s.Kind == chunk.Code && s.NonCode && w.NonCode > 0 {
		score *= 1 - w.NonCode
		say("not source code, and the query asks about code")
	}
	return score, why
}

// vectorFor is the vector channel's weight for a query: Vector, less
// StatementVectorCut for a hybrid query that is not a question (vector
// mode asks for meaning whatever the query).
func (w Weights) vectorFor(sh QueryShape) float64 {
	if sh.Vector || sh.Question {
		return w.Vector
	}
	return w.Vector * (1 - w.StatementVectorCut)
}

// statementBoost is 1+StatementText for a query that is not a question
// (nor a vector-mode one), else 1: how much more its text channel weighs.
func (w Weights) statementBoost(sh QueryShape) float64 {
	if sh.Vector || sh.Question {
		return 1
	}
	return 1 + w.StatementText
}

// graphBoost is what a test gains for exercising the code hit at 0-based
// rank: Graph as if ranked just after it, grown for a statement as the text
// channel is, so that tests keep following the code they test.
func (w Weights) graphBoost(rank int, sh QueryShape) float64 {
	return w.Graph * w.statementBoost(sh) / float64(rrfK+rank+1)
}

// otherKind is the kind that loses OtherKind of its score for a query:
// tests when it asks about code, code when it asks for tests; "" when the
// caller chose the kinds itself or they do not include both.
func (w Weights) otherKind(sh QueryShape) chunk.Kind {
	if w.OtherKind <= 0 || !sh.BothKinds {
		return ""
	}
	if sh.Wants == chunk.Test {
		return chunk.Code
	}
	return chunk.Test
}

// observe reads a candidate's signals and their evidence off the index:
// the channels' ranks and votes it collected, and what its chunk's
// metadata says of the query's terms, requirements and scopes.
func (ix *Index) observe(c *candidate, ref chunkRef, terms map[string]bool, reqs, scopes []string) (Signals, evidence) {
	m := ref.meta()
	ev := evidence{fields: c.fields, symbol: symbolNamed(m, terms), req: shared(m.Requirements, reqs),
		scope: scopeFolder(ref.file.Path, scopes), exactWhy: c.exactWhy, pastWhy: c.pastWhy}
	return Signals{ID: c.id, Path: ref.file.Path, Kind: ref.kind(), TextHash: m.TextHash,
		TextRank: c.textRank, VecRank: c.vecRank,
		Symbol: ev.symbol != "", Req: ev.req != "", Package: m.SymbolKind == "package",
		Exact: c.exact, Hint: c.hint, PastRank: c.pastRank,
		Scope: ev.scope != "", NonCode: !walk.IsProgramming(ref.file.Language), Example: walk.IsExample(ref.file.Path) || walk.IsCIScript(ref.file.Path)}, ev
}

// RankFiles orders the files of a query's signals as a file-level Search
// for code does: chunks by Score (ties by ID), a chunk whose text an
// earlier one has dropped, each file at its best chunk. The symbol graph's
// boost, which only lifts tests, is left out.
func (w Weights) RankFiles(sh QueryShape, sigs []Signals) []string {
	type scored struct {
		s     *Signals
		score float64
	}
	all := make([]scored, len(sigs))
	for i := range sigs {
		all[i] = scored{&sigs[i], w.Score(sigs[i], sh)}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].s.ID < all[j].s.ID
	})
	var kept []scored
	seenText := map[string]bool{}
	for _, c := range all {
		if !seenText[c.s.TextHash] {
			seenText[c.s.TextHash] = true
			kept = append(kept, c)
		}
	}
	kept = byFile(w, kept, func(c scored) (string, float64) { return c.s.Path, c.score })
	var files []string
	seenFile := map[string]bool{}
	for _, c := range kept {
		if !seenFile[c.s.Path] {
			seenFile[c.s.Path] = true
			files = append(files, c.s.Path)
		}
	}
	return files
}

// byFile orders ranked items (best first, one text each) for a search for
// files: the first item's file first, then every other file by its best
// score grown by Breadth for each of its items (Weights.Breadth), ties by
// path; each file's items stay together, in their order.
func byFile[T any](w Weights, ranked []T, of func(T) (path string, score float64)) []T {
	if w.Breadth <= 0 || len(ranked) == 0 {
		return ranked
	}
	type file struct {
		path  string
		best  float64
		items []T
	}
	var files []*file
	byPath := map[string]*file{}
	for _, it := range ranked {
		p, score := of(it)
		f := byPath[p]
		if f == nil {
			f = &file{path: p, best: score}
			byPath[p] = f
			files = append(files, f)
		}
		f.items = append(f.items, it)
	}
	grown := func(f *file) float64 { return f.best * (1 + w.Breadth*math.Log(float64(len(f.items)))) }
	rest := files[1:]
	sort.SliceStable(rest, func(i, j int) bool {
		if gi, gj := grown(rest[i]), grown(rest[j]); gi != gj {
			return gi > gj
		}
		return rest[i].path < rest[j].path
	})
	out := make([]T, 0, len(ranked))
	for _, f := range files {
		out = append(out, f.items...)
	}
	return out
}
