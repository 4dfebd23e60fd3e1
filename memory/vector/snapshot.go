package vector

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"

	"github.com/devaiops/devai/memory/internal/atomicfile"
	chromem "github.com/philippgille/chromem-go"
)

// ErrCorrupt is wrapped by OpenStore errors about a snapshot file that
// cannot be read back: truncated, altered, or not a snapshot at all.
var ErrCorrupt = errors.New("vector snapshot is corrupt")

// snapshotMagic starts every snapshot file. The file is this line, one JSON
// header line, then the body: chromem-go's ExportToWriter gob of the
// collection, uncompressed (float vectors barely compress, and gzip would
// double the time to open).
const snapshotMagic = "devai-vectors v1\n"

// snapshotHeader lets OpenStore check the embedder and the body's integrity
// before decoding it.
type snapshotHeader struct {
	Embedder  string `json:"embedder"`
	Dim       int    `json:"dim"`
	Count     int    `json:"count"`
	BodyBytes int    `json:"body_bytes"`
	BodyCRC   uint32 `json:"body_crc32c"`
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

type snapshot struct {
	header snapshotHeader
	docs   []*chromem.Document
}

// exportDB mirrors the unexported structs chromem-go's ExportToWriter
// encodes (gob matches fields by name), so the body can be decoded once,
// straight into documents, instead of through ImportFromReader and a
// second pass to rebuild the embedding cache.
type exportDB struct {
	Collections map[string]*exportCollection
}

type exportCollection struct {
	Name      string
	Metadata  map[string]string
	Documents map[string]*chromem.Document
}

// readSnapshot returns nil, nil when path is "" or does not exist.
func readSnapshot(path string) (*snapshot, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte(snapshotMagic)) {
		return nil, fmt.Errorf("%w: not a devai vector snapshot (bad first line)", ErrCorrupt)
	}
	rest := data[len(snapshotMagic):]
	nl := bytes.IndexByte(rest, '\n')
	if nl < 0 {
		return nil, fmt.Errorf("%w: header line is cut off", ErrCorrupt)
	}
	var snap snapshot
	if err := json.Unmarshal(rest[:nl], &snap.header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	body := rest[nl+1:]
	h := snap.header
	if len(body) != h.BodyBytes {
		return nil, fmt.Errorf("%w: body is %d bytes, header says %d (truncated write?)", ErrCorrupt, len(body), h.BodyBytes)
	}
	if crc := crc32.Checksum(body, crcTable); crc != h.BodyCRC {
		return nil, fmt.Errorf("%w: body checksum %08x, header says %08x", ErrCorrupt, crc, h.BodyCRC)
	}
	var db exportDB
	if err := gob.NewDecoder(bytes.NewReader(body)).Decode(&db); err != nil {
		return nil, fmt.Errorf("%w: decode body: %v", ErrCorrupt, err)
	}
	col := db.Collections[collectionName]
	if col == nil {
		if h.Count == 0 {
			return &snap, nil
		}
		return nil, fmt.Errorf("%w: no %q collection", ErrCorrupt, collectionName)
	}
	if len(col.Documents) != h.Count {
		return nil, fmt.Errorf("%w: %d documents, header says %d", ErrCorrupt, len(col.Documents), h.Count)
	}
	snap.docs = make([]*chromem.Document, 0, len(col.Documents))
	for _, d := range col.Documents {
		snap.docs = append(snap.docs, d)
	}
	return &snap, nil
}

// Save writes the store to its file atomically: a temporary file in the
// same folder, fsync, rename over the old snapshot, fsync of the folder. A
// crash at any point leaves either the old or the new snapshot, never a
// mix. Save does nothing for an in-memory store or when nothing changed.
func (s *Store) Save() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()

	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	if s.path == "" || (!s.dirty && !s.reembed) {
		s.mu.RUnlock()
		return nil
	}
	var body bytes.Buffer
	err := s.db.ExportToWriter(&body, false, "", collectionName)
	h := snapshotHeader{Embedder: s.emb.Name(), Dim: s.dim, Count: s.col.Count()}
	gen := s.gen
	s.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("save vector store %s: %w", s.path, err)
	}
	h.BodyBytes = body.Len()
	h.BodyCRC = crc32.Checksum(body.Bytes(), crcTable)
	hdr, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("save vector store %s: %w", s.path, err)
	}
	if err := atomicfile.WriteBytes(s.path, []byte(snapshotMagic), hdr, []byte("\n"), body.Bytes()); err != nil {
		return fmt.Errorf("save vector store %s: %w", s.path, err)
	}

	s.mu.Lock()
	// Changes made while we wrote stay dirty for the next Save.
	if s.gen == gen {
		s.dirty = false
	}
	s.reembed, s.previous = false, ""
	s.pruneCache()
	s.mu.Unlock()
	return nil
}

// pruneCache drops cached vectors whose text no stored document has any
// more (deleted or changed chunks), so the cache does not grow without end
// in a long-running server. Called with mu held.
func (s *Store) pruneCache() {
	live := make(map[string]bool, len(s.docHash))
	for _, h := range s.docHash {
		live[h] = true
	}
	for h := range s.cache {
		if !live[h] {
			delete(s.cache, h)
		}
	}
}
