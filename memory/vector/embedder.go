// Package vector is devai's vector channel: embedders that turn chunk text
// into unit vectors (a built-in offline one, feature hashing, and Ollama or
// OpenAI-compatible endpoints) and a Store that keeps one vector per chunk
// ID in chromem-go and snapshots it to a single file.
package vector

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
)

// Embedder turns texts into vectors of one fixed dimension.
type Embedder interface {
	// Name is a stable id that includes the model, its version and the
	// dimension where known. The Store records it; a different name means
	// every vector must be computed again.
	Name() string
	// Dim is the vector length, or 0 for a remote model whose dimension is
	// not known until its first answer.
	Dim() int
	// Embed returns one vector per text, in order. No vector is all zeros or
	// holds NaN/Inf. It stops early when ctx ends.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// ErrBadVector is wrapped by errors about vectors a remote model returned
// that cannot be used (wrong length, NaN, wrong count).
var ErrBadVector = errors.New("unusable embedding")

// fallbackVector returns a deterministic pseudo-random unit vector for key.
// Embedders use it for empty or out-of-vocabulary text so that no vector is
// all zeros (chromem-go turns a zero vector into NaN when normalising).
func fallbackVector(key string, dim int) []float32 {
	v := make([]float32, dim)
	addHashed(v, key, 1)
	normalize(v)
	return v
}

// addHashed adds weight times a pseudo-random unit vector derived from key
// to v. The vector is the same for the same key on every machine.
func addHashed(v []float32, key string, weight float32) {
	h := fnv.New64a()
	h.Write([]byte(key))
	state := h.Sum64() | 1
	tmp := make([]float32, len(v))
	var norm float64
	for i := range tmp {
		state = splitmix(state)
		// uniform in [-1, 1); a random direction is all that matters here
		x := float32(int64(state>>11)-(1<<52)) / float32(1<<52)
		tmp[i] = x
		norm += float64(x) * float64(x)
	}
	if norm == 0 {
		tmp[0], norm = 1, 1
	}
	s := weight / float32(math.Sqrt(norm))
	for i := range v {
		v[i] += tmp[i] * s
	}
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	z := x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// normalize scales v to unit length and reports false when v is (nearly)
// zero or not finite, in which case v is left as it was.
func normalize(v []float32) bool {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n < 1e-20 || math.IsNaN(n) || math.IsInf(n, 0) {
		return false
	}
	s := float32(1 / math.Sqrt(n))
	for i := range v {
		v[i] *= s
	}
	return true
}

// checkVector reports why v cannot be stored: wrong length, NaN/Inf, or all
// zeros.
func checkVector(v []float32, dim int) error {
	if dim > 0 && len(v) != dim {
		return fmt.Errorf("%w: %d dimensions, want %d", ErrBadVector, len(v), dim)
	}
	if len(v) == 0 {
		return fmt.Errorf("%w: empty vector", ErrBadVector)
	}
	zero := true
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("%w: value %d is %v", ErrBadVector, i, x)
		}
		if x != 0 {
			zero = false
		}
	}
	if zero {
		return fmt.Errorf("%w: all zeros", ErrBadVector)
	}
	return nil
}
