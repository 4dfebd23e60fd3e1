package llm

import (
	"context"
	"fmt"
)

// openAIRequest is the body of POST /v1/chat/completions.
type openAIRequest struct {
	Model               string    `json:"model"`
	Messages            []message `json:"messages"`
	Stream              bool      `json:"stream"`
	MaxCompletionTokens int       `json:"max_completion_tokens,omitempty"`
	Temperature         *float64  `json:"temperature,omitempty"`
}

// openAIResponse is the part of a chat.completion object we read.
type openAIResponse struct {
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
			Refusal *string `json:"refusal"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
}

// openAI asks an OpenAI-compatible chat completions endpoint. max_tokens
// is not sent: OpenAI deprecated it and its reasoning models reject it;
// max_completion_tokens is its replacement (servers that do not know it
// ignore it).
func (c *Client) openAI(ctx context.Context, system, prompt string) (string, error) {
	req := openAIRequest{Model: c.cfg.Model, Messages: messages(system, prompt), MaxCompletionTokens: c.cfg.MaxTokens, Temperature: c.cfg.Temperature}
	var resp openAIResponse
	if err := c.ep.Post(ctx, c.url, req, &resp); err != nil {
		return "", err
	}
	if len(resp.Choices) == 0 {
		return "", fmt.Errorf("chat %s: %w (no choices in the answer)", c.Name(), ErrEmpty)
	}
	ch := resp.Choices[0]
	switch {
	case ch.Message.Refusal != nil && *ch.Message.Refusal != "":
		return "", fmt.Errorf("chat %s: %w: %s", c.Name(), ErrRefused, *ch.Message.Refusal)
	case ch.FinishReason == "content_filter":
		return "", fmt.Errorf("chat %s: %w (finish_reason content_filter)", c.Name(), ErrRefused)
	case ch.FinishReason == "length":
		return "", fmt.Errorf("chat %s: %w (finish_reason length)", c.Name(), ErrTruncated)
	case ch.Message.Content == nil:
		return "", fmt.Errorf("chat %s: %w", c.Name(), ErrEmpty)
	}
	return *ch.Message.Content, nil
}
