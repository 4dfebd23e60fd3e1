package vector

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"

	chromem "github.com/philippgille/chromem-go"
)

const (
	collectionName = "chunks"
	// hashKey is the metadata key holding a hash of the embedded text; the
	// embedding cache is rebuilt from it when a snapshot is opened.
	hashKey = "_texthash"
	// embedBatch is how many texts one Embed call gets from Upsert.
	embedBatch = 64
)

// ErrClosed is returned by a Store used after Close.
var ErrClosed = errors.New("vector store is closed")

// Hit is one nearest neighbour: the chunk ID, its cosine similarity to the
// query (higher is closer, at most 1) and the metadata it was stored with.
type Hit struct {
	ID    string
	Score float32
	Meta  map[string]string
}

// Store keeps one unit vector per chunk ID in a chromem-go collection and
// snapshots it to a single file. Its methods are safe for concurrent use.
//
// Writes (Upsert, Delete) are serialised with Save by mu, because
// chromem-go's export reads its document map without the collection lock.
type Store struct {
	path string
	emb  Embedder

	mu       sync.RWMutex // writers: Upsert's add phase, Delete, Close; readers: Search, Save
	saveMu   sync.Mutex   // one Save at a time
	db       *chromem.DB
	col      *chromem.Collection
	dim      int                  // pinned on first vector; 0 while empty and unknown
	cache    map[string][]float32 // text hash → unit vector, for unchanged texts
	docHash  map[string]string    // id → text hash of what is stored
	gen      uint64               // bumped by every write, so Save knows what it saved
	dirty    bool
	reembed  bool   // snapshot was made by another embedder
	previous string // that embedder's name
	closed   bool
}

// OpenStore opens the vector store snapshotted at path, or an empty one if
// the file does not exist. path "" gives an in-memory store whose Save does
// nothing. If the snapshot was made with an embedder of another Name, the
// store starts empty, NeedsReembed reports true and the old file stays on
// disk until the next Save. A damaged snapshot is an error wrapping
// ErrCorrupt; the file is left alone.
func OpenStore(path string, e Embedder) (*Store, error) {
	if e == nil {
		return nil, errors.New("open vector store: no embedder")
	}
	s := &Store{path: path, emb: e, cache: map[string][]float32{}, docHash: map[string]string{}, dim: e.Dim()}
	snap, err := readSnapshot(path)
	if err != nil {
		return nil, fmt.Errorf("open vector store %s: %w", path, err)
	}
	if snap != nil && snap.header.Embedder != e.Name() {
		s.reembed, s.previous = true, snap.header.Embedder
		snap = nil
	}
	if snap != nil && s.dim != 0 && snap.header.Dim != 0 && s.dim != snap.header.Dim {
		// Same name, other dimension (a remote model was swapped): start over.
		s.reembed, s.previous = true, fmt.Sprintf("%s (%d dimensions)", snap.header.Embedder, snap.header.Dim)
		snap = nil
	}
	s.db = chromem.NewDB()
	col, err := s.db.CreateCollection(collectionName, map[string]string{"embedder": e.Name()}, s.refuseEmbed)
	if err != nil {
		return nil, fmt.Errorf("open vector store %s: %w", path, err)
	}
	s.col = col
	if snap == nil {
		return s, nil
	}
	if snap.header.Dim != 0 {
		s.dim = snap.header.Dim
	}
	ctx := context.Background()
	for _, d := range snap.docs {
		if err := checkVector(d.Embedding, s.dim); err != nil {
			return nil, fmt.Errorf("open vector store %s: document %q: %w: %w", path, d.ID, ErrCorrupt, err)
		}
		if err := col.AddDocument(ctx, *d); err != nil {
			return nil, fmt.Errorf("open vector store %s: document %q: %w: %w", path, d.ID, ErrCorrupt, err)
		}
		if h := d.Metadata[hashKey]; h != "" {
			s.cache[h] = d.Embedding
			s.docHash[d.ID] = h
		}
	}
	return s, nil
}

