package main

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// builtinQueries are query sets for the repositories the bench is usually
// run on, named after the repository's directory.
//
//go:embed queries/*.txt
var builtinQueries embed.FS

// loadQueries reads the query set: file when given, else the built-in set
// named after repo's directory (prometheus@v0.316.0 → prometheus), else
// shop's, whose questions (logins, sessions, orders, errors) fit most
// services.
func loadQueries(file, repo string) ([]string, error) {
	if file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--queries: %w", err)
		}
		return parseQueries(file, string(raw))
	}
	name, _, _ := strings.Cut(filepath.Base(filepath.Clean(repo)), "@")
	raw, err := builtinQueries.ReadFile("queries/" + name + ".txt")
	if err != nil {
		raw, err = builtinQueries.ReadFile("queries/shop.txt")
	}
	if err != nil {
		return nil, fmt.Errorf("built-in queries: %w", err)
	}
	return parseQueries(name, string(raw))
}

// parseQueries keeps the non-empty lines that are not # comments.
func parseQueries(name, text string) ([]string, error) {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("queries %s: no queries in it (one a line)", name)
	}
	return out, nil
}
