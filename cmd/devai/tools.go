package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/tools/changelog"
	"github.com/devaiops/devai/tools/gaps"
	"github.com/devaiops/devai/tools/patch"
	"github.com/devaiops/devai/tools/search"
	"github.com/devaiops/devai/tools/spec"
	"github.com/devaiops/devai/tools/trace"
)

// hints are the four MCP tool annotations. mcp.NewTool defaults them to
// destructive and open-world, so every row of the table states all four.
type hints struct {
	ReadOnly, Destructive, Idempotent, OpenWorld bool
}

// toolDeps is what a tool handler may use.
type toolDeps struct {
	Index         *memory.Index
	Logger        hclog.Logger
	FirstSyncWait time.Duration // how long a call waits for the first sync
	// AllowExec lets propose_patch build the repository and run its tests,
	// which executes the repository's code: opt-in with --allow-exec.
	AllowExec bool
}

// toolDecl is one row of the tool table: the declaration, the handler and
// what the tool promises about side effects.
type toolDecl struct {
	Tool    func() mcp.Tool
	Handler func(toolDeps) server.ToolHandlerFunc
	Hints   hints
}

// samplingTimeout bounds how long draft_spec waits for the client's model
// to write the prose before it answers with the skeleton.
const samplingTimeout = 30 * time.Second

// toolTable is the one place where devai's tools are declared. A tool that
// is not ReadOnly can write, and --read-only leaves it out.
func toolTable() []toolDecl {
	return []toolDecl{
		{
			Tool:    search.Tool,
			Handler: func(d toolDeps) server.ToolHandlerFunc { return search.Handler(d.Index, d.FirstSyncWait) },
			Hints:   hints{ReadOnly: true, Destructive: false, Idempotent: true, OpenWorld: false},
		},
		{
			Tool:    trace.Tool,
			Handler: func(d toolDeps) server.ToolHandlerFunc { return trace.Handler(d.Index) },
			Hints:   hints{ReadOnly: true, Destructive: false, Idempotent: true, OpenWorld: false},
		},
		{
			Tool:    gaps.Tool,
			Handler: func(d toolDeps) server.ToolHandlerFunc { return gaps.Handler(d.Index, d.FirstSyncWait) },
			Hints:   hints{ReadOnly: true, Destructive: false, Idempotent: true, OpenWorld: false},
		},
		{
			// Destructive: with overwrite:true a write replaces an existing
			// spec file, which is not an additive change.
			Tool: spec.Tool,
			Handler: func(d toolDeps) server.ToolHandlerFunc {
				return spec.Handler(d.Index, d.FirstSyncWait, samplingTimeout)
			},
			Hints: hints{ReadOnly: false, Destructive: true, Idempotent: false, OpenWorld: false},
		},
		{
			// Not destructive: a proposal and its branch are additions; the
			// working tree, the index and HEAD are never touched.
			Tool: patch.Tool,
			Handler: func(d toolDeps) server.ToolHandlerFunc {
				return patch.Handler(d.Index, patch.RunOptions{AllowExec: d.AllowExec})
			},
			Hints: hints{ReadOnly: false, Destructive: false, Idempotent: false, OpenWorld: false},
		},
		{
			Tool:    changelog.Tool,
			Handler: func(d toolDeps) server.ToolHandlerFunc { return changelog.Handler(d.Index) },
			Hints:   hints{ReadOnly: true, Destructive: false, Idempotent: true, OpenWorld: false},
		},
	}
}

// toolNames lists the names in table, sorted.
func toolNames(table []toolDecl) []string {
	names := make([]string, 0, len(table))
	for _, d := range table {
		names = append(names, d.Tool().Name)
	}
	sort.Strings(names)
	return names
}

// selectTools applies --tools and --read-only. Unknown names, or a named tool
// that --read-only excludes, are errors that list what is valid.
func selectTools(table []toolDecl, only []string, readOnly bool) ([]toolDecl, error) {
	byName := map[string]toolDecl{}
	for _, d := range table {
		byName[d.Tool().Name] = d
	}
	var picked []toolDecl
	if len(only) == 0 {
		picked = table
	} else {
		seen := map[string]bool{}
		for _, name := range only {
			d, ok := byName[name]
			if !ok {
				return nil, fmt.Errorf("--tools: unknown tool %q; valid tools: %s", name, strings.Join(toolNames(table), ", "))
			}
			if readOnly && !d.Hints.ReadOnly {
				return nil, fmt.Errorf("--tools: %s can write, and --read-only leaves it out; drop one of the two", name)
			}
			if !seen[name] {
				seen[name] = true
				picked = append(picked, d)
			}
		}
	}
	var out []toolDecl
	for _, d := range picked {
		if readOnly && !d.Hints.ReadOnly {
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

// declare builds the wire form of a row: its hints set explicitly and its
// schemas made portable.
func declare(d toolDecl) (mcp.Tool, error) {
	t := d.Tool()
	title := t.Annotations.Title
	if title == "" {
		title = t.Title
	}
	t.Annotations = mcp.ToolAnnotation{
		Title:           title,
		ReadOnlyHint:    mcp.ToBoolPtr(d.Hints.ReadOnly),
		DestructiveHint: mcp.ToBoolPtr(d.Hints.Destructive),
		IdempotentHint:  mcp.ToBoolPtr(d.Hints.Idempotent),
		OpenWorldHint:   mcp.ToBoolPtr(d.Hints.OpenWorld),
	}
	if err := makePortable(&t); err != nil {
		return t, fmt.Errorf("declare tool %s: %w", t.Name, err)
	}
	return t, nil
}