// refuseEmbed is the collection's embedding function. The Store always
// passes vectors itself; giving chromem-go a function also stops it from
// silently defaulting to OpenAI.
func (s *Store) refuseEmbed(context.Context, string) ([]float32, error) {
	return nil, errors.New("vector store: documents must carry their embedding")
}

// NeedsReembed reports that the snapshot on disk was made by another
// embedder (named by PreviousEmbedder), so the store was opened empty and
// every chunk should be upserted again. Save clears it.
func (s *Store) NeedsReembed() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.reembed
}

// PreviousEmbedder names the embedder of a discarded snapshot, or "".
func (s *Store) PreviousEmbedder() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.previous
}

// Embedder returns the embedder the store was opened with.
func (s *Store) Embedder() Embedder { return s.emb }

// TextHash is the cache key of a text.
func TextHash(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:16])
}

// Upsert stores one vector per id, embedding texts in batches. A text whose
// hash was embedded before (in this store or its snapshot) reuses that
// vector, so unchanged chunks are never embedded again. meta may be nil;
// its keys must not start with "_". Nothing is stored if any embedding
// fails.
func (s *Store) Upsert(ctx context.Context, ids []string, texts []string, meta []map[string]string) error {
	if len(ids) != len(texts) {
		return fmt.Errorf("vector upsert: %d ids but %d texts", len(ids), len(texts))
	}
	if meta != nil && len(meta) != len(ids) {
		return fmt.Errorf("vector upsert: %d ids but %d metadata maps", len(ids), len(meta))
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		if id == "" {
			return fmt.Errorf("vector upsert: id %d is empty", i)
		}
		if seen[id] {
			return fmt.Errorf("vector upsert: id %q appears twice in one batch", id)
		}
		seen[id] = true
		if meta != nil {
			for k := range meta[i] {
				if strings.HasPrefix(k, "_") {
					return fmt.Errorf("vector upsert %s: metadata key %q is reserved (keys starting with _ are internal)", id, k)
				}
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}

	hashes := make([]string, len(texts))
	vecs := make([][]float32, len(texts))
	var todo []int // first index of each text hash that needs embedding
	want := map[string][]int{}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	for i, t := range texts {
		hashes[i] = TextHash(t)
		if v, ok := s.cache[hashes[i]]; ok {
			vecs[i] = v
			continue
		}
		if _, pending := want[hashes[i]]; !pending {
			todo = append(todo, i)
		}
		want[hashes[i]] = append(want[hashes[i]], i)
	}
	dim := s.dim
	s.mu.RUnlock()

	for start := 0; start < len(todo); start += embedBatch {
		batch := todo[start:min(start+embedBatch, len(todo))]
		in := make([]string, len(batch))
		for j, i := range batch {
			in[j] = texts[i]
		}
		out, err := s.emb.Embed(ctx, in)
		if err != nil {
			return fmt.Errorf("vector upsert: embed %d texts with %s: %w", len(in), s.emb.Name(), err)
		}
		if len(out) != len(in) {
			return fmt.Errorf("vector upsert: %s returned %d vectors for %d texts", s.emb.Name(), len(out), len(in))
		}
		for j, i := range batch {
			v := out[j]
			if dim == 0 {
				dim = len(v)
			}
			if err := checkVector(v, dim); err != nil {
				return fmt.Errorf("vector upsert %s: %s: %w", ids[i], s.emb.Name(), err)
			}
			v = append([]float32(nil), v...)
			normalize(v)
			for _, k := range want[hashes[i]] {
				vecs[k] = v
			}
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if s.dim == 0 {
		s.dim = dim
	} else if dim != s.dim {
		return fmt.Errorf("vector upsert: %s gives %d dimensions but the store holds %d", s.emb.Name(), dim, s.dim)
	}
	for i, id := range ids {
		m := make(map[string]string, 1)
		if meta != nil {
			m = make(map[string]string, len(meta[i])+1)
			maps.Copy(m, meta[i])
		}
		m[hashKey] = hashes[i]
		// AddDocument copies the metadata map; errors here are only for an
		// empty ID or vector, both checked above.
		if err := s.col.AddDocument(ctx, chromem.Document{ID: id, Metadata: m, Embedding: vecs[i]}); err != nil {
			return fmt.Errorf("vector upsert %s: %w", id, err)
		}
		s.cache[hashes[i]] = vecs[i]
		s.docHash[id] = hashes[i]
	}
	s.dirty = true
	s.gen++
	return nil
}

// Delete removes the given IDs; unknown IDs are ignored. Their vectors stay
// in the cache until the next Save, so a chunk that moved is not embedded
// again.
func (s *Store) Delete(ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.col.Delete(context.Background(), nil, nil, ids...); err != nil {
		return fmt.Errorf("vector delete %d ids: %w", len(ids), err)
	}
	for _, id := range ids {
		delete(s.docHash, id)
	}
	s.dirty = true
	s.gen++
	return nil
}

// Search returns the k stored vectors closest to the query's embedding,
// best first, among those whose metadata matches every key of where (nil:
// all). k above Count is clamped; an empty store gives no hits.
func (s *Store) Search(ctx context.Context, query string, k int, where map[string]string) ([]Hit, error) {
	if k <= 0 {
		return nil, fmt.Errorf("vector search: k must be positive, got %d", k)
	}
	n := s.Count()
	if n == 0 {
		return nil, nil
	}
	qv, err := s.emb.Embed(ctx, []string{query})
	if err != nil {
		return nil, fmt.Errorf("vector search: embed query with %s: %w", s.emb.Name(), err)
	}
	if len(qv) != 1 {
		return nil, fmt.Errorf("vector search: %s returned %d vectors for 1 query", s.emb.Name(), len(qv))
	}
	return s.SearchVector(ctx, qv[0], k, where)
}

// SearchVector is Search with a query vector computed by the caller.
func (s *Store) SearchVector(ctx context.Context, q []float32, k int, where map[string]string) ([]Hit, error) {
	if k <= 0 {
		return nil, fmt.Errorf("vector search: k must be positive, got %d", k)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	n := s.col.Count()
	if n == 0 {
		return nil, nil
	}
	if err := checkVector(q, s.dim); err != nil {
		return nil, fmt.Errorf("vector search: query from %s: %w", s.emb.Name(), err)
	}
	if len(where) == 0 {
		where = nil
	}
	res, err := s.col.QueryEmbedding(ctx, q, min(k, n), where, nil)
	if err != nil {
		return nil, fmt.Errorf("vector search: %w", err)
	}
	hits := make([]Hit, len(res))
	for i, r := range res {
		m := maps.Clone(r.Metadata)
		delete(m, hashKey)
		hits[i] = Hit{ID: r.ID, Score: r.Similarity, Meta: m}
	}
	// Copies of one text embed alike; order them by ID so that every run
	// ranks them the same way.
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	return hits, nil
}

// Count is the number of stored vectors.
func (s *Store) Count() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return 0
	}
	return s.col.Count()
}

// TextHashOf returns the hash of the text stored for id, so a caller can
// tell whether a chunk changed without embedding it; ok is false for an
// unknown id.
func (s *Store) TextHashOf(id string) (hash string, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	hash, ok = s.docHash[id]
	return hash, ok
}

// Dim is the dimension of the stored vectors, 0 while unknown.
func (s *Store) Dim() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.dim
}

// Close saves pending changes (when the store has a path) and releases the
// store; later calls return ErrClosed.
func (s *Store) Close() error {
	err := s.Save()
	s.mu.Lock()
	s.closed = true
	s.db, s.col, s.cache, s.docHash = nil, nil, nil, nil
	s.mu.Unlock()
	if err != nil && !errors.Is(err, ErrClosed) {
		return err
	}
	return nil
}

// IDs lists the stored chunk IDs in no particular order, so that an owner
// repairing after a crash can find vectors it no longer knows about.
func (s *Store) IDs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.docHash))
	for id := range s.docHash {
		ids = append(ids, id)
	}
	return ids
}
