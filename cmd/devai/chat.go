package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/devaiops/devai/memory/llm"
)

// chatConfig names a chat model that writes draft_spec's prose, for every
// client and for devai plan; without one, the client's own model does
// (MCP sampling) when the client offers it.
type chatConfig struct {
	Provider, URL, Model string
	Timeout              time.Duration
}

func (c *chatConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&c.Provider, "chat", "none", "a chat model that writes draft_spec's prose: "+strings.Join(llm.Providers, ", ")+" (none: the client's model through sampling, if it offers it)")
	fs.StringVar(&c.URL, "chat-url", "", "base `URL` of the chat endpoint (default for ollama: "+llm.DefaultOllamaURL+"; openai: e.g. https://api.openai.com)")
	fs.StringVar(&c.Model, "chat-model", "", "the chat `model`, e.g. llama3.1:8b or gpt-4.1-mini")
	fs.DurationVar(&c.Timeout, "chat-timeout", llm.DefaultTimeout, "the longest one answer may take; past it the skeleton comes back with the reason")
}

// client is the configured chat model, or nil for none. The API key comes
// only from DEVAI_CHAT_API_KEY, so it stays out of process lists.
func (c *chatConfig) client() (*llm.Client, error) {
	cl, err := llm.New(llm.Config{Provider: c.Provider, URL: c.URL, Model: c.Model, APIKey: os.Getenv("DEVAI_CHAT_API_KEY"), Timeout: c.Timeout})
	if err != nil {
		return nil, fmt.Errorf("--chat: %w", err)
	}
	return cl, nil
}

// apply sets the chat model, if one is configured, on a server's config.
func (c *chatConfig) apply(sc *serverConfig) error {
	cl, err := c.client()
	if err != nil || cl == nil {
		return err
	}
	sc.Prose, sc.ProseBy, sc.ProseTimeout = cl.Chat, cl.Name(), c.Timeout
	return nil
}
