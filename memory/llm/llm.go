// Package llm asks a chat model, served by Ollama or by any
// OpenAI-compatible API (OpenAI, vLLM, LM Studio, llama.cpp server,
// gateways), to write text. It exists because MCP sampling — the client's
// own model — is deprecated from protocol 2026-07-28 and many clients never
// offered it: a team that runs a model can point devai at it, configured
// like the embedder. Requests, retries and error text are shared with the
// embedders (memory/internal/httpjson).
package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/internal/httpjson"
)

// Providers lists the names Config.Provider accepts; "none" (or "") means
// no chat model.
var Providers = []string{"none", "ollama", "openai"}

// Defaults.
const (
	DefaultOllamaURL = "http://127.0.0.1:11434"
	DefaultTimeout   = 2 * time.Minute
	// maxAnswer bounds the bytes read from one answer: a chat reply is
	// text, and a server that streams forever must not exhaust memory.
	maxAnswer = 8 << 20
)

// Errors a caller may want to tell apart.
var (
	// ErrEmpty: the model answered with no text.
	ErrEmpty = errors.New("the model answered with no text")
	// ErrTruncated: the model stopped at its token limit, so the text is
	// incomplete.
	ErrTruncated = errors.New("the answer was cut off at the model's token limit")
	// ErrRefused: the model declined (OpenAI's refusal, or a content filter).
	ErrRefused = errors.New("the model declined to answer")
)

// Config says which chat endpoint to use.
type Config struct {
	// Provider is "ollama", "openai", or "none"/"" for no chat model.
	Provider string
	// URL is the server's base URL. For openai a trailing /v1 is accepted
	// ("https://api.openai.com" and "https://api.openai.com/v1" both work).
	// For ollama it defaults to DefaultOllamaURL.
	URL string
	// Model is the model name, required ("llama3.1:8b", "gpt-4.1-mini").
	Model string
	// APIKey is sent as a bearer token when set (OpenAI and gateways;
	// ollama.com). Pass the value of an environment variable; it never
	// appears in an error.
	APIKey string
	// Timeout bounds one request, retry included (default DefaultTimeout).
	Timeout time.Duration
	// MaxTokens, when positive, caps the answer's length
	// (max_completion_tokens for openai, options.num_predict for ollama).
	// 0 leaves it to the server.
	MaxTokens int
	// Temperature, when set, is sent; nil leaves it to the server (some
	// reasoning models reject any value but their default).
	Temperature *float64
	// HTTPClient, when set, replaces the default client (tests, proxies).
	// Timeout applies through the context either way.
	HTTPClient *http.Client
}

// Client asks one chat model. It is safe for concurrent use.
type Client struct {
	cfg  Config
	url  string
	ep   httpjson.Endpoint
	chat func(ctx context.Context, system, prompt string) (string, error)
}

// New checks cfg and returns a client, or nil (and no error) when the
// provider is "none" or empty.
func New(cfg Config) (*Client, error) {
	switch cfg.Provider {
	case "", "none":
		return nil, nil
	case "ollama":
		if cfg.URL == "" {
			cfg.URL = DefaultOllamaURL
		}
	case "openai":
		if cfg.URL == "" {
			return nil, errors.New("chat openai needs the endpoint's base URL (--chat-url), e.g. https://api.openai.com or http://127.0.0.1:8000/v1")
		}
	default:
		return nil, fmt.Errorf("unknown chat provider %q: use one of %s", cfg.Provider, strings.Join(Providers, ", "))
	}
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, fmt.Errorf("chat %s needs a model name (--chat-model), e.g. %s", cfg.Provider, exampleModel(cfg.Provider))
	}
	if err := checkURL(cfg.URL); err != nil {
		return nil, fmt.Errorf("chat %s: %w", cfg.Provider, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxTokens < 0 {
		return nil, fmt.Errorf("chat %s: max tokens %d: must be 0 (the server's default) or more", cfg.Provider, cfg.MaxTokens)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{} // Chat bounds each call with cfg.Timeout
	}
	c := &Client{cfg: cfg}
	c.ep = httpjson.Endpoint{Label: "chat " + c.Name(), Client: hc, Header: httpjson.BearerHeader(cfg.APIKey), MaxBody: maxAnswer}
	if cfg.Provider == "ollama" {
		c.url, c.chat = httpjson.JoinURL(cfg.URL, "/api/chat"), c.ollama
	} else {
		c.url, c.chat = httpjson.JoinURL(cfg.URL, "/v1/chat/completions"), c.openAI
	}
	return c, nil
}

func exampleModel(provider string) string {
	if provider == "ollama" {
		return "llama3.1:8b (after ollama pull llama3.1:8b)"
	}
	return "gpt-4.1-mini"
}

// checkURL refuses what cannot be an http(s) base URL, without echoing a
// password the URL may hold.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("the URL must look like http://host:port or https://host (check --chat-url)")
	}
	return nil
}

// Name is "<provider>:<model>", for messages and records.
func (c *Client) Name() string { return c.cfg.Provider + ":" + c.cfg.Model }

// Chat sends a system message and one user message and returns the
// model's answer. It has the signature of tools/spec's Options.Prose.
// Errors say what to fix: an endpoint that does not answer, a rejected key,
// a model that is not there, an empty, refused or truncated answer, a
// timeout.
func (c *Client) Chat(ctx context.Context, system, prompt string) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	text, err := c.chat(cctx, system, prompt)
	if err != nil {
		return "", c.explain(err, ctx.Err() == nil)
	}
	text = strings.TrimSpace(stripThinking(text))
	if text == "" {
		return "", fmt.Errorf("chat %s: %w", c.Name(), ErrEmpty)
	}
	return text, nil
}

// explain adds what to do for the failures a user can fix here; ownDeadline
// says whether a deadline that passed was Config.Timeout (not the caller's).
func (c *Client) explain(err error, ownDeadline bool) error {
	var se *httpjson.StatusError
	switch {
	case errors.As(err, &se) && se.Code == http.StatusNotFound && c.cfg.Provider == "ollama":
		return fmt.Errorf("%w (pull it with: ollama pull %s)", err, c.cfg.Model)
	case errors.As(err, &se) && se.Code == http.StatusUnauthorized && c.cfg.APIKey == "":
		return fmt.Errorf("%w (no API key was given: set DEVAI_CHAT_API_KEY)", err)
	case errors.Is(err, context.DeadlineExceeded) && ownDeadline:
		return fmt.Errorf("%w (waited %s: raise --chat-timeout or pick a smaller model)", err, c.cfg.Timeout)
	}
	return err
}

// message is one chat message in both wire formats.
type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

func messages(system, prompt string) []message {
	var ms []message
	if system != "" {
		ms = append(ms, message{"system", system})
	}
	return append(ms, message{"user", prompt})
}

// stripThinking drops a leading <think>…</think> block, which reasoning
// models served without a separate thinking field put before the answer.
func stripThinking(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "<think>") {
		return s
	}
	if i := strings.Index(t, "</think>"); i >= 0 {
		return t[i+len("</think>"):]
	}
	return s
}
