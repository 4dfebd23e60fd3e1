package memory

import (
	"fmt"
	"math"
	"regexp"
	"sort"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/history"
)

// The fix prior answers "which files keep needing fixes?": a file that
// many recent fix commits changed is likelier to hold the next bug (Sisman
// and Kak, MSR 2012; the time-weighted fix frequency of Google's bug
// prediction, Lewis et al., ICSE 2013). It is a prior, not a search: it
// only reorders files the other signals already found.

// fixSubject matches a commit subject that tells of a fix.
var fixSubject = regexp.MustCompile(`(?i)\b(?:fix(?:e[sd]|ing)?|bug(?:fix)?s?|crash(?:es|ed)?|panics?|errors?|regressions?|(?:fixes|closes|resolves) #\d+)\b`)

// recency weighs the i-th newest of n commits by its place in the window
// read: t runs from 0 (oldest) to 1 (newest), and 1/(1+e^(12-12t)) keeps
// the newest fifth or so and all but forgets the rest (Lewis et al.).
func recency(i, n int) float64 {
	t := 1.0
	if n > 1 {
		t = 1 - float64(i)/float64(n-1)
	}
	return 1 / (1 + math.Exp(-12*t+12))
}

// addFix counts c, when its subject tells of a fix, for each file it left.
func (p *pastChanges) addFix(c history.Commit, weight float64) {
	if !fixSubject.MatchString(c.Subject) {
		return
	}
	for _, f := range c.Files {
		if f.Status != "D" {
			p.fixes[f.Path] += weight
		}
	}
}

// markFixPrior ranks the code and test files among the candidates that
// pass q's filters by their fix prior and gives each of their chunks its
// file's rank; files no fix commit changed get none.
func (ix *Index) markFixPrior(q Query, past *pastChanges, cands map[string]*candidate) {
	if past == nil || len(past.fixes) == 0 {
		return
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	byFile := map[string][]*candidate{}
	for id, c := range cands {
		ref, ok := ix.byID[id]
		if !ok || !ix.passes(q, ref) || (ref.file.Kind != chunk.Code && ref.file.Kind != chunk.Test) || past.fixes[ref.file.Path] == 0 {
			continue
		}
		byFile[ref.file.Path] = append(byFile[ref.file.Path], c)
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Slice(files, func(a, b int) bool {
		if sa, sb := past.fixes[files[a]], past.fixes[files[b]]; sa != sb {
			return sa > sb
		}
		return files[a] < files[b]
	})
	for i, f := range files {
		for _, c := range byFile[f] {
			c.priorRank = i + 1
			c.priorWhy = fmt.Sprintf("often fixed lately (fix prior %.2f)", past.fixes[f])
		}
	}
}
