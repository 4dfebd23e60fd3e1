package memory

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/history"
	"github.com/devaiops/devai/memory/textindex"
	"github.com/devaiops/devai/memory/walk"
)

// The past-changes signal answers "which files did commits like this one
// change?": a request, a bug report or a commit message shares words with
// the messages of earlier commits, and those commits' files are where the
// next change most often goes (BugLocator's similar-report score, Zhou et
// al., ICSE 2012). Messages are scored with BM25 over the index's own
// analyzer; a file gains each similar commit's score divided by the number
// of files that commit touched, so a sweeping refactor counts for little.

const (
	pastCommitsRead = 5000 // the newest commits whose messages are searched
	pastCommitsUsed = 20   // the most similar of them that vote for files
	pastFilesRanked = 30   // files the signal ranks
	pastMaxFiles    = 50   // a commit touching more files is a sweep: ignored
	bm25K1, bm25B   = 1.2, 0.75
)

// pastChanges is the searchable history of one HEAD.
type pastChanges struct {
	head     string
	commits  []pastCommit
	postings map[string][]pastPosting
	avgLen   float64
}

type pastCommit struct {
	files   []string
	length  int // analysed terms in the message
	hash    string
	subject string
}

type pastPosting struct{ commit, tf int }

// pastFile is a file the signal ranks, with the commit that voted most for it.
type pastFile struct {
	path  string
	score float64
	by    pastCommit
}

// pastCache holds the history read for the index's current HEAD.
type pastCache struct {
	mu      sync.Mutex
	loaded  *pastChanges
	failed  string    // the HEAD whose history could not be read
	checked time.Time // when HEAD was last resolved
}

// headRecheck is how long a resolved HEAD is trusted: resolving it runs git,
// which would cost every search a few milliseconds.
const headRecheck = 2 * time.Second

// pastChangesFor returns the searchable history at HEAD, reading it when
// HEAD moved; nil when the repository has no git history.
func (ix *Index) pastChangesFor(ctx context.Context) *pastChanges {
	ix.past.mu.Lock()
	defer ix.past.mu.Unlock()
	if time.Since(ix.past.checked) < headRecheck {
		return ix.past.loaded
	}
	ix.past.checked = time.Now()
	repo, err := history.Open(ix.repo)
	if err != nil {
		ix.past.loaded = nil
		return nil
	}
	head, err := repo.Resolve(ctx, "HEAD")
	if err != nil {
		ix.past.loaded = nil
		if ctx.Err() != nil {
			ix.past.checked = time.Time{} // the caller gave up: the next search resolves it
		}
		return nil
	}
	if p := ix.past.loaded; p != nil && p.head == head {
		return p
	}
	if ix.past.failed == head {
		ix.past.loaded = nil
		return nil
	}
	commits, err := repo.Log(ctx, history.LogOptions{To: head, Max: pastCommitsRead})
	if err != nil {
		ix.past.loaded = nil
		if ctx.Err() != nil {
			ix.past.checked = time.Time{} // the caller gave up: the next search reads it
			return nil
		}
		ix.log.Warn("past changes: read the history", "error", err)
		ix.past.failed = head
		return nil
	}
	ix.past.loaded = newPastChanges(head, commits)
	return ix.past.loaded
}

func newPastChanges(head string, commits []history.Commit) *pastChanges {
	p := &pastChanges{head: head, postings: map[string][]pastPosting{}}
	total := 0
	for _, c := range commits {
		if len(c.Files) == 0 || len(c.Files) > pastMaxFiles {
			continue
		}
		terms := textindex.Analyze(c.Subject + "\n" + c.Body)
		if len(terms) == 0 {
			continue
		}
		id := len(p.commits)
		tf := map[string]int{}
		for _, t := range terms {
			tf[t]++
		}
		for t, n := range tf {
			p.postings[t] = append(p.postings[t], pastPosting{id, n})
		}
		files := make([]string, 0, len(c.Files))
		for _, f := range c.Files {
			if f.Status != "D" {
				files = append(files, f.Path)
			}
		}
		p.commits = append(p.commits, pastCommit{files: files, length: len(terms), hash: c.Hash, subject: c.Subject})
		total += len(terms)
	}
	if len(p.commits) > 0 {
		p.avgLen = float64(total) / float64(len(p.commits))
	}
	return p
}

