package memory

import (
	"fmt"
	"net/http"
	"time"

	"github.com/devaiops/devai/memory/vector"
)

// Embedders lists the names Options.Embedder accepts.
var Embedders = []string{"builtin", "hash", "none", "ollama", "openai"}

// newEmbedder returns the embedder opts name, or nil for "none".
func newEmbedder(opts Options) (vector.Embedder, error) {
	hc := &http.Client{Timeout: 60 * time.Second}
	switch opts.Embedder {
	case "builtin":
		return vector.NewBuiltin()
	case "hash":
		return vector.NewHashing(256), nil
	case "none":
		return nil, nil
	case "ollama":
		url, model := opts.EmbedURL, opts.EmbedModel
		if url == "" {
			url = "http://127.0.0.1:11434"
		}
		if model == "" {
			model = "nomic-embed-text"
		}
		return vector.NewOllama(url, model, hc), nil
	case "openai":
		if opts.EmbedURL == "" || opts.EmbedModel == "" {
			return nil, fmt.Errorf("embedder openai needs an endpoint URL and a model (--embed-url, --embed-model)")
		}
		return vector.NewOpenAI(opts.EmbedURL, opts.EmbedModel, opts.EmbedKey, hc), nil
	}
	return nil, fmt.Errorf("unknown embedder %q: use one of %v", opts.Embedder, Embedders)
}
