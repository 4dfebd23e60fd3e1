package memory

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/devaiops/devai/memory/walk"
)

// debounce is how long the watcher waits for a burst of events (a save, a
// branch switch, a formatter run) to end before it syncs.
const debounce = 150 * time.Millisecond

// Watch keeps the index fresh until ctx ends: a saved file is searchable
// within about a second. Each burst of changes triggers one incremental
// Sync, which also catches renames and branch switches.
func (ix *Index) Watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", ix.repo, err)
	}
	defer w.Close()
	ign, err := walk.NewIgnorerFor(ix.repo, ix.walkOptions())
	if err != nil {
		return fmt.Errorf("watch %s: %w", ix.repo, err)
	}
	if err := ix.watchTree(w, ign, ix.repo); err != nil {
		return err
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	// What changed since the last sync: file paths, or "everything" when a
	// folder appeared or vanished or ignore rules changed.
	changed := map[string]bool{}
	everything := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			ix.log.Warn("file watcher", "error", err)
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if !ix.relevant(ev.Name, ign) {
				continue
			}
			rel, _ := filepath.Rel(ix.repo, ev.Name)
			rel = filepath.ToSlash(rel)
			fi, statErr := os.Lstat(ev.Name)
			switch {
			case statErr == nil && fi.IsDir():
				everything = true
				if ev.Has(fsnotify.Create) {
					_ = ix.watchTree(w, ign, ev.Name)
				}
			case statErr != nil && ix.knownDir(rel):
				everything = true // a folder was removed or renamed
			case path.Base(rel) == ".gitignore" || path.Base(rel) == ".devaiignore":
				everything = true
				if fresh, err := walk.NewIgnorerFor(ix.repo, ix.walkOptions()); err == nil {
					ign = fresh
				} else {
					ix.log.Warn("file watcher: the changed ignore rules cannot be read; keeping the old ones", "file", rel, "error", err)
				}
			default:
				changed[rel] = true
			}
			timer.Reset(debounce)
		case <-timer.C:
			var err error
			if everything || len(changed) > maxTargeted {
				err = ix.Sync(ctx, nil)
			} else {
				err = ix.SyncPaths(ctx, sortedKeys(changed))
			}
			if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, errClosed) {
				ix.log.Warn("sync after change", "error", err)
			}
			changed, everything = map[string]bool{}, false
		}
	}
}

// maxTargeted is the most changed files the watcher syncs one by one; a
// larger burst (a branch switch, a mass format) is a full Sync.
const maxTargeted = 200

// knownDir reports whether rel was a folder holding indexed files.
func (ix *Index) knownDir(rel string) bool {
	prefix := rel + "/"
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for p := range ix.man.Files {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// relevant drops events inside the state directory, .git and ignored paths.
func (ix *Index) relevant(name string, ign *walk.Ignorer) bool {
	if strings.HasPrefix(name, ix.state+string(filepath.Separator)) || name == ix.state {
		return false
	}
	rel, err := filepath.Rel(ix.repo, name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	if rel == ".git" || strings.HasPrefix(rel, ".git/") {
		return false
	}
	return !ign.Ignored(rel, false)
}

// watchTree adds a watch on dir and every folder below it that is not
// ignored. Symlinked folders are not followed, as in the walker.
func (ix *Index) watchTree(w *fsnotify.Watcher, ign *walk.Ignorer, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // vanished or unreadable: nothing to watch
		}
		if !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(ix.repo, p)
		rel = filepath.ToSlash(rel)
		if p == ix.state || rel == ".git" || (rel != "." && ign.Ignored(rel, true)) {
			return filepath.SkipDir
		}
		if err := w.Add(p); err != nil {
			return fmt.Errorf("watch %s: %w (raise fs.inotify.max_user_watches, or run with --no-watch)", p, err)
		}
		return nil
	})
}
