package trace

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/devaiops/devai/memory"
)

// repoPath is where an indexed file (a slash path the index gives) lies
// on disk.
func repoPath(ix *memory.Index, p string) string {
	return filepath.Join(ix.Repo(), filepath.FromSlash(p))
}

// fileLines reads an indexed file's lines as written, not as the index
// keeps them (its copy hides what reads like a secret, `token =
// currentToken` too); nil when the file cannot be read.
func fileLines(ix *memory.Index, p string) []string {
	b, err := os.ReadFile(repoPath(ix, p))
	if err != nil {
		return nil
	}
	return strings.Split(string(b), "\n")
}
