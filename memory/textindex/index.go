package textindex

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/devaiops/devai/memory/internal/atomicfile"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	// ErrCorrupt means the index directory exists but cannot be read as a
	// devai text index (damaged files, or another schema version). Delete
	// the directory and rebuild.
	ErrCorrupt = errors.New("text index is corrupt or unreadable; delete it and rebuild")
	// ErrSchema means the index was built by a different schema version. It
	// always comes wrapped together with ErrCorrupt.
	ErrSchema = errors.New("text index schema version differs")
	// ErrLocked means another process (or another Open in this one) holds
	// the index: bleve keeps an exclusive lock on root.bolt while a writer
	// has it open, and a read-only open waits for that lock too.
	ErrLocked = errors.New("text index is locked by another writer")
	// ErrNoIndex means a read-only open found no index to read.
	ErrNoIndex = errors.New("no text index")
	// ErrClosed is returned by every method after Close.
	ErrClosed = errors.New("text index is closed")
)

// DefaultOpenTimeout bounds how long Open waits for the root.bolt lock when
// Options.OpenTimeout is zero.
const DefaultOpenTimeout = 2 * time.Second

// Internal keys bleve stores with the data. seqKey numbers the batches:
// every Write bumps it in the same batch as its docs.
const (
	schemaKey = "devai_textindex_schema"
	seqKey    = "devai_textindex_seq"
)

// cleanCloseFile records the batch sequence number at the last clean Close.
// Scorch silently falls back to an older snapshot when the newest one's
// segment files are damaged, and reports success; an index that opens with
// a lower number than this file lost data and is reported as ErrCorrupt.
const cleanCloseFile = "devai_clean_close"

// Options configure Open.
type Options struct {
	// ReadOnly opens an existing index without writing. Apply and DeletePath
	// fail. It still waits for (and times out on) a writer's lock.
	ReadOnly bool
	// OpenTimeout bounds the wait for the lock; 0 means DefaultOpenTimeout.
	OpenTimeout time.Duration
}

// Doc is one chunk as the text index sees it.
type Doc struct {
	ID           string   // chunk id, e.g. "internal/sessions/store.go#3"; required
	Path         string   // repo-relative, slash-separated
	Kind         string   // spec|code|test|log (keyword, case-insensitive)
	Language     string   // keyword, case-insensitive
	Symbol       string   // qualified symbol, e.g. "sessions.Store.Cleanup"; boosted
	Signature    string   // declaration without body
	Text         string   // body; indexed, never stored
	Comments     string   // the body's comments and docstrings, its prose (chunk.Chunk.Comments)
	Requirements []string // requirement IDs (FR-012); exact, case-insensitive
	TestNames    []string // tests defined in the chunk
	Time         time.Time
	Level        string
}

// Index is an open text index. Its methods are safe for concurrent use.
type Index struct {
	dir      string
	readOnly bool

	mu     sync.RWMutex // guards bi against use after Close
	bi     bleve.Index
	closed bool

	writeMu sync.Mutex // serialises Write so batch numbers stay in order
	seq     uint64     // number of the last batch written, guarded by writeMu

	stats atomic.Pointer[setStats] // see SetStats; nil: bleve's own
}

// Open opens the index in dir, creating it when dir holds none (unless
// opts.ReadOnly). A lock held by another writer fails with ErrLocked after
// opts.OpenTimeout; an index that cannot be read fails with ErrCorrupt.
func Open(dir string, opts Options) (*Index, error) {
	if dir == "" {
		return nil, errors.New("open text index: empty directory name")
	}
	timeout := opts.OpenTimeout
	if timeout <= 0 {
		timeout = DefaultOpenTimeout
	}
	exists, err := indexExists(dir)
	if err != nil {
		return nil, fmt.Errorf("open text index %s: %w", dir, err)
	}
	if !exists {
		if opts.ReadOnly {
			return nil, fmt.Errorf("open text index %s read-only: %w (run a writable sync first)", dir, ErrNoIndex)
		}
		return create(dir, timeout)
	}
	bi, err := openExisting(dir, opts.ReadOnly, timeout)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, readOnly: opts.ReadOnly, bi: bi}
	if err := ix.checkSchema(); err != nil {
		_ = bi.Close()
		return nil, err
	}
	return ix, nil
}

// indexExists reports whether dir holds a bleve index. An empty or missing
// directory holds none; a directory with other files but no index_meta.json
// is not ours and is left alone.
func indexExists(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read directory: %w", err)
	}
	if len(entries) == 0 {
		return false, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("directory is not empty and holds no index_meta.json: %w", ErrCorrupt)
		}
		return false, fmt.Errorf("stat index_meta.json: %w", err)
	}
	return true, nil
}

func create(dir string, timeout time.Duration) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("create text index %s: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create text index %s: %w", dir, err)
	}
	bi, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, runtimeConfig(false, timeout))
	if errors.Is(err, bleve.ErrorIndexPathExists) {
		// Another process created it between our look and our create.
		bi, err = openExisting(dir, false, timeout)
		if err != nil {
			return nil, err
		}
		ix := &Index{dir: dir, bi: bi}
		if err := ix.checkSchema(); err != nil {
			_ = bi.Close()
			return nil, err
		}
		return ix, nil
	}
	if err != nil {
		return nil, classifyOpenError(dir, "create", timeout, err)
	}
	if err := bi.SetInternal([]byte(schemaKey), []byte(schemaVersion)); err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("create text index %s: record schema version: %w", dir, err)
	}
	return &Index{dir: dir, bi: bi}, nil
}

