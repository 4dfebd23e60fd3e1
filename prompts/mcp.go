package prompts

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// MetaKey is the _meta key under which a prompt, and each result of it,
// carries {"name", "version", "hash"}: the same object a client may put on
// a tool call's _meta to say which prompt led to it.
const MetaKey = "devai/prompt"

// maxCompletions is the most values one completion answer may hold.
const maxCompletions = 100

// Ref is the identity of the prompt as clients and the decision log see it.
func (p Prompt) Ref() map[string]any {
	return map[string]any{"name": p.Name, "version": p.Version, "hash": p.Hash}
}

// Tag is the version and hash as people read them: "v1.0.0, sha256:0123abcd4567".
func (p Prompt) Tag() string { return fmt.Sprintf("v%s, sha256:%s", p.Version, p.Hash) }

// MCPPrompt is the prompt as prompts/list shows it. The version and hash
// are in _meta and, for clients that show only text, at the end of the
// description.
func (p Prompt) MCPPrompt() mcp.Prompt {
	opts := []mcp.PromptOption{mcp.WithPromptDescription(p.Description + " (" + p.Tag() + ")")}
	if p.Title != "" {
		opts = append(opts, mcp.WithPromptTitle(p.Title))
	}
	for _, a := range p.Arguments {
		aopts := []mcp.ArgumentOption{mcp.ArgumentDescription(a.Description)}
		if a.Required {
			aopts = append(aopts, mcp.RequiredArgument())
		}
		opts = append(opts, mcp.WithArgument(a.Name, aopts...))
	}
	mp := mcp.NewPrompt(p.Name, opts...)
	mp.Meta = &mcp.Meta{AdditionalFields: map[string]any{MetaKey: p.Ref()}}
	return mp
}

// GetResult renders the prompt as one user message, the answer to
// prompts/get.
func (p Prompt) GetResult(args map[string]string) (*mcp.GetPromptResult, error) {
	text, err := p.Render(args)
	if err != nil {
		return nil, err
	}
	res := mcp.NewGetPromptResult(p.Description, []mcp.PromptMessage{
		mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text)),
	})
	res.Meta = &mcp.Meta{AdditionalFields: map[string]any{MetaKey: p.Ref()}}
	return res, nil
}

// Completer completes prompt arguments: the closed set of an argument's
// values, or the indexed paths of the kind its front matter names. It
// implements server.PromptCompletionProvider.
type Completer struct {
	Set Set
	// Paths lists indexed paths of a kind that start with prefix, at most
	// limit of them (memory.Index.Paths). Nil: no path completion.
	Paths func(kind, prefix string, limit int) []string
}

// CompletePromptArgument implements server.PromptCompletionProvider.
func (c Completer) CompletePromptArgument(_ context.Context, promptName string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	out := &mcp.Completion{Values: []string{}}
	p, ok := c.Set.Get(promptName)
	if !ok {
		return out, nil
	}
	a, ok := p.argument(arg.Name)
	if !ok {
		return out, nil
	}
	var values []string
	switch {
	case len(a.Values) > 0:
		for _, v := range a.Values {
			if strings.HasPrefix(v, arg.Value) {
				values = append(values, v)
			}
		}
	case a.Complete != "" && c.Paths != nil:
		values = c.Paths(a.Complete, strings.TrimPrefix(arg.Value, "devai://"+a.Complete+"/"), maxCompletions+1)
	}
	if len(values) > maxCompletions {
		values, out.HasMore = values[:maxCompletions], true
	}
	if values != nil {
		out.Values = values
	}
	return out, nil
}
