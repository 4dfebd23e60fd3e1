package llm

import (
	"context"
	"fmt"
)

// ollamaRequest is the body of POST /api/chat. stream must be false, or
// Ollama answers with a stream of JSON lines.
type ollamaRequest struct {
	Model    string         `json:"model"`
	Messages []message      `json:"messages"`
	Stream   bool           `json:"stream"`
	Options  *ollamaOptions `json:"options,omitempty"`
}

type ollamaOptions struct {
	Temperature *float64 `json:"temperature,omitempty"`
	NumPredict  int      `json:"num_predict,omitempty"`
}

// ollamaResponse is the part of the answer we read. A thinking model's
// reasoning comes in message.thinking, which is not the answer.
type ollamaResponse struct {
	Message struct {
		Content string `json:"content"`
	} `json:"message"`
	Done       bool   `json:"done"`
	DoneReason string `json:"done_reason"`
}

// ollama asks Ollama's native chat endpoint.
func (c *Client) ollama(ctx context.Context, system, prompt string) (string, error) {
	req := ollamaRequest{Model: c.cfg.Model, Messages: messages(system, prompt)}
	if c.cfg.Temperature != nil || c.cfg.MaxTokens > 0 {
		req.Options = &ollamaOptions{Temperature: c.cfg.Temperature, NumPredict: c.cfg.MaxTokens}
	}
	var resp ollamaResponse
	if err := c.ep.Post(ctx, c.url, req, &resp); err != nil {
		return "", err
	}
	if resp.DoneReason == "length" {
		return "", fmt.Errorf("chat %s: %w (done_reason length)", c.Name(), ErrTruncated)
	}
	return resp.Message.Content, nil
}
