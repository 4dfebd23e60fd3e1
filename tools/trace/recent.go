package trace

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/history"
)

// A crash shortly after a change to the failing file is most often that
// change's doing, and the change is not always on the crashing line: a
// pool that now hands out a value it reset, a constructor that stopped
// setting a field, a guard moved into another method. So the functions of
// the failing file that its latest commit changed are suspects, when the
// commit came within recencyWindow of the newest commit and the function
// is tied to the failing one (it names the failing method's type or the
// failing function itself). The weight fades with the commit's age.
const (
	weightRecentChange = 0.35
	maxRecentChanges   = 3
)

// recentChanges adds those functions for the first in-repo frame of each
// root error. hist may be nil (no git history): nothing is added.
func recentChanges(ctx context.Context, ev *evidence, errs []Error, cands []Suspect) []Suspect {
	if ev.hist == nil {
		return cands
	}
	ix, hist, head := ev.ix, ev.hist, ev.headTime(ctx)
	if head.IsZero() {
		return cands
	}
	seen := map[string]bool{}
	for _, c := range cands {
		seen[c.Path+" "+c.Symbol] = true
	}
	for _, e := range errs {
		if !e.RootCause || e.Type == "goroutine" {
			continue
		}
		top, ok := firstAppFrame(e)
		if !ok || top.Symbol == "" {
			continue
		}
		cs, err := hist.Log(ctx, history.LogOptions{Paths: []string{top.Path}, Max: 1, NoFiles: true})
		if err != nil || len(cs) == 0 {
			continue
		}
		last := cs[0]
		age := max(head.Sub(last.Time), 0)
		w := weightRecentChange * (1 - float64(age)/float64(recencyWindow))
		if w <= 0 {
			continue
		}
		tie := tiedTo(top.Symbol)
		added := 0
		for _, c := range changedBy(ctx, ix, hist, top.Path, last.Hash) {
			key := c.Path + " " + c.Symbol
			if seen[key] || added == maxRecentChanges || c.Symbol == top.Symbol {
				continue
			}
			text, err := ix.ReadChunk(c)
			if err != nil || !tie.MatchString(text) {
				continue
			}
			seen[key] = true
			added++
			cands = append(cands, Suspect{Path: c.Path, Line: c.StartLine, URI: c.URI, Symbol: c.Symbol, SymbolKind: c.SymbolKind,
				Requires: c.Requirements, Score: w, lastErr: -1,
				Why: []string{fmt.Sprintf("changed by %s \"%s\" (%s before the newest commit), the latest commit to %s, where %s fails, and tied to it %+.2f",
					short(last.Hash), last.Subject, days(age), top.Path, top.Symbol, w)}})
		}
	}
	return cands
}

// tiedTo matches code that names the failing method's type (its
// receiver or class) or the failing function.
func tiedTo(symbol string) *regexp.Regexp {
	parts := strings.Split(symbol, ".")
	names := []string{regexp.QuoteMeta(parts[len(parts)-1])}
	if len(parts) >= 3 { // pkg.Type.Method (Go) or Class.method seen as pkg.Class.method
		names = append(names, regexp.QuoteMeta(parts[len(parts)-2]))
	}
	return regexp.MustCompile(`\b(?:` + strings.Join(names, "|") + `)\b`)
}

// changedBy lists the chunks of path whose lines the commit last changed
// (by blame), in file order.
func changedBy(ctx context.Context, ix *memory.Index, hist *history.Repo, path, hash string) []memory.ChunkInfo {
	lines, err := hist.Blame(ctx, "", path, 0, 0)
	if err != nil {
		return nil
	}
	var out []memory.ChunkInfo
	seen := map[string]bool{}
	for _, b := range lines {
		if b.Hash != hash {
			continue
		}
		c, ok := ix.ChunkAt(path, b.Line)
		if !ok || c.Symbol == "" || c.Kind != chunk.Code || seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		out = append(out, c)
	}
	return out
}
