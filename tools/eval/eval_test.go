package eval

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/fixture"
)

func TestLoadSet(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    [][]string // expect of each case
		wantErr string
	}{
		{name: "paths and URIs", in: `{"query": "q", "expect": ["a.go", "devai://code/b/c.go#L3-L9", "./d.md"]}`,
			want: [][]string{{"a.go", "b/c.go", "d.md"}}},
		{name: "locset files", in: `{"commit": "abc", "query": "tsdb: fix", "files": ["tsdb/x.go"]}`, want: [][]string{{"tsdb/x.go"}}},
		{name: "blank and comment lines", in: "\n# a comment\n{\"query\": \"q\", \"expect\": [\"a\"]}\n\n", want: [][]string{{"a"}}},
		{name: "bad JSON names the line", in: "{\"query\": \"q\", \"expect\": [\"a\"]}\n{oops", wantErr: "line 2: not a JSON object"},
		{name: "empty query", in: `{"query": " ", "expect": ["a"]}`, wantErr: "line 1: query is empty"},
		{name: "nothing expected", in: `{"query": "q"}`, wantErr: "line 1: expect is empty"},
		{name: "unknown kind", in: `{"query": "q", "kinds": ["docs"], "expect": ["a"]}`, wantErr: `unknown kind "docs"`},
		{name: "empty set", in: "\n", wantErr: "no queries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadSet(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d cases, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if strings.Join(got[i].Expect, "|") != strings.Join(tt.want[i], "|") {
					t.Errorf("case %d expects %v, want %v", i, got[i].Expect, tt.want[i])
				}
			}
		})
	}
}

func TestParseVariant(t *testing.T) {
	tests := []struct {
		in        string
		embedder  string
		vector    float64 // of the applied weights; -1: weights untouched
		changesIx bool
		wantErr   string
	}{
		{in: "embedder=hash", embedder: "hash", vector: -1, changesIx: true},
		{in: "weights.vector=1", embedder: "builtin", vector: 1},
		{in: "embedder=none, weights.text=2", embedder: "none", vector: memory.DefaultWeights.Vector, changesIx: true},
		{in: "", wantErr: "--compare is empty"},
		{in: "embedder", wantErr: "is not key=value"},
		{in: "weights.vector=-1", wantErr: "a weight is a number of 0 or more"},
		{in: "weights.colour=1", wantErr: `unknown key "weights.colour"`},
		{in: "weights.other-kind=0,weights.docs=0.5", embedder: "builtin", vector: memory.DefaultWeights.Vector},
		{in: "weights.other-kind=1", wantErr: "other-kind below 1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := ParseVariant(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			opts := v.Apply(memory.Options{Repo: "r", Embedder: "builtin"})
			if opts.Embedder != tt.embedder || opts.Repo != "r" {
				t.Errorf("applied options %+v, want embedder %s on repo r", opts, tt.embedder)
			}
			if tt.vector < 0 && opts.Weights != nil || tt.vector >= 0 && (opts.Weights == nil || opts.Weights.Vector != tt.vector) {
				t.Errorf("weights %+v, want vector %v", opts.Weights, tt.vector)
			}
			if v.ChangesIndex() != tt.changesIx {
				t.Errorf("ChangesIndex = %v, want %v", v.ChangesIndex(), tt.changesIx)
			}
		})
	}
}

func TestThresholds(t *testing.T) {
	s := Summary{MRR: 0.8, Acc1: 0.7, ContextualPrecision: 0.5}
	if f := (Thresholds{"mrr": 0.79, "acc_at_1": 0.7}).Check(s); len(f) != 0 {
		t.Errorf("at or above every threshold, got failures %v", f)
	}
	f := Thresholds{"mrr": 0.81, "contextual_precision": 0.6, "ndcg": 0.1}.Check(s)
	want := []string{"contextual_precision 0.500 is below the threshold 0.600", "mrr 0.800 is below the threshold 0.810", "ndcg is not a figure"}
	if len(f) != len(want) {
		t.Fatalf("failures %v, want %v", f, want)
	}
	for i := range want {
		if !strings.HasPrefix(f[i], want[i]) {
			t.Errorf("failure %d = %q, want %q…", i, f[i], want[i])
		}
	}
}

// TestRunOnShop runs a small set through a real index of the fixture and
// checks the figures against what the ranking returns.
func TestRunOnShop(t *testing.T) {
	ctx := context.Background()
	ix, err := memory.Open(ctx, memory.Options{Repo: fixture.Dir(t), StateDir: t.TempDir(), Embedder: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	set, err := LoadSet(strings.NewReader(`{"query": "DeleteExpired", "kinds": ["code"], "expect": ["internal/sessions/store.go"]}
{"query": "token bucket rate limiter", "expect": ["devai://code/internal/ratelimit/limiter.go#L1-L5"]}
{"query": "zebra crossing astronomy", "kinds": ["spec"], "expect": ["no/such/file.md"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	search := func(ctx context.Context, c Case, limit int) (Retrieved, error) {
		q := memory.Query{Text: c.Query, FileLevel: true, Limit: limit}
		for _, k := range c.Kinds {
			q.Kinds = append(q.Kinds, chunk.Kind(k))
		}
		asked = append(asked, c.Query)
		res, err := ix.Search(ctx, q)
		var got Retrieved
		for _, h := range res.Hits {
			got.Paths = append(got.Paths, h.Path)
		}
		got.Tokens = res.Tokens
		return got, err
	}
	sum, results, err := Run(ctx, set, search, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 4 || len(results) != 3 || sum.Queries != 3 {
		t.Fatalf("asked %v, %d results, summary of %d", asked, len(results), sum.Queries)
	}
	for _, r := range results[:2] {
		if r.Rank < 1 || r.Returned[r.Rank-1] != r.Expect[0] {
			t.Errorf("%q: rank %d does not point at %s in %v", r.Query, r.Rank, r.Expect[0], r.Returned)
		}
		if r.Tokens <= 0 || r.LatencyMS <= 0 {
			t.Errorf("%q: tokens %d, latency %v ms: want both measured", r.Query, r.Tokens, r.LatencyMS)
		}
	}
	if results[2].Rank != 0 || results[2].RR != 0 || results[2].Precision != 0 {
		t.Errorf("an unanswerable query scored: %+v", results[2])
	}
	if sum.Misses != 1 {
		t.Errorf("misses = %d, want 1", sum.Misses)
	}
	wantMRR := (results[0].RR + results[1].RR) / 3
	if d := sum.MRR - wantMRR; d > 1e-9 || d < -1e-9 {
		t.Errorf("MRR %.4f, want the mean of the reciprocal ranks %.4f", sum.MRR, wantMRR)
	}
	if sum.LatencyP95MS < sum.LatencyP50MS {
		t.Errorf("p95 %v below p50 %v", sum.LatencyP95MS, sum.LatencyP50MS)
	}
	md := Markdown(Report{Set: "s.jsonl", Repo: "shop", Limit: 10, Configs: []Config{{Name: "baseline", Settings: "hash", Summary: sum, Queries: results}}})
	for _, want := range []string{"| MRR |", "zebra crossing astronomy", "line 3"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestRunStopsOnSearchError(t *testing.T) {
	set := []Case{{Query: "a", Expect: []string{"x"}, Line: 4}}
	boom := errors.New("index closed")
	_, _, err := Run(context.Background(), set, func(context.Context, Case, int) (Retrieved, error) { return Retrieved{}, boom }, 10)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("err = %v, want the search error with its line", err)
	}
}
