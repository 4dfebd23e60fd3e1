package vector

import (
	"context"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/devaiops/devai/memory/vector/internal/words"
)

//go:generate go run ./internal/gloveconv -out data/glove6b100d-q8.bin

// gloveTable is the int8 GloVe 6B 100-d word table written by
// internal/gloveconv (layout documented there). It is embedded as a string
// so that words and vectors are read in place, without a copy, and cannot be
// modified.
//
//go:embed data/glove6b100d-q8.bin
var gloveTable string

const (
	builtinName = "builtin-glove6b-d100-sif-v1"
	gloveMagic  = "DVGLV1\x00\x00"
	sifA        = 1e-3
)

// Builtin is the offline default embedder: GloVe word vectors averaged with
// SIF weights, minus a common component, L2-normalised. It needs no network
// and no key. Its table loads lazily on the first Embed call.
type Builtin struct {
	once sync.Once
	tab  *gloveIndex
	err  error
}

// gloveIndex is the parsed table. Vectors stay in the embedded string.
type gloveIndex struct {
	data    string // the table; vectors are read from it in place
	dim     int
	ids     map[string]int32
	weights []float32 // SIF weight a/(a+p(w)) times the row's int8 scale
	vecOff  int       // offset of row 0 of the int8 vectors in gloveTable
	common  []float32 // unit vector removed from every sentence vector
	oovNorm float32   // typical word-vector norm, used for OOV words
	oovW    float32   // SIF weight of an unseen (rare) word
}

// NewBuiltin returns the built-in embedder. The table is checked and parsed
// on first use (about 10–40 ms); a broken build fails there with a clear
// error.
func NewBuiltin() (Embedder, error) {
	if len(gloveTable) < len(gloveMagic) || gloveTable[:len(gloveMagic)] != gloveMagic {
		return nil, errors.New("vector: built-in word table is missing or not a devai GloVe table; run go generate ./memory/vector")
	}
	return &Builtin{}, nil
}

// Name implements Embedder.
func (b *Builtin) Name() string { return builtinName }

// Dim implements Embedder.
func (b *Builtin) Dim() int { return 100 }

func (b *Builtin) load() (*gloveIndex, error) {
	b.once.Do(func() { b.tab, b.err = parseGlove(gloveTable) })
	return b.tab, b.err
}

func parseGlove(data string) (*gloveIndex, error) {
	le := binary.LittleEndian
	const hdr = 8 + 4*4
	if len(data) < hdr || data[:8] != gloveMagic {
		return nil, errors.New("vector: built-in word table: bad header")
	}
	u32 := func(off int) uint32 { return le.Uint32([]byte(data[off : off+4])) }
	n, dim, vocab := int(u32(8)), int(u32(12)), int(u32(16))
	oovNorm := math.Float32frombits(u32(20))
	off := hdr
	need := off + 4*dim + 12*n
	if dim != 100 || n <= 0 || len(data) < need {
		return nil, fmt.Errorf("vector: built-in word table: n=%d dim=%d size=%d is inconsistent", n, dim, len(data))
	}
	t := &gloveIndex{data: data, dim: dim, ids: make(map[string]int32, n), weights: make([]float32, n), common: make([]float32, dim), oovNorm: oovNorm}
	raw := []byte(data[off : off+4*dim+12*n]) // one copy of the small header arrays
	for j := 0; j < dim; j++ {
		t.common[j] = math.Float32frombits(le.Uint32(raw[4*j:]))
	}
	ranks := raw[4*dim:]
	scales := ranks[4*n:]
	ends := scales[4*n:]
	h := math.Log(float64(vocab)) + 0.5772156649
	blob := off + 4*dim + 12*n
	start := blob
	for i := 0; i < n; i++ {
		end := blob + int(le.Uint32(ends[4*i:]))
		if end < start || end > len(data) {
			return nil, fmt.Errorf("vector: built-in word table: word %d out of range", i)
		}
		t.ids[data[start:end]] = int32(i)
		start = end
		p := 1 / (float64(le.Uint32(ranks[4*i:])) * h)
		t.weights[i] = float32(sifA/(sifA+p)) * math.Float32frombits(le.Uint32(scales[4*i:]))
	}
	t.vecOff = start
	if len(data) != t.vecOff+n*dim {
		return nil, fmt.Errorf("vector: built-in word table: %d bytes of vectors, want %d", len(data)-t.vecOff, n*dim)
	}
	pRare := 1 / (float64(vocab) * h)
	t.oovW = float32(sifA / (sifA + pRare))
	return t, nil
}

// Embed implements Embedder.
func (b *Builtin) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	t, err := b.load()
	if err != nil {
		return nil, err
	}
	out := make([][]float32, len(texts))
	acc := make([]float32, t.dim)
	for i, text := range texts {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("builtin embed: %w", err)
			}
		}
		out[i] = t.embed(text, acc)
	}
	return out, nil
}

// embed computes one sentence vector; acc is scratch space of length dim.
func (t *gloveIndex) embed(text string, acc []float32) []float32 {
	clear(acc)
	found := false
	add := func(w string) {
		found = true
		if id, ok := t.ids[w]; ok {
			t.addRow(acc, int(id))
			return
		}
		addHashed(acc, w, t.oovW*t.oovNorm)
	}
	words.Each(text, func(tok words.Token) {
		// A compound the vocabulary knows as a word ("javascript",
		// "timeout") is used whole; otherwise its parts are.
		if len(tok.Parts) > 1 {
			if _, ok := t.ids[tok.Whole]; !ok {
				for _, p := range tok.Parts {
					add(p)
				}
				return
			}
		}
		add(tok.Whole)
	})
	v := make([]float32, t.dim)
	if !found {
		addHashed(v, "\x00empty", 1)
		return v
	}
	// Remove the common component: v -= (v·u) u.
	var dot float32
	for j, x := range acc {
		dot += x * t.common[j]
	}
	for j := range v {
		v[j] = acc[j] - dot*t.common[j]
	}
	if !normalize(v) {
		clear(v)
		addHashed(v, text, 1)
	}
	return v
}

func (t *gloveIndex) addRow(acc []float32, id int) {
	w := t.weights[id]
	row := t.data[t.vecOff+id*t.dim : t.vecOff+(id+1)*t.dim]
	for j := 0; j < len(row); j++ {
		acc[j] += w * float32(int8(row[j]))
	}
}