// files ranks the files that the commits most like text changed, best first;
// the terms of title (the query's first line, queryTitle) weigh 1+boost
// times as much; keep says which paths are indexed.
func (p *pastChanges) files(text, title string, boost float64, keep func(string) bool) []pastFile {
	if p == nil || len(p.commits) == 0 {
		return nil
	}
	scores := map[int]float64{}
	weight := map[string]float64{}
	var terms []string // in the query's order, so that sums are reproducible
	for _, t := range textindex.Analyze(text) {
		if weight[t] == 0 {
			terms = append(terms, t)
		}
		weight[t] = 1
	}
	if boost > 0 {
		for _, t := range textindex.Analyze(title) {
			weight[t] = 1 + boost
		}
	}
	n := float64(len(p.commits))
	for _, t := range terms {
		w := weight[t]
		posts := p.postings[t]
		if len(posts) == 0 {
			continue
		}
		idf := w * math.Log(1+(n-float64(len(posts))+0.5)/(float64(len(posts))+0.5))
		for _, ps := range posts {
			tf := float64(ps.tf)
			norm := bm25K1 * (1 - bm25B + bm25B*float64(p.commits[ps.commit].length)/p.avgLen)
			scores[ps.commit] += idf * tf * (bm25K1 + 1) / (tf + norm)
		}
	}
	ids := make([]int, 0, len(scores))
	for id := range scores {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool {
		if scores[ids[a]] != scores[ids[b]] {
			return scores[ids[a]] > scores[ids[b]]
		}
		return ids[a] < ids[b] // newer first
	})
	byPath := map[string]*pastFile{}
	for _, id := range ids[:min(len(ids), pastCommitsUsed)] {
		c := p.commits[id]
		var kept []string
		for _, f := range c.files {
			if keep(f) {
				kept = append(kept, f)
			}
		}
		for _, f := range kept {
			vote := scores[id] / float64(len(kept))
			pf := byPath[f]
			if pf == nil {
				pf = &pastFile{path: f, by: c}
				byPath[f] = pf
			}
			pf.score += vote
		}
	}
	out := make([]pastFile, 0, len(byPath))
	for _, pf := range byPath {
		out = append(out, *pf)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].score != out[b].score {
			return out[a].score > out[b].score
		}
		return out[a].path < out[b].path
	})
	return out[:min(len(out), pastFilesRanked)]
}

// isQuestion: the query asks where or how something is ("where are route
// parameters parsed", "… ?"), rather than telling of a change or a failure.
// Past changes answer where the next change goes, not where code is: on the
// question set they pushed answers out of the top 5.
func isQuestion(text string) bool {
	t := strings.TrimSpace(text)
	return questionWord.MatchString(t) || strings.HasSuffix(t, "?")
}

// markPastChanges gives the chunks of each source file (code or test, in
// a programming language) that similar past commits changed that file's
// rank. Documents and logs a change touches are found by their words, and
// a commit that edits the README says little about the next one; nor does
// one that edits package.json, .travis.yml or MANIFEST.in, which commits
// touch for reasons of their own (knex's OracleDB fixes ranked package.json
// first). A ranked file with no candidate yet brings its first chunk that
// is not a package header.
func (ix *Index) markPastChanges(past *pastChanges, text string, cands map[string]*candidate) {
	if past == nil {
		return
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	files := past.files(text, queryTitle(text), ix.weights.HistoryTitle, func(p string) bool {
		f := ix.man.Files[p]
		return f != nil && (f.Kind == chunk.Code || f.Kind == chunk.Test) && walk.IsProgramming(f.Language)
	})
	for i, pf := range files {
		f := ix.man.Files[pf.path]
		why := fmt.Sprintf("changed by a similar past commit (%.7s %s)", pf.by.hash, pf.by.subject)
		found := false
		for j := range f.Chunks {
			if c := cands[f.Chunks[j].ID]; c != nil {
				c.pastRank, c.pastWhy, found = i+1, why, true
			}
		}
		if found {
			continue
		}
		for j := range f.Chunks {
			if f.Chunks[j].SymbolKind != "package" {
				c := candidateFor(cands, f.Chunks[j].ID)
				c.pastRank, c.pastWhy = i+1, why
				break
			}
		}
	}
}
