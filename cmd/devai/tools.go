package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/devaiops/devai/tools/all"
	"github.com/devaiops/devai/tools/tool"
)

// toolTable is the tools devai serves: every one of tools/all, each
// declared in its own package. A tool that is not ReadOnly can write, and
// --read-only leaves it out.
func toolTable() []tool.Tool {
	return all.Tools()
}

// toolNames lists the names in table, sorted.
func toolNames(table []tool.Tool) []string {
	names := make([]string, 0, len(table))
	for _, d := range table {
		names = append(names, d.Info().Name)
	}
	sort.Strings(names)
	return names
}

// selectTools applies --tools and --read-only. Unknown names, or a named tool
// that --read-only excludes, are errors that list what is valid.
func selectTools(table []tool.Tool, only []string, readOnly bool) ([]tool.Tool, error) {
	byName := map[string]tool.Tool{}
	for _, d := range table {
		byName[d.Info().Name] = d
	}
	var picked []tool.Tool
	if len(only) == 0 {
		picked = table
	} else {
		seen := map[string]bool{}
		for _, name := range only {
			d, ok := byName[name]
			if !ok {
				return nil, fmt.Errorf("--tools: unknown tool %q; valid tools: %s", name, strings.Join(toolNames(table), ", "))
			}
			if readOnly && !d.Info().Hints.ReadOnly {
				return nil, fmt.Errorf("--tools: %s can write, and --read-only leaves it out; drop one of the two", name)
			}
			if !seen[name] {
				seen[name] = true
				picked = append(picked, d)
			}
		}
	}
	var out []tool.Tool
	for _, d := range picked {
		if readOnly && !d.Info().Hints.ReadOnly {
			continue
		}
		out = append(out, d)
	}
	return out, nil
}
