package vector

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/devaiops/devai/memory/vector/internal/words"
)

// Hashing is a cheap baseline embedder: signed feature hashing of words,
// identifier parts and character 3-grams. It knows no synonyms but never
// fails, needs no data, and makes texts that share rare identifiers close.
type Hashing struct{ dim int }

// NewHashing returns a feature-hashing embedder of dim dimensions; dim < 8
// means 256.
func NewHashing(dim int) Embedder {
	if dim < 8 {
		dim = 256
	}
	return &Hashing{dim: dim}
}

// Name implements Embedder.
func (h *Hashing) Name() string { return fmt.Sprintf("hashing-v1-d%d", h.dim) }

// Dim implements Embedder.
func (h *Hashing) Dim() int { return h.dim }

// Embed implements Embedder.
func (h *Hashing) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, text := range texts {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("hashing embed: %w", err)
			}
		}
		out[i] = h.embed(text)
	}
	return out, nil
}

func (h *Hashing) embed(text string) []float32 {
	v := make([]float32, h.dim)
	words.Each(text, func(t words.Token) {
		h.feature(v, "w:", t.Whole, 1)
		if len(t.Parts) > 1 {
			for _, p := range t.Parts {
				h.feature(v, "w:", p, 1)
			}
		}
		// Character 3-grams of the padded word catch shared stems
		// ("session"/"sessions") at half the weight of a whole word.
		padded := []rune("^" + t.Whole + "$")
		for i := 0; i+3 <= len(padded); i++ {
			h.feature(v, "g:", string(padded[i:i+3]), 0.5)
		}
	})
	if !normalize(v) {
		clear(v)
		addHashed(v, "\x00empty", 1)
	}
	return v
}

// feature adds ±weight at the bucket that kind+s hashes to; the sign comes
// from the hash too, so collisions cancel out on average.
func (h *Hashing) feature(v []float32, kind, s string, weight float32) {
	f := fnv.New64a()
	f.Write([]byte(kind))
	f.Write([]byte(s))
	x := f.Sum64()
	idx := int(x % uint64(h.dim))
	if x>>63 == 1 {
		weight = -weight
	}
	v[idx] += weight
}
