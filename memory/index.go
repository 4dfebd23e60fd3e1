// Package memory is devai's shared memory of a project: one persistent,
// incremental index of its specs, code, tests and logs. It walks and
// classifies the repository (memory/walk), cuts files into structural chunks
// (memory/chunk), indexes them for full text (memory/textindex) and as
// vectors (memory/vector), keeps a symbol graph (memory/graph), and answers
// hybrid searches whose every hit is cited by URI and line range.
//
// On disk, everything lives in the state directory (default <repo>/.devai):
//
//	lock          the writer lock (one writer per index)
//	manifest.gob  what was indexed: per file its hash, mtime and chunks
//	text/         the bleve index
//	vectors.gob   the vector snapshot
//	graph.gob     the symbol graph
//	journal       paths whose indexing was in flight; present only after a crash
package memory

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/graph"
	"github.com/devaiops/devai/memory/redact"
	"github.com/devaiops/devai/memory/stack"
	"github.com/devaiops/devai/memory/textindex"
	"github.com/devaiops/devai/memory/vector"
)

// Options configure an index.
type Options struct {
	Repo        string      // repository root; required
	StateDir    string      // default: <Repo>/.devai
	MaxFileSize int64       // files above this are skipped; 0 means 1 MiB
	MaxLogBytes int64       // a log indexes only its newest this many bytes; 0 means DefaultMaxLogBytes
	LogPaths    []string    // extra log files or folders inside the repository
	Embedder    string      // "builtin" (default), "hash", "none", "ollama", "openai"
	EmbedURL    string      // endpoint for ollama/openai embedders
	EmbedModel  string      // model for ollama/openai embedders
	EmbedKey    string      // API key for openai-compatible endpoints
	Weights     *Weights    // fusion weights; nil means DefaultWeights
	Rules       *QueryRules // how long queries are read; nil means DefaultQueryRules
	Logger      hclog.Logger
}

// Index is an open index. Its methods are safe for concurrent use.
type Index struct {
	opts  Options
	log   hclog.Logger
	repo  string
	state string
	lock  *writerLock
	text  *textindex.Index
	vec   *vector.Store // nil when the embedder is "none"

	mu    sync.RWMutex // guards man, graph, byID
	man   *manifest
	graph *graph.Graph
	byID  map[string]chunkRef
	// resolver maps printed paths to indexed files for query hints; built
	// on first use, dropped whenever the indexed files change (resolverGen).
	resolver    *stack.Resolver
	resolverGen int
	past        pastCache // the history the past-changes signal searches

	syncMu   sync.Mutex // one sync at a time
	idleMu   sync.Mutex
	idle     chan struct{} // closed while no sync runs
	done     atomic.Int64
	total    atomic.Int64
	lastErr  atomic.Pointer[string]
	closed   atomic.Bool
	embedder string

	checkpointEvery int // chunks between checkpoints during a sync
	batchFiles      int // files read and chunked at a time
	weights         Weights
	rules           QueryRules
	redactor        *redact.Redactor // applied to every text the index hands out

	// Guarded by syncMu: paths applied since the last checkpoint, and the
	// timer that will checkpoint them.
	unflushed  map[string]bool
	flushTimer *time.Timer
}

// chunkRef finds a chunk's metadata in the manifest.
type chunkRef struct {
	file *fileEntry
	i    int
}

func (r chunkRef) meta() *chunkMeta { return &r.file.Chunks[r.i] }

func (r chunkRef) kind() chunk.Kind { return chunkKind(r.file, r.meta()) }

// chunkKind is a chunk's kind: its file's, except for the code a source
// file holds for its tests alone, which is a test's.
func chunkKind(f *fileEntry, m *chunkMeta) chunk.Kind {
	if f.Kind == chunk.Code && m.TestOnly {
		return chunk.Test
	}
	return f.Kind
}

// ErrNotFound is returned when a URI or path is not in the index.
var ErrNotFound = errors.New("not found in the index")

// Open opens or creates the index for opts.Repo and takes its writer lock.
// It does not sync; call Sync. An index left behind by a crash is repaired
// here; one that cannot be read is rebuilt from scratch.
func Open(ctx context.Context, opts Options) (*Index, error) {
	if opts.Repo == "" {
		return nil, errors.New("open index: no repository given")
	}
	repo, err := filepath.Abs(opts.Repo)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if fi, err := os.Stat(repo); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("open index: repository %s is not a directory", repo)
	}
	if resolved, err := filepath.EvalSymlinks(repo); err == nil {
		repo = resolved
	}
	state, err := stateDir(repo, opts.StateDir)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = 1 << 20
	}
	if opts.Embedder == "" {
		opts.Embedder = "builtin"
	}
	log := opts.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	if err := os.MkdirAll(state, 0o755); err != nil {
		return nil, fmt.Errorf("create state dir: %w", err)
	}
	excludeFromGit(repo, state)

	lock, err := acquireLock(filepath.Join(state, "lock"))
	if err != nil {
		return nil, err
	}
	redactor, err := redact.New()
	if err != nil {
		lock.release()
		return nil, err
	}
	ix := &Index{redactor: redactor, opts: opts, log: log, repo: repo, state: state, lock: lock, idle: closedChan(), checkpointEvery: checkpointChunks, batchFiles: batchFiles, weights: DefaultWeightsFor(opts.Embedder), unflushed: map[string]bool{}}
	if opts.Weights != nil {
		ix.weights = *opts.Weights
	}
	ix.rules = DefaultQueryRules
	if opts.Rules != nil {
		ix.rules = *opts.Rules
	}
	if err := ix.load(ctx); err != nil {
		lock.release()
		return nil, err
	}
	return ix, nil
}

