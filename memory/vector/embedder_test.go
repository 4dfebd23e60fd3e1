package vector

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func mustBuiltin(t testing.TB) Embedder {
	t.Helper()
	e, err := NewBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func embedOne(t testing.TB, e Embedder, text string) []float32 {
	t.Helper()
	v, err := e.Embed(context.Background(), []string{text})
	if err != nil {
		t.Fatal(err)
	}
	return v[0]
}

// oddTexts are inputs that tend to produce zero or NaN vectors.
var oddTexts = []string{
	"", " ", "\n\t", "---", "!!!???", "0x7f3a9c", "zzqxjv wqpfk", "日本語のテキスト",
	"a", strings.Repeat("word ", 5000), "\x00\xff\xfe", "ÄÖÜ", "12345678901234567890",
}

func TestEmbeddersNeverZeroOrNaN(t *testing.T) {
	for _, e := range []Embedder{mustBuiltin(t), NewHashing(64)} {
		vs, err := e.Embed(context.Background(), oddTexts)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != len(oddTexts) {
			t.Fatalf("%s: %d vectors for %d texts", e.Name(), len(vs), len(oddTexts))
		}
		for i, v := range vs {
			if err := checkVector(v, e.Dim()); err != nil {
				t.Errorf("%s(%q): %v", e.Name(), oddTexts[i], err)
			}
			var n float64
			for _, x := range v {
				n += float64(x) * float64(x)
			}
			if math.Abs(n-1) > 1e-4 {
				t.Errorf("%s(%q): norm² %v, want 1", e.Name(), oddTexts[i], n)
			}
		}
	}
}

func TestEmbeddersDeterministic(t *testing.T) {
	texts := []string{"expired sessions are removed", "func parseJSONConfig(path string) error", "zzqxjv unknownword"}
	for _, mk := range []func() Embedder{func() Embedder { return mustBuiltin(t) }, func() Embedder { return NewHashing(128) }} {
		a, b := mk(), mk()
		va, _ := a.Embed(context.Background(), texts)
		vb, _ := b.Embed(context.Background(), texts)
		vb2, _ := b.Embed(context.Background(), texts[:1])
		for i := range texts {
			for j := range va[i] {
				if va[i][j] != vb[i][j] {
					t.Fatalf("%s: text %d differs between instances at %d", a.Name(), i, j)
				}
			}
		}
		for j := range va[0] {
			if va[0][j] != vb2[0][j] {
				t.Fatalf("%s: batch of 1 differs from batch of 3", a.Name())
			}
		}
	}
}

func TestBuiltinParaphrasesBeatUnrelated(t *testing.T) {
	e := mustBuiltin(t)
	cases := []struct{ a, para, unrelated string }{
		{"expired sessions are removed", "cleanup of stale session tokens", "the invoice total includes tax"},
		{"retry the request after a timeout", "when a call times out, try it again", "render the user avatar image"},
		{"parse the JSON config file", "read settings from a configuration document", "the cat sat on the mat"},
		{"user login fails with wrong password", "authentication error for invalid credentials", "compress images before upload"},
		{"database connection pool exhausted", "too many open connections to postgres", "the button color should be blue"},
		{"func deleteExpiredSessions(ctx context.Context) error", "remove stale session tokens", "compute the shipping cost of an order"},
		{"rate limit exceeded for api key", "too many requests from this client", "sort the list alphabetically"},
	}
	for _, c := range cases {
		v, err := e.Embed(context.Background(), []string{c.a, c.para, c.unrelated})
		if err != nil {
			t.Fatal(err)
		}
		p, u := cosine(v[0], v[1]), cosine(v[0], v[2])
		t.Logf("paraphrase %.3f unrelated %.3f  %q", p, u, c.a)
		if p <= u {
			t.Errorf("%q: paraphrase %.3f not above unrelated %.3f", c.a, p, u)
		}
		// The common-component removal keeps unrelated texts near zero
		// instead of the ~0.5 of a plain GloVe average.
		if u > 0.45 {
			t.Errorf("%q: unrelated similarity %.3f is too high", c.a, u)
		}
	}
}

func TestBuiltinIdentifierSplitting(t *testing.T) {
	e := mustBuiltin(t)
	ident := embedOne(t, e, "deleteExpiredSessions")
	prose := embedOne(t, e, "delete expired sessions")
	snake := embedOne(t, e, "delete_expired_sessions")
	other := embedOne(t, e, "render avatar image")
	if c := cosine(ident, prose); c < 0.999 {
		t.Errorf("camelCase vs prose: %.4f, want the same words", c)
	}
	if c := cosine(snake, prose); c < 0.999 {
		t.Errorf("snake_case vs prose: %.4f", c)
	}
	if cosine(ident, other) > 0.5 {
		t.Errorf("identifier too close to unrelated text")
	}
	// A compound the vocabulary knows is used whole.
	if c := cosine(embedOne(t, e, "JavaScript"), embedOne(t, e, "javascript")); c < 0.999 {
		t.Errorf("JavaScript vs javascript: %.4f", c)
	}
}

func TestBuiltinOOVSharesComponent(t *testing.T) {
	e := mustBuiltin(t)
	a := embedOne(t, e, "the frobnicator crashed")
	b := embedOne(t, e, "frobnicator restarted")
	c := embedOne(t, e, "the server crashed")
	d := embedOne(t, e, "kubelet restarted")
	if cosine(a, b) <= cosine(c, d) {
		t.Errorf("a shared unknown word should pull texts together: %.3f vs %.3f", cosine(a, b), cosine(c, d))
	}
}

func TestBuiltinLoadTime(t *testing.T) {
	start := time.Now()
	if _, err := parseGlove(gloveTable); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("load %v", took)
	limit := 100 * time.Millisecond
	if raceEnabled {
		limit = 2 * time.Second // the race detector slows map inserts ~10x
	}
	if took > limit {
		t.Errorf("load took %v, want < %v", took, limit)
	}
}

func TestBuiltinCorruptTable(t *testing.T) {
	for _, data := range []string{"", "DVGLV1\x00\x00", gloveTable[:len(gloveTable)-1], "XXXXXXXX" + gloveTable[8:]} {
		if _, err := parseGlove(data); err == nil {
			t.Errorf("parseGlove(%d bytes) accepted a broken table", len(data))
		}
	}
}

func TestEmbedHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, e := range []Embedder{mustBuiltin(t), NewHashing(32)} {
		if _, err := e.Embed(ctx, []string{"a", "b"}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", e.Name(), err)
		}
	}
}

func TestHashing(t *testing.T) {
	e := NewHashing(256)
	if e.Dim() != 256 || e.Name() != "hashing-v1-d256" {
		t.Fatalf("Dim %d Name %s", e.Dim(), e.Name())
	}
	if NewHashing(0).Dim() != 256 {
		t.Errorf("NewHashing(0) should default to 256")
	}
	a := embedOne(t, e, "deleteExpiredSessions")
	b := embedOne(t, e, "delete expired sessions")
	c := embedOne(t, e, "render avatar image")
	if cosine(a, b) <= cosine(a, c)+0.3 {
		t.Errorf("identifier vs words %.3f, vs unrelated %.3f", cosine(a, b), cosine(a, c))
	}
	// 3-grams make inflections close.
	if cosine(embedOne(t, e, "session"), embedOne(t, e, "sessions")) < 0.3 {
		t.Errorf("session/sessions not close under 3-grams")
	}
}

// cosine is the cosine similarity of two vectors of equal length.
func cosine(a, b []float32) float32 {
	if len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return float32(dot / math.Sqrt(na*nb))
}
