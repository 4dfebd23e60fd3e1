package vector

import (
	"context"
	"net/http"

	"github.com/devaiops/devai/memory/internal/httpjson"
)

// Ollama embeds through an Ollama server's /api/embed endpoint.
type Ollama struct {
	remote
	url string
}

// NewOllama returns an embedder for model served at url (e.g.
// "http://localhost:11434"). hc may be nil.
func NewOllama(url, model string, hc *http.Client) Embedder {
	return &Ollama{remote: newRemote("ollama", model, hc, nil), url: httpjson.JoinURL(url, "/api/embed")}
}

// Name implements Embedder.
func (o *Ollama) Name() string { return "ollama:" + o.model }

// Embed implements Embedder.
func (o *Ollama) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return o.embedAll(ctx, texts, func(ctx context.Context, batch []string) ([][]float32, error) {
		var resp struct {
			Embeddings [][]float32 `json:"embeddings"`
		}
		req := struct {
			Model string   `json:"model"`
			Input []string `json:"input"`
		}{o.model, batch}
		if err := o.ep.Post(ctx, o.url, req, &resp); err != nil {
			return nil, err
		}
		return resp.Embeddings, nil
	})
}
