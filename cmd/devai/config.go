package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/devaiops/devai/memory"
)

// commonConfig is what every command that opens the index takes.
type commonConfig struct {
	Repo        string
	StateDir    string
	JSON        bool
	LogLevel    string
	LogFile     string
	MaxFileSize int64
	MaxLogBytes int64
	Logs        []string
	Embedder    string
	EmbedURL    string
	EmbedModel  string
	trustFlags
}

// embedders are the accepted --embedder values.
var embedders = []string{"builtin", "hash", "none", "ollama", "openai"}

func (c *commonConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&c.Repo, "repo", "", "the repository to index and serve (default: the current directory)")
	fs.StringVar(&c.StateDir, "state-dir", "", "where the index lives (default: <repo>/.devai, kept out of git)")
	fs.BoolVar(&c.JSON, "json", false, "print machine-readable JSON (a tool's structured output) instead of text")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: trace, debug, info, warn, error, off")
	fs.StringVar(&c.LogFile, "log-file", "", "append logs to this `file` instead of stderr")
	fs.Int64Var(&c.MaxFileSize, "max-file-size", 1<<20, "skip files larger than this many `bytes`")
	fs.Int64Var(&c.MaxLogBytes, "max-log-bytes", memory.DefaultMaxLogBytes, "index only the newest this many `bytes` of each log (devai://index lists the logs cut)")
	fs.Var(listFlag{&c.Logs}, "logs", "extra log files or folders to index, repo-relative or absolute (repeatable, or a comma `list`)")
	fs.StringVar(&c.Embedder, "embedder", "builtin", "embeddings for semantic search: "+strings.Join(embedders, ", ")+" (none: full text only)")
	fs.StringVar(&c.EmbedURL, "embed-url", "", "endpoint of the ollama or openai-compatible embedder (e.g. http://localhost:11434)")
	fs.StringVar(&c.EmbedModel, "embed-model", "", "model name for the ollama or openai-compatible embedder")
	c.trustFlags.register(fs)
}

// validate checks the values and resolves the repository path.
func (c *commonConfig) validate() error {
	if c.Repo == "" {
		wd, err := os.Getwd()
		if err != nil {
			return fmt.Errorf("find the current directory (pass --repo): %w", err)
		}
		c.Repo = wd
	}
	abs, err := filepath.Abs(c.Repo)
	if err != nil {
		return fmt.Errorf("--repo %s: %w", c.Repo, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("--repo %s: %w", c.Repo, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("--repo %s is not a directory", c.Repo)
	}
	c.Repo = abs
	if c.MaxFileSize < 0 {
		return fmt.Errorf("--max-file-size %d: must be 0 or more bytes", c.MaxFileSize)
	}
	if c.MaxLogBytes < 0 {
		return fmt.Errorf("--max-log-bytes %d: must be 0 (the default, %d) or more bytes", c.MaxLogBytes, memory.DefaultMaxLogBytes)
	}
	if !contains(embedders, c.Embedder) {
		return fmt.Errorf("--embedder %q: use one of %s", c.Embedder, strings.Join(embedders, ", "))
	}
	if (c.Embedder == "ollama" || c.Embedder == "openai") && c.EmbedURL == "" {
		return fmt.Errorf("--embedder %s needs --embed-url (and usually --embed-model)", c.Embedder)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	return nil
}

// memoryOptions turns the config into index options.
func (c *commonConfig) memoryOptions() memory.Options {
	return memory.Options{
		Repo:        c.Repo,
		StateDir:    c.StateDir,
		MaxFileSize: c.MaxFileSize,
		MaxLogBytes: c.MaxLogBytes,
		LogPaths:    c.Logs,
		Embedder:    c.Embedder,
		EmbedURL:    c.EmbedURL,
		EmbedModel:  c.EmbedModel,
		EmbedKey:    os.Getenv("DEVAI_EMBED_API_KEY"),
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