// openExisting opens with bleve, turning the lock timeout into ErrLocked and
// everything else, panics included, into ErrCorrupt.
func openExisting(dir string, readOnly bool, timeout time.Duration) (bi bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			bi = nil
			err = fmt.Errorf("open text index %s: bleve panicked: %v: %w", dir, r, ErrCorrupt)
		}
	}()
	bi, err = bleve.OpenUsing(dir, runtimeConfig(readOnly, timeout))
	if err != nil {
		return nil, classifyOpenError(dir, "open", timeout, err)
	}
	return bi, nil
}

func runtimeConfig(readOnly bool, timeout time.Duration) map[string]interface{} {
	return map[string]interface{}{
		"bolt_timeout": timeout.String(),
		"read_only":    readOnly,
	}
}

func classifyOpenError(dir, verb string, timeout time.Duration, err error) error {
	if errors.Is(err, bolterrors.ErrTimeout) || err.Error() == bolterrors.ErrTimeout.Error() {
		return fmt.Errorf("%s text index %s: lock on root.bolt not granted within %s: %w "+
			"(another devai process is indexing this repository; stop it, or wait and retry)",
			verb, dir, timeout, ErrLocked)
	}
	if errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("%s text index %s: %w", verb, dir, err)
	}
	return fmt.Errorf("%s text index %s: %v: %w", verb, dir, err, ErrCorrupt)
}

func (ix *Index) checkSchema() error {
	v, err := ix.bi.GetInternal([]byte(schemaKey))
	if err != nil {
		return fmt.Errorf("open text index %s: read schema version: %v: %w", ix.dir, err, ErrCorrupt)
	}
	if string(v) != schemaVersion {
		return fmt.Errorf("open text index %s: built with schema %q, this devai writes %q: %w: %w",
			ix.dir, string(v), schemaVersion, ErrSchema, ErrCorrupt)
	}
	if im, ok := ix.bi.Mapping().(*mapping.IndexMappingImpl); !ok || im.ScoringModel != index.BM25Scoring {
		return fmt.Errorf("open text index %s: mapping does not use BM25: %w: %w", ix.dir, ErrSchema, ErrCorrupt)
	}
	return ix.checkSequence()
}

// checkSequence loads the batch number and compares it with the one the last
// clean Close recorded.
func (ix *Index) checkSequence() error {
	v, err := ix.bi.GetInternal([]byte(seqKey))
	if err != nil {
		return fmt.Errorf("open text index %s: read batch number: %v: %w", ix.dir, err, ErrCorrupt)
	}
	if v != nil {
		if ix.seq, err = strconv.ParseUint(string(v), 10, 64); err != nil {
			return fmt.Errorf("open text index %s: batch number %q: %w", ix.dir, v, ErrCorrupt)
		}
	}
	b, err := os.ReadFile(filepath.Join(ix.dir, cleanCloseFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open text index %s: %w", ix.dir, err)
	}
	closed, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return fmt.Errorf("open text index %s: %s holds %q: %w", ix.dir, cleanCloseFile, b, ErrCorrupt)
	}
	if ix.seq < closed {
		return fmt.Errorf("open text index %s: it was closed after batch %d but holds only %d "+
			"(segment files are damaged or missing): %w", ix.dir, closed, ix.seq, ErrCorrupt)
	}
	return nil
}

// Dir is the index directory.
func (ix *Index) Dir() string { return ix.dir }

// ReadOnly reports whether the index was opened read-only.
func (ix *Index) ReadOnly() bool { return ix.readOnly }

// ScoringModel is the scoring model in the index's mapping ("bm25").
func (ix *Index) ScoringModel() string {
	if im, ok := ix.bi.Mapping().(*mapping.IndexMappingImpl); ok {
		return im.ScoringModel
	}
	return ""
}

// Count returns the number of documents.
func (ix *Index) Count() (uint64, error) {
	bi, unlock, err := ix.use()
	if err != nil {
		return 0, err
	}
	defer unlock()
	n, err := bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count text index %s: %w", ix.dir, err)
	}
	return n, nil
}

// SizeOnDisk returns the bytes the index directory takes.
func (ix *Index) SizeOnDisk() (int64, error) {
	var total int64
	err := filepath.WalkDir(ix.dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			total += info.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("size of text index %s: %w", ix.dir, err)
	}
	return total, nil
}

// Close flushes and releases the index and its lock. Closing twice is a no-op.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	if err := ix.bi.Close(); err != nil {
		return fmt.Errorf("close text index %s: %w", ix.dir, err)
	}
	if ix.readOnly {
		return nil
	}
	ix.writeMu.Lock()
	seq := ix.seq
	ix.writeMu.Unlock()
	if err := atomicfile.WriteBytes(filepath.Join(ix.dir, cleanCloseFile), []byte(strconv.FormatUint(seq, 10)+"\n")); err != nil {
		return fmt.Errorf("close text index %s: record clean close: %w", ix.dir, err)
	}
	return nil
}

// use returns the bleve index under a read lock, so Close waits for
// in-flight calls instead of pulling the index from under them.
func (ix *Index) use() (bleve.Index, func(), error) {
	ix.mu.RLock()
	if ix.closed {
		ix.mu.RUnlock()
		return nil, nil, fmt.Errorf("text index %s: %w", ix.dir, ErrClosed)
	}
	return ix.bi, ix.mu.RUnlock, nil
}

func lowerTrim(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
