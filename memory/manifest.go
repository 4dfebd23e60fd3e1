package memory

import (
	"bufio"
	"compress/gzip"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/internal/atomicfile"
	"github.com/devaiops/devai/memory/textindex"
)

// manifestVersion changes whenever the on-disk layout of the index changes
// (the manifest, the text mapping, chunking or redaction); an older index is
// rebuilt.
const manifestVersion = 16

// manifest records what was indexed, so a re-sync re-reads only what changed.
// It is the source of truth for "what is in the index": the text and vector
// stores are brought in line with it after a crash.
type manifest struct {
	Version  int
	Embedder string
	LastSync time.Time
	SyncTook time.Duration
	Files    map[string]*fileEntry // by repo-relative path
	Skipped  []Skipped
}

// fileEntry is one indexed file.
type fileEntry struct {
	Path     string
	Kind     chunk.Kind
	Language string
	Size     int64
	ModTime  time.Time
	Hash     string // sha256 of the content, hex
	Chunks   []chunkMeta
	// Cut is set when only part of the file is indexed: a log above the
	// per-file cap keeps its newest part. Nil: all of it is in.
	Cut *fileCut
}

// fileCut says where the indexed part of a file starts.
type fileCut struct {
	From      int64 // byte offset of the first indexed byte
	FirstLine int   // the file's line number of the first indexed line
	Cap       int64 // the per-file cap it was cut to
}

// cutStale reports whether e was indexed under another log cap than limit
// and would be cut differently now.
func (e *fileEntry) cutStale(limit int64) bool {
	if e.Kind != chunk.Log {
		return false
	}
	if e.Cut == nil {
		return e.Size > limit
	}
	return e.Cut.Cap != limit
}

// chunkMeta is a chunk without its text; snippets are read from the file.
type chunkMeta struct {
	ID           string
	StartLine    int
	EndLine      int
	Symbol       string
	SymbolKind   string
	Also         []string // further names it defines (chunk.Chunk.Also)
	Parents      []string
	Signature    string
	Requirements []string
	TestNames    []string
	TestOnly     bool // chunk.Chunk.TestOnly: searched and ranked as a test
	Time         time.Time
	Level        string
	TextHash     string
	Lengths      textindex.Lengths // tokens per text field, for BM25's statistics
	// Parts are the line ranges a long chunk's text is also searched in
	// (chunk.Chunk.Parts), each its own text document beside the chunk's.
	Parts []chunkPart
}

// chunkPart is one part of a long chunk's text, as the text index holds it.
type chunkPart struct {
	StartLine, EndLine int
	Lengths            textindex.Lengths
}

// docIDs are the IDs of the chunk's text documents: its own and its parts'.
func (m *chunkMeta) docIDs() []string {
	ids := []string{m.ID}
	for k := range m.Parts {
		ids = append(ids, partID(m.ID, k))
	}
	return ids
}

func newManifest() *manifest {
	return &manifest{Version: manifestVersion, Files: map[string]*fileEntry{}}
}

// textStats are the BM25 statistics of every chunk the manifest lists.
func (m *manifest) textStats() textindex.Stats {
	var s textindex.Stats
	for _, f := range m.Files {
		for i := range f.Chunks {
			s.Add(f.Chunks[i].Lengths)
			for _, p := range f.Chunks[i].Parts {
				s.Add(p.Lengths)
			}
		}
	}
	return s
}

func (m *manifest) chunkCount() int {
	n := 0
	for _, f := range m.Files {
		n += len(f.Chunks)
	}
	return n
}

// errManifestStale says the manifest was written by another layout version.
var errManifestStale = errors.New("index layout changed")

func loadManifest(path string) (*manifest, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return newManifest(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("open manifest: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", path, err)
	}
	var m manifest
	if err := gob.NewDecoder(zr).Decode(&m); err != nil {
		return nil, fmt.Errorf("decode manifest %s: %w", path, err)
	}
	if m.Version != manifestVersion {
		return nil, fmt.Errorf("manifest version %d, want %d: %w", m.Version, manifestVersion, errManifestStale)
	}
	if m.Files == nil {
		m.Files = map[string]*fileEntry{}
	}
	return &m, nil
}

// save writes the manifest atomically: a kill at any point leaves either the
// old or the new file, never a torn one.
func (m *manifest) save(path string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		zw := gzip.NewWriter(w)
		if err := gob.NewEncoder(zw).Encode(m); err != nil {
			return err
		}
		return zw.Close()
	})
}
