package vector

import (
	"context"
	"fmt"
	"net/http"

	"github.com/devaiops/devai/memory/internal/httpjson"
)

// OpenAI embeds through an OpenAI-compatible /v1/embeddings endpoint
// (OpenAI, Azure-style gateways, vLLM, LM Studio, llama.cpp server, …).
type OpenAI struct {
	remote
	url string
}

// NewOpenAI returns an embedder for model at url (e.g.
// "https://api.openai.com"; a trailing "/v1" is accepted). apiKey may be
// empty for local servers. hc may be nil.
func NewOpenAI(url, model, apiKey string, hc *http.Client) Embedder {
	return &OpenAI{remote: newRemote("openai", model, hc, httpjson.BearerHeader(apiKey)), url: httpjson.JoinURL(url, "/v1/embeddings")}
}

// Name implements Embedder.
func (o *OpenAI) Name() string { return "openai:" + o.model }

// Embed implements Embedder.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return o.embedAll(ctx, texts, func(ctx context.Context, batch []string) ([][]float32, error) {
		var resp struct {
			Data []struct {
				Index     int       `json:"index"`
				Embedding []float32 `json:"embedding"`
			} `json:"data"`
		}
		req := struct {
			Model string   `json:"model"`
			Input []string `json:"input"`
		}{o.model, batch}
		if err := o.ep.Post(ctx, o.url, req, &resp); err != nil {
			return nil, err
		}
		// The answer is ordered by "index", which need not match the
		// order of the array; place each vector where it belongs.
		out := make([][]float32, len(batch))
		if len(resp.Data) != len(batch) {
			return nil, fmt.Errorf("openai embed %s: %w: got %d vectors for %d texts", o.model, ErrBadVector, len(resp.Data), len(batch))
		}
		for _, d := range resp.Data {
			if d.Index < 0 || d.Index >= len(batch) || out[d.Index] != nil {
				return nil, fmt.Errorf("openai embed %s: %w: index %d is out of range or repeated", o.model, ErrBadVector, d.Index)
			}
			out[d.Index] = d.Embedding
		}
		return out, nil
	})
}