// StateDir is the absolute state directory that Open would use for opts,
// so that other processes can find what the index holder publishes there.
func StateDir(opts Options) (string, error) {
	repo, err := filepath.Abs(opts.Repo)
	if err != nil {
		return "", err
	}
	if resolved, err := filepath.EvalSymlinks(repo); err == nil {
		repo = resolved
	}
	return stateDir(repo, opts.StateDir)
}

// StateDirName is the state directory's name inside the repository when
// --state-dir does not put it elsewhere; the repository's prompt overrides
// live under it (.devai/prompts) wherever the state is.
const StateDirName = ".devai"

func stateDir(repo, given string) (string, error) {
	if given == "" {
		return filepath.Join(repo, StateDirName), nil
	}
	return filepath.Abs(given)
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// load opens the stores, rebuilding what is stale or unreadable. The
// manifest and the graph are small and derived from the same chunks, so
// when either is unusable everything is rebuilt rather than patched.
func (ix *Index) load(ctx context.Context) error {
	emb, err := newEmbedder(ix.opts)
	if err != nil {
		return err
	}
	ix.embedder = "none"
	if emb != nil {
		ix.embedder = emb.Name()
	}

	man, g, err := ix.loadMeta()
	if err != nil {
		ix.log.Warn("index unreadable or stale; rebuilding", "reason", err)
		if err := ix.wipe(); err != nil {
			return err
		}
		man, g = newManifest(), graph.Build(nil)
	}
	man.Embedder = ix.embedder

	err = ix.openStores(emb)
	if errors.Is(err, textindex.ErrCorrupt) || errors.Is(err, vector.ErrCorrupt) {
		ix.log.Warn("index corrupt; rebuilding", "error", err)
		ix.closeStores()
		if err := ix.wipe(); err != nil {
			return err
		}
		man, g = newManifest(), graph.Build(nil)
		man.Embedder = ix.embedder
		err = ix.openStores(emb)
	}
	if err != nil {
		ix.closeStores()
		return err
	}
	ix.man, ix.graph = man, g
	if err := ix.recover(ctx); err != nil {
		ix.closeStores()
		return err
	}
	ix.reindexIDs()
	return nil
}

func (ix *Index) openStores(emb vector.Embedder) error {
	text, err := textindex.Open(ix.path("text"), textindex.Options{OpenTimeout: 2 * time.Second})
	if err != nil {
		return fmt.Errorf("open text index: %w", err)
	}
	ix.text = text
	if emb == nil {
		return nil
	}
	vec, err := vector.OpenStore(ix.path("vectors.gob"), emb)
	if err != nil {
		return fmt.Errorf("open vector store: %w", err)
	}
	ix.vec = vec
	return nil
}

// loadMeta reads the manifest and the graph; an error means rebuild.
func (ix *Index) loadMeta() (*manifest, *graph.Graph, error) {
	man, err := loadManifest(ix.path("manifest.gob"))
	if err != nil {
		return nil, nil, err
	}
	if man.Embedder != "" && man.Embedder != ix.embedder {
		return nil, nil, fmt.Errorf("embedder changed from %s to %s", man.Embedder, ix.embedder)
	}
	if len(man.Files) == 0 {
		return man, graph.Build(nil), nil
	}
	g, err := loadGraph(ix.path("graph.gob"))
	if err != nil {
		return nil, nil, fmt.Errorf("symbol graph: %w", err)
	}
	return man, g, nil
}

// wipe removes the rebuildable parts of the state directory. The decision
// log and proposals, which live beside them, are kept.
func (ix *Index) wipe() error {
	for _, name := range []string{"text", "vectors.gob", "graph.gob", "manifest.gob", "journal"} {
		if err := os.RemoveAll(ix.path(name)); err != nil {
			return fmt.Errorf("reset index: %w", err)
		}
	}
	return nil
}

func (ix *Index) path(name string) string { return filepath.Join(ix.state, name) }

func (ix *Index) reindexIDs() {
	ix.dropResolver()
	ix.byID = make(map[string]chunkRef, ix.man.chunkCount())
	for _, f := range ix.man.Files {
		for i := range f.Chunks {
			ix.byID[f.Chunks[i].ID] = chunkRef{file: f, i: i}
		}
	}
	ix.text.SetStats(ix.man.textStats())
}

// Status describes the index.
func (ix *Index) Status() Status {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := Status{
		Repo:       ix.repo,
		StateDir:   ix.state,
		State:      "ready",
		Files:      len(ix.man.Files),
		Chunks:     len(ix.byID),
		ByKind:     map[chunk.Kind]int{},
		ByLanguage: map[string]int{},
		Skipped:    append([]Skipped{}, ix.man.Skipped...),
		SkippedBy:  map[string]int{},
		LastSync:   ix.man.LastSync,
		Embedder:   ix.embedder,
	}
	if ix.man.SyncTook > 0 {
		st.SyncTook = ix.man.SyncTook.Round(time.Millisecond).String()
	}
	for _, f := range ix.man.Files {
		st.ByKind[f.Kind]++
		st.ByLanguage[f.Language]++
		if f.Cut != nil {
			st.Cut = append(st.Cut, f.cutNote())
		}
	}
	sort.Slice(st.Cut, func(i, j int) bool { return st.Cut[i].Path < st.Cut[j].Path })
	for _, s := range ix.man.Skipped {
		st.SkippedBy[skipCategory(s.Reason)]++
	}
	if ix.graph != nil {
		st.Symbols, st.Edges = ix.graph.Stats()
	}
	if ix.syncing() {
		st.State = "indexing"
		if t := ix.total.Load(); t > 0 {
			st.Progress = float64(ix.done.Load()) / float64(t)
		}
	} else if st.Files == 0 && st.LastSync.IsZero() {
		st.State = "empty"
	}
	if e := ix.lastErr.Load(); e != nil {
		st.LastError = *e
	}
	return st
}

// skipCategory folds "too large (123 bytes > 1048576)" into "too large".
func skipCategory(reason string) string {
	if i := strings.IndexAny(reason, "(:"); i > 0 {
		return strings.TrimSpace(reason[:i])
	}
	return reason
}

// stateLabel is "ready" or "indexing 42%", for search results.
func (ix *Index) stateLabel() string {
	if !ix.syncing() {
		return "ready"
	}
	t := ix.total.Load()
	if t == 0 {
		return "indexing 0%"
	}
	return fmt.Sprintf("indexing %d%%", ix.done.Load()*100/t)
}

func (ix *Index) syncing() bool {
	ix.idleMu.Lock()
	defer ix.idleMu.Unlock()
	select {
	case <-ix.idle:
		return false
	default:
		return true
	}
}

// WaitIdle blocks until no sync is running or ctx ends. Tool handlers use it
// to wait for the first sync while reporting Status().Progress.
func (ix *Index) WaitIdle(ctx context.Context) error {
	ix.idleMu.Lock()
	idle := ix.idle
	ix.idleMu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Paths lists indexed paths of a kind ("" for any) that start with prefix,
// for completion.
func (ix *Index) Paths(kind string, prefix string, limit int) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []string
	for p, f := range ix.man.Files {
		if (kind == "" || string(f.Kind) == kind) && strings.HasPrefix(p, prefix) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Close releases the index and its writer lock. It waits for a running sync
// to stop at its next checkpoint.
func (ix *Index) Close() error {
	if ix.closed.Swap(true) {
		return nil
	}
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	var err error
	if len(ix.unflushed) > 0 {
		err = ix.checkpoint(nil)
	}
	if ix.flushTimer != nil {
		ix.flushTimer.Stop()
	}
	err = errors.Join(err, ix.closeStores())
	if lerr := ix.lock.release(); err == nil {
		err = lerr
	}
	return err
}

func (ix *Index) closeStores() error {
	var errs []error
	if ix.vec != nil {
		errs = append(errs, ix.vec.Close())
		ix.vec = nil
	}
	if ix.text != nil {
		errs = append(errs, ix.text.Close())
		ix.text = nil
	}
	return errors.Join(errs...)
}

// excludeFromGit keeps the state directory out of git by listing it in
// .git/info/exclude, once. Failures are harmless and ignored.
func excludeFromGit(repo, state string) {
	rel, err := filepath.Rel(repo, state)
	if err != nil || strings.HasPrefix(rel, "..") {
		return
	}
	info := filepath.Join(repo, ".git", "info")
	if fi, err := os.Stat(filepath.Join(repo, ".git")); err != nil || !fi.IsDir() {
		return
	}
	line := "/" + filepath.ToSlash(rel) + "/"
	exclude := filepath.Join(info, "exclude")
	data, _ := os.ReadFile(exclude)
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == line {
			return
		}
	}
	if err := os.MkdirAll(info, 0o755); err != nil {
		return
	}
	f, err := os.OpenFile(exclude, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	if len(data) > 0 && !strings.HasSuffix(string(data), "\n") {
		line = "\n" + line
	}
	fmt.Fprintf(f, "%s\n# ^ devai's index (see devai --help)\n", line)
}
