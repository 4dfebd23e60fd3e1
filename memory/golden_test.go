package memory

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/devaiops/devai/memory/chunk"
)

// goldenQuery is one line of a golden set: a query and the files that
// answer it, best first.
type goldenQuery struct {
	Query  string   `json:"query"`
	Kinds  []string `json:"kinds,omitempty"`
	Expect []string `json:"expect"`
	// KnownMiss marks a query the ranking gets wrong today. It still counts
	// in the MRR, but its rank is not asserted; say why in Note.
	KnownMiss bool   `json:"known_miss,omitempty"`
	Note      string `json:"note,omitempty"`
}

func loadGolden(t *testing.T, path string) []goldenQuery {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var qs []goldenQuery
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var q goldenQuery
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		qs = append(qs, q)
	}
	return qs
}

// moduleRoot is the devai repository root, found from this file.
func moduleRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// runGolden scores a golden set zoekt-style: the first expected file must be
// within the top maxRank files of every query, and the mean reciprocal rank
// over the set must not fall below minMRR. The thresholds sit just under
// what the current ranking achieves, so a regression fails the build.
func runGolden(t *testing.T, ix *Index, set []goldenQuery, maxRank int, minMRR float64) {
	t.Helper()
	mrr := goldenMRR(t, ix, set, ModeHybrid, maxRank)
	t.Logf("%d queries, MRR %.3f", len(set), mrr)
	if mrr < minMRR {
		t.Errorf("MRR %.3f fell below %.3f", mrr, minMRR)
	}
}

// goldenMRR runs a golden set in one mode; with maxRank > 0 it also fails
// every query whose first expected file ranks below maxRank.
func goldenMRR(t *testing.T, ix *Index, set []goldenQuery, mode Mode, maxRank int) float64 {
	t.Helper()
	var sumRR float64
	for _, g := range set {
		q := Query{Text: g.Query, FileLevel: true, Limit: 10, Mode: mode}
		for _, k := range g.Kinds {
			q.Kinds = append(q.Kinds, chunk.Kind(k))
		}
		res, err := ix.Search(context.Background(), q)
		if err != nil {
			t.Errorf("%q: %v", g.Query, err)
			continue
		}
		rank := 0
		for i, h := range res.Hits {
			if contains(g.Expect, h.Path) {
				rank = i + 1
				break
			}
		}
		if rank > 0 {
			sumRR += 1 / float64(rank)
		}
		if maxRank > 0 && !g.KnownMiss && (rank == 0 || rank > maxRank) {
			t.Errorf("%q: expected %v within the top %d; got rank %d of %v", g.Query, g.Expect, maxRank, rank, paths(res.Hits))
		}
	}
	return sumRR / float64(len(set))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestGoldenShop(t *testing.T) {
	root := moduleRoot(t)
	set := loadGolden(t, filepath.Join(root, "testdata", "golden", "shop.jsonl"))
	ix, err := Open(context.Background(), Options{Repo: filepath.Join(root, "testdata", "shop"), StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	runGolden(t, ix, set, 10, 0.82)
}

// TestGoldenShopHybridBeatsChannels checks that fusion earns its keep: the
// hybrid ranking must do at least as well as either channel alone.
func TestGoldenShopHybridBeatsChannels(t *testing.T) {
	root := moduleRoot(t)
	set := loadGolden(t, filepath.Join(root, "testdata", "golden", "shop.jsonl"))
	ix, err := Open(context.Background(), Options{Repo: filepath.Join(root, "testdata", "shop"), StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	hybrid := goldenMRR(t, ix, set, ModeHybrid, 0)
	text := goldenMRR(t, ix, set, ModeText, 0)
	vec := goldenMRR(t, ix, set, ModeVector, 0)
	t.Logf("MRR hybrid %.3f, text %.3f, vector %.3f", hybrid, text, vec)
	if hybrid < text || hybrid < vec {
		t.Errorf("hybrid MRR %.3f is below a single channel (text %.3f, vector %.3f)", hybrid, text, vec)
	}
}

// TestGoldenDevai runs a golden set over devai's own source tree. The tree
// is the corpus, so the figure moves as the repository grows: 0.690 at
// 26d618a, 0.647 on 2026-12-04 after issues 12, 13 and 16 added bench and
// tool code (two queries marked known_miss say which), 0.608 on 2026-12-05
// after issues 14 and 15 added the team server and the console (every
// query still in the top 10, lower). The floor guards against a collapse;
// issue 17 is where the ranking gets better.
func TestGoldenDevai(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the whole repository")
	}
	root := moduleRoot(t)
	set := loadGolden(t, filepath.Join(root, "testdata", "golden", "devai.jsonl"))
	ix, err := Open(context.Background(), Options{Repo: root, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	runGolden(t, ix, set, 10, 0.58)
}
