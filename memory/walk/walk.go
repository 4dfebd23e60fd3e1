// Package walk lists a repository's files for the indexer and says what each
// one is: spec, code, test or log, and in which language. It honours the
// repository's ignore files, leaves out what is not worth indexing (binary,
// vendored, generated, lock files, oversized files) with a reason for each,
// and never leaves the repository through a symlink.
//
// Only the first 8 KiB of a file are read, for detection; the indexer reads
// the content itself later.
package walk

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/devaiops/devai/memory/chunk"
)

// DefaultMaxFileSize is the size cap when Options.MaxFileSize is 0.
const DefaultMaxFileSize = 1 << 20

// headSize is how much of a file detection reads.
const headSize = 8 << 10

// File is one file to index.
type File struct {
	Path     string // repo-relative, slash-separated
	Abs      string // absolute path on disk (a symlink's own path, not its target's)
	Kind     chunk.Kind
	Language string // go-enry's name, or Markdown, AsciiDoc, reStructuredText, OpenAPI, AsyncAPI, Gherkin, Protobuf, Log, Text
	Size     int64
	ModTime  time.Time
}

// Skipped is a file or folder Walk saw and chose not to index. Reason is one
// of the Reason* constants, "too large (N bytes > MAX)" or "unreadable: …".
// Ignored paths are not Skipped: they are simply absent.
type Skipped struct{ Path, Reason string }

// Options tune a walk.
type Options struct {
	// MaxFileSize: larger files are skipped without being read. 0 means 1 MiB.
	MaxFileSize int64
	// LogPaths are extra files or folders to index as logs, whatever their
	// names and whatever the ignore files say. Repo-relative or absolute;
	// each must exist and resolve inside the repository.
	LogPaths []string
	// SkipDirs are folders never walked nor watched, like .devai: devai's
	// state directory when --state-dir puts it inside the repository under
	// another name. Absolute or repo-relative; those outside it are ignored.
	SkipDirs []string
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

// Result is what a walk found, each list sorted by Path.
type Result struct {
	Files   []File
	Skipped []Skipped
}

// Walk lists and classifies every file under root (see Classify and the
// package doc). It fails only when root itself is unusable, a log path is
// invalid, or ctx ends; unreadable files and folders are reported in
// Result.Skipped instead.
func Walk(ctx context.Context, root string, opts Options) (Result, error) {
	r, err := openRoot(root)
	if err != nil {
		return Result{}, err
	}
	logs, err := resolveLogPaths(r, opts.LogPaths)
	if err != nil {
		return Result{}, fmt.Errorf("walk %s: %w", root, err)
	}
	w := &walker{
		ctx:     ctx,
		root:    r,
		logs:    logs,
		maxSize: opts.maxFileSize(),
		ignore:  newIgnorer(r.abs, logs, skipDirsIn(r.abs, opts.SkipDirs)),
	}
	if err := w.run(); err != nil {
		return Result{}, fmt.Errorf("walk %s: %w", root, err)
	}
	sort.Slice(w.res.Files, func(i, j int) bool { return w.res.Files[i].Path < w.res.Files[j].Path })
	sort.Slice(w.res.Skipped, func(i, j int) bool { return w.res.Skipped[i].Path < w.res.Skipped[j].Path })
	return w.res, nil
}

// walker is one walk: a single goroutine lists folders and applies the
// ignore rules; a few workers stat, sniff and classify the files it finds.
type walker struct {
	ctx     context.Context
	root    root
	logs    []string
	maxSize int64
	ignore  *Ignorer

	mu  sync.Mutex
	res Result
}

// candidate is a file that passed the ignore rules.
type candidate struct {
	rel   string
	typ   os.FileMode // the directory entry's type bits
	isLog bool
}

func (w *walker) run() error {
	workers := min(max(runtime.GOMAXPROCS(0), 4), 16)
	work := make(chan candidate, 256)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.classifyAll(work)
		}()
	}
	err := w.walkDir("", nil, false, work)
	close(work)
	wg.Wait()
	if err != nil {
		return err
	}
	return w.ctx.Err()
}

// classifyAll drains work, appending each outcome to the result.
func (w *walker) classifyAll(work <-chan candidate) {
	buf := make([]byte, headSize)
	var files []File
	var skipped []Skipped
	for c := range work {
		if w.ctx.Err() != nil {
			continue // drain so the producer never blocks
		}
		f, s := inspect(w.root, c, w.maxSize, buf)
		if s != nil {
			skipped = append(skipped, *s)
		} else {
			files = append(files, f)
		}
	}
	w.mu.Lock()
	w.res.Files = append(w.res.Files, files...)
	w.res.Skipped = append(w.res.Skipped, skipped...)
	w.mu.Unlock()
}

func (w *walker) skip(rel, reason string) {
	w.mu.Lock()
	w.res.Skipped = append(w.res.Skipped, Skipped{Path: rel, Reason: reason})
	w.mu.Unlock()
}

// walkDir lists one folder. parts are its path components; out says the
// folder is excluded by ignore or vendoring rules and is walked only because
// a log path lies below it.
func (w *walker) walkDir(rel string, parts []string, out bool, work chan<- candidate) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(w.root.abs, filepath.FromSlash(rel)))
	if err != nil {
		if rel == "" {
			return err
		}
		w.skip(rel, unreadableReason(err))
		return nil
	}
	rules := w.ignore.rules(rel)
	for _, p := range rules.problems {
		w.skip(p.Path, p.Reason)
	}
	for _, e := range entries {
		name := e.Name()
		childRel := path.Join(rel, name)
		if alwaysSkippedDirs[name] || w.ignore.skipsDir(childRel) {
			continue
		}
		childParts := append(parts[:len(parts):len(parts)], name)
		isDir := e.IsDir()
		excluded := out || w.ignore.excludedBy(rules, childParts, isDir)
		relation := logRelationOf(childRel, w.logs)

		if relation == logNone {
			switch {
			case excluded:
				// ignored: absent, not skipped
			case isDir && isVendoredDir(childRel):
				w.skip(childRel, ReasonVendored)
			case isDir:
				if err := w.walkDir(childRel, childParts, false, work); err != nil {
					return err
				}
			default:
				if err := w.send(work, candidate{rel: childRel, typ: e.Type()}); err != nil {
					return err
				}
			}
			continue
		}
		if isDir {
			childOut := excluded || isVendoredDir(childRel)
			if relation == logInside {
				childOut = false // everything under a log path is walked
			}
			if err := w.walkDir(childRel, childParts, childOut, work); err != nil {
				return err
			}
			continue
		}
		if err := w.send(work, candidate{rel: childRel, typ: e.Type(), isLog: relation == logInside}); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) send(work chan<- candidate, c candidate) error {
	select {
	case work <- c:
		return nil
	case <-w.ctx.Done():
		return w.ctx.Err()
	}
}
