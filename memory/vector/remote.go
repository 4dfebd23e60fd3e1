package vector

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/devaiops/devai/memory/internal/httpjson"
)

// remoteBatch caps the texts sent in one request; providers reject huge
// batches (OpenAI allows 2048 inputs) and smaller ones fail more cheaply.
const remoteBatch = 128

// remote holds what the HTTP embedders share: the endpoint (requests, one
// retry on 429 or 503, errors; see httpjson), and the dimension learned from
// the first answer.
type remote struct {
	kind  string // "ollama" or "openai", for messages
	model string
	ep    httpjson.Endpoint

	mu  sync.Mutex
	dim int
}

// newRemote returns the shared part of an embedder; header (may be nil)
// goes with every request.
func newRemote(kind, model string, hc *http.Client, header http.Header) remote {
	if hc == nil {
		hc = &http.Client{Timeout: 120 * time.Second}
	}
	ep := httpjson.Endpoint{Label: kind + " embed " + model, Client: hc, Header: header}
	return remote{kind: kind, model: model, ep: ep}
}

func (r *remote) Dim() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dim
}

// embedAll splits texts into batches, calls one per batch and checks every
// vector: same count as inputs, one dimension for the model's lifetime,
// finite. A zero vector (some servers return it for empty input) is
// replaced by the deterministic fallback so the Store never sees zeros.
func (r *remote) embedAll(ctx context.Context, texts []string, one func(context.Context, []string) ([][]float32, error)) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += remoteBatch {
		end := min(start+remoteBatch, len(texts))
		vs, err := one(ctx, texts[start:end])
		if err != nil {
			return nil, err
		}
		if len(vs) != end-start {
			return nil, fmt.Errorf("%s embed %s: %w: got %d vectors for %d texts", r.kind, r.model, ErrBadVector, len(vs), end-start)
		}
		r.mu.Lock()
		if r.dim == 0 && len(vs) > 0 {
			r.dim = len(vs[0])
		}
		dim := r.dim
		r.mu.Unlock()
		for i, v := range vs {
			if len(v) > 0 && allZero(v) {
				vs[i] = fallbackVector(texts[start+i], dim)
				continue
			}
			if err := checkVector(v, dim); err != nil {
				return nil, fmt.Errorf("%s embed %s: text %d: %w", r.kind, r.model, start+i, err)
			}
		}
		out = append(out, vs...)
	}
	return out, nil
}

func allZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}
