package memory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/graph"
	"github.com/devaiops/devai/memory/internal/atomicfile"
	"github.com/devaiops/devai/memory/redact"
	"github.com/devaiops/devai/memory/textindex"
	"github.com/devaiops/devai/memory/walk"
)

// checkpointChunks is how much work a sync does between checkpoints. A kill
// loses at most this much; a checkpoint costs a vector snapshot and a
// manifest write.
const checkpointChunks = 8000

// batchFiles is how many files are read and chunked in parallel at a time.
const batchFiles = 256

// batchBytes bounds the bytes read and chunked at a time, so that a batch
// of large files holds no more in memory than a batch of small ones. A file
// larger than this (a log up to its cap) is a batch of its own.
const batchBytes = 8 << 20

// writeBytes bounds the text handed to the text index and the embedder in
// one call: bleve analyses a whole batch in memory before writing it, which
// cost 14.9 GB for the chunks of one 200 MB log written at once.
const writeBytes = 2 << 20

// errClosed is returned by operations on a closed index.
var errClosed = errors.New("index is closed")

// Sync brings the index up to date with the working tree: new and changed
// files are read and chunked, unchanged chunks keep their embeddings, and
// deleted files leave the index. Renames and branch switches are the same
// thing seen from the tree: some paths gone, some new, some changed.
func (ix *Index) Sync(ctx context.Context, progress Progress) error {
	if ix.closed.Load() {
		return errClosed
	}
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	if ix.closed.Load() {
		return errClosed
	}
	ix.beginSync()
	defer ix.endSync()

	start := time.Now()
	w, err := ix.sync(ctx, progress)
	if err != nil {
		msg := err.Error()
		ix.lastErr.Store(&msg)
		return err
	}
	ix.lastErr.Store(nil)
	ix.mu.Lock()
	first := ix.man.LastSync.IsZero()
	ix.man.LastSync = time.Now()
	ix.man.SyncTook = time.Since(start)
	ix.mu.Unlock()
	switch n := len(w.changed) + len(w.deleted); {
	case n == 0 && !first && len(ix.unflushed) == 0:
		return nil
	case n > 0 && n <= maxDeferred && !first:
		ix.deferCheckpoint(w)
		return nil
	}
	return ix.checkpoint(nil)
}

// maxDeferred is the most files a sync may change and still leave its
// checkpoint to the flush timer (or Close), as a save in an editor does.
const maxDeferred = 50

func (ix *Index) beginSync() {
	ix.done.Store(0)
	ix.total.Store(0)
	ix.idleMu.Lock()
	ix.idle = make(chan struct{})
	ix.idleMu.Unlock()
}

func (ix *Index) endSync() {
	ix.idleMu.Lock()
	close(ix.idle)
	ix.idleMu.Unlock()
}

// work is what one sync has to do.
type work struct {
	changed []walk.File // new, or size/mtime differ
	deleted []string
}

// walkOptions is what the walk and the watcher leave out or add: the state
// directory is never indexed, wherever --state-dir puts it.
func (ix *Index) walkOptions() walk.Options {
	return walk.Options{MaxFileSize: ix.opts.MaxFileSize, LogPaths: ix.opts.LogPaths, SkipDirs: []string{ix.StateDir()}}
}

// sync walks the tree and applies what changed, which it returns.
func (ix *Index) sync(ctx context.Context, progress Progress) (work, error) {
	res, err := walk.Walk(ctx, ix.repo, ix.walkOptions())
	if err != nil {
		return work{}, fmt.Errorf("walk %s: %w", ix.repo, err)
	}
	files := ix.outsideState(res.Files)
	w := ix.plan(files)
	ix.total.Store(int64(len(w.changed) + len(w.deleted)))
	skipped := make([]Skipped, 0, len(res.Skipped))
	for _, s := range res.Skipped {
		skipped = append(skipped, Skipped{Path: s.Path, Reason: s.Reason})
	}
	ix.mu.Lock()
	ix.man.Skipped = skipped
	ix.mu.Unlock()
	if len(w.changed) == 0 && len(w.deleted) == 0 {
		return w, nil
	}
	ix.log.Debug("sync", "changed", len(w.changed), "deleted", len(w.deleted), "unchanged", len(files)-len(w.changed))
	return w, ix.apply(ctx, w, progress)
}

// outsideState drops files that live in the state directory, for a
// --state-dir inside the repository under another name than .devai.
func (ix *Index) outsideState(files []walk.File) []walk.File {
	prefix := ix.state + string(filepath.Separator)
	out := files[:0:0]
	for _, f := range files {
		if !strings.HasPrefix(f.Abs, prefix) {
			out = append(out, f)
		}
	}
	return out
}

func (ix *Index) plan(files []walk.File) work {
	limit := ix.maxLogBytes()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var w work
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		seen[f.Path] = true
		e := ix.man.Files[f.Path]
		if e != nil && e.Size == f.Size && e.ModTime.Equal(f.ModTime) && e.Kind == f.Kind && e.Language == f.Language && !e.cutStale(limit) {
			continue
		}
		w.changed = append(w.changed, f)
	}
	for p := range ix.man.Files {
		if !seen[p] {
			w.deleted = append(w.deleted, p)
		}
	}
	return w
}

// apply indexes w in batches, checkpointing as it goes. The journal lists
// every path not yet checkpointed, so that a crash is repaired on the next
// Open by forgetting exactly those paths.
func (ix *Index) apply(ctx context.Context, w work, progress Progress) error {
	pending := make([]string, 0, len(w.changed)+len(w.deleted))
	for _, f := range w.changed {
		pending = append(pending, f.Path)
	}
	pending = append(pending, w.deleted...)
	if err := ix.writeJournal(pending); err != nil {
		return err
	}
	done, sinceCheckpoint := 0, 0
	report := func(path string) {
		done++
		ix.done.Store(int64(done))
		if progress != nil {
			progress(done, len(pending), path)
		}
	}
	if len(w.deleted) > 0 {
		if err := ix.remove(w.deleted); err != nil {
			return err
		}
		for _, p := range w.deleted {
			report(p)
		}
	}
	for _, batch := range ix.batches(w.changed) {
		if err := ctx.Err(); err != nil {
			return ix.stopAt(pending[done:], err)
		}
		results := ix.readAndSplit(ctx, batch)
		n, err := ix.store(ctx, results)
		if err != nil {
			return ix.stopAt(pending[done:], err)
		}
		for _, f := range batch {
			report(f.Path)
		}
		sinceCheckpoint += n
		if sinceCheckpoint >= ix.checkpointEvery {
			if err := ix.checkpoint(pending[done:]); err != nil {
				return err
			}
			sinceCheckpoint = 0
		}
	}
	return nil
}

// batches cuts files into runs of at most batchFiles files and about
// batchBytes bytes of what will be read of them.
func (ix *Index) batches(files []walk.File) [][]walk.File {
	limit := ix.maxLogBytes()
	var out [][]walk.File
	start, bytes := 0, int64(0)
	for i, f := range files {
		n := f.Size
		if f.Kind == chunk.Log {
			n = min(n, limit)
		}
		if i > start && (i-start == ix.batchFiles || bytes+n > batchBytes) {
			out = append(out, files[start:i])
			start, bytes = i, 0
		}
		bytes += n
	}
	if start < len(files) {
		out = append(out, files[start:])
	}
	return out
}

// stopAt checkpoints what is done before returning err, so that a cancelled
// sync keeps its progress.
func (ix *Index) stopAt(rest []string, err error) error {
	if cerr := ix.checkpoint(rest); cerr != nil {
		return errors.Join(err, cerr)
	}
	return err
}

// fileResult is one file read and chunked.
type fileResult struct {
	file   walk.File
	hash   string
	chunks []chunk.Chunk
	texts  []chunkText // of each chunk, under its ID
	cut    *fileCut    // set when only the newest part of a log was indexed
	err    error
}

func (ix *Index) readAndSplit(ctx context.Context, files []walk.File) []fileResult {
	results := make([]fileResult, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = readAndSplit(files[i], ix.redactor, ix.maxLogBytes())
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

// readAndSplit reads and chunks one file. A log is read as a stream and
// only its newest maxLog bytes are kept and chunked (see readLogTail); its
// chunks keep the file's own line numbers. Credentials in the chunks' text
// (and in their symbol, which for a log event is the event's own text, and
// headings and shall sentences) are redacted before anything is indexed or
// embedded, so the index on disk holds no secret a search could find; line
// ranges stay those of the file.
func readAndSplit(f walk.File, redactor *redact.Redactor, maxLog int64) fileResult {
	var (
		content []byte
		r       = fileResult{file: f}
	)
	if f.Kind == chunk.Log {
		part, err := readLogTail(f.Abs, f.Size, maxLog)
		if err != nil {
			return fileResult{file: f, err: err}
		}
		content, r.hash, r.cut = part.content, part.hash, part.cut(maxLog)
		r.chunks = chunk.Split(f.Path, f.Kind, f.Language, content)
		for i := range r.chunks {
			r.chunks[i].StartLine += part.firstLine - 1
			r.chunks[i].EndLine += part.firstLine - 1
		}
	} else {
		var err error
		content, err = os.ReadFile(f.Abs)
		if err != nil {
			return fileResult{file: f, err: err}
		}
		sum := sha256.Sum256(content)
		r.hash = hex.EncodeToString(sum[:])
		r.chunks = chunk.Split(f.Path, f.Kind, f.Language, content)
	}
	for i := range r.chunks {
		c := &r.chunks[i]
		c.Text, c.Signature, c.Symbol = redactor.String(c.Text), redactor.String(c.Signature), redactor.String(c.Symbol)
		for j := range c.Parents {
			c.Parents[j] = redactor.String(c.Parents[j])
		}
		for j := range c.Shall {
			c.Shall[j] = redactor.String(c.Shall[j])
		}
		r.texts = append(r.texts, textOf(chunkID(f.Path, i), *c))
	}
	return r
}

// maxLogBytes is the per-file cap on what a log contributes.
func (ix *Index) maxLogBytes() int64 {
	if ix.opts.MaxLogBytes > 0 {
		return ix.opts.MaxLogBytes
	}
	return DefaultMaxLogBytes
}

// store writes one batch of files to the text index, the vectors, the graph
// and the manifest, and returns the number of chunks written.
func (ix *Index) store(ctx context.Context, results []fileResult) (int, error) {
	var (
		docs        []textindex.Doc
		textDeletes []string // text documents of chunks gone, or cut otherwise
		vecDeletes  []string // chunks gone
		vecIDs      []string
		vecTexts    []string
		vecMeta     []map[string]string
		entries     []*fileEntry
		graphOut    []string
		graphIn     []chunk.Chunk
	)
	limit := ix.maxLogBytes()
	ix.mu.RLock()
	for _, r := range results {
		if r.err != nil {
			continue
		}
		old := ix.man.Files[r.file.Path]
		if old != nil && old.Hash == r.hash && old.Kind == r.file.Kind && old.Language == r.file.Language && !old.cutStale(limit) {
			// Touched but not changed: keep everything, remember the new mtime.
			e := *old
			e.Size, e.ModTime = r.file.Size, r.file.ModTime
			entries = append(entries, &e)
			continue
		}
		e := &fileEntry{Path: r.file.Path, Kind: r.file.Kind, Language: r.file.Language,
			Size: r.file.Size, ModTime: r.file.ModTime, Hash: r.hash, Cut: r.cut}
		keep := make(map[string]bool, len(r.chunks))
		keepDocs := make(map[string]bool, len(r.chunks))
		for i, c := range r.chunks {
			id := chunkID(r.file.Path, i)
			keep[id] = true
			text := embedText(c)
			meta := metaOf(id, c, text)
			meta.Lengths, meta.Parts = r.texts[i].lengths, r.texts[i].parts
			e.Chunks = append(e.Chunks, meta)
			for _, d := range r.texts[i].docs {
				keepDocs[d.ID] = true
				docs = append(docs, d)
			}
			vecIDs = append(vecIDs, id)
			vecTexts = append(vecTexts, text)
			vecMeta = append(vecMeta, map[string]string{"kind": string(c.Kind), "path": c.Path})
		}
		if old != nil {
			for _, c := range old.Chunks {
				if !keep[c.ID] {
					vecDeletes = append(vecDeletes, c.ID)
				}
				for _, d := range c.docIDs() {
					if !keepDocs[d] {
						textDeletes = append(textDeletes, d)
					}
				}
			}
		}
		entries = append(entries, e)
		graphOut = append(graphOut, r.file.Path)
		graphIn = append(graphIn, r.chunks...)
	}
	ix.mu.RUnlock()

	docSize := func(i int) int { return len(docs[i].Text) + len(docs[i].Signature) }
	for _, r := range writeRuns(len(docs), docSize) { // the deletes are written with the first run
		if err := ix.text.Apply(docs[r.from:r.to], textDeletes); err != nil {
			return 0, fmt.Errorf("text index: %w", err)
		}
		textDeletes = nil
	}
	if ix.vec != nil {
		for _, r := range writeRuns(len(vecIDs), func(i int) int { return len(vecTexts[i]) }) {
			if r.to == r.from {
				continue
			}
			if err := ix.vec.Upsert(ctx, vecIDs[r.from:r.to], vecTexts[r.from:r.to], vecMeta[r.from:r.to]); err != nil {
				return 0, fmt.Errorf("embed: %w", err)
			}
		}
	}
	if ix.vec != nil && len(vecDeletes) > 0 {
		if err := ix.vec.Delete(vecDeletes...); err != nil {
			return 0, fmt.Errorf("vector store: %w", err)
		}
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, p := range graphOut {
		ix.graph.RemovePath(p)
	}
	ix.graph.AddChunks(graphIn)
	ix.dropResolver()
	for _, e := range entries {
		if old := ix.man.Files[e.Path]; old != nil {
			for _, c := range old.Chunks {
				delete(ix.byID, c.ID)
			}
		}
		ix.man.Files[e.Path] = e
		for i := range e.Chunks {
			ix.byID[e.Chunks[i].ID] = chunkRef{file: e, i: i}
		}
	}
	ix.text.SetStats(ix.man.textStats())
	for _, r := range results {
		if r.err != nil {
			ix.log.Warn("cannot read file", "path", r.file.Path, "error", r.err)
			ix.man.Skipped = append(ix.man.Skipped, Skipped{Path: r.file.Path, Reason: "unreadable: " + r.err.Error()})
		}
	}
	return len(vecIDs), nil
}

// run is the items [from:to] written in one call.
type run struct{ from, to int }

// writeRuns cuts n items of the given sizes into runs of about writeBytes
// each; there is always at least one run, empty when n is 0, so that
// deletes are written.
func writeRuns(n int, sizeOf func(int) int) []run {
	var out []run
	from, size := 0, 0
	for i := range n {
		item := sizeOf(i)
		if i > from && size+item > writeBytes {
			out = append(out, run{from, i})
			from, size = i, 0
		}
		size += item
	}
	return append(out, run{from, n})
}

// remove takes deleted paths out of every store.
func (ix *Index) remove(paths []string) error {
	ix.mu.RLock()
	var ids, docIDs []string
	for _, p := range paths {
		if e := ix.man.Files[p]; e != nil {
			for _, c := range e.Chunks {
				ids = append(ids, c.ID)
				docIDs = append(docIDs, c.docIDs()...)
			}
		}
	}
	ix.mu.RUnlock()
	if err := ix.text.Apply(nil, docIDs); err != nil {
		return fmt.Errorf("text index: %w", err)
	}
	if ix.vec != nil && len(ids) > 0 {
		if err := ix.vec.Delete(ids...); err != nil {
			return fmt.Errorf("vector store: %w", err)
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.dropResolver()
	for _, p := range paths {
		if e := ix.man.Files[p]; e != nil {
			for _, c := range e.Chunks {
				delete(ix.byID, c.ID)
			}
		}
		delete(ix.man.Files, p)
		ix.graph.RemovePath(p)
	}
	ix.text.SetStats(ix.man.textStats())
	return nil
}

// checkpoint makes everything so far durable: vectors, graph, manifest, and
// then the journal of what is still pending (nil: nothing).
func (ix *Index) checkpoint(pending []string) error {
	if ix.flushTimer != nil {
		ix.flushTimer.Stop()
	}
	if ix.vec != nil {
		if err := ix.vec.Save(); err != nil {
			return fmt.Errorf("save vectors: %w", err)
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if err := atomicfile.Write(ix.path("graph.gob"), ix.graph.Save); err != nil {
		return fmt.Errorf("save graph: %w", err)
	}
	if err := ix.man.save(ix.path("manifest.gob")); err != nil {
		return fmt.Errorf("save manifest: %w", err)
	}
	clear(ix.unflushed)
	return ix.writeJournal(pending)
}

// writeJournal records paths, and those applied but not yet checkpointed,
// as the ones a crash would leave in doubt.
func (ix *Index) writeJournal(paths []string) error {
	for p := range ix.unflushed {
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		if err := os.Remove(ix.path("journal")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("clear journal: %w", err)
		}
		return nil
	}
	return atomicfile.Write(ix.path("journal"), func(w io.Writer) error {
		_, err := io.WriteString(w, strings.Join(paths, "\n")+"\n")
		return err
	})
}

// recover repairs the index after a crash in the middle of a sync: every
// path in the journal may be half-written in the text index or the vectors,
// so it is taken out of both and out of the manifest; the next sync reads
// it again. Work checkpointed before the crash is kept.
func (ix *Index) recover(ctx context.Context) error {
	data, err := os.ReadFile(ix.path("journal"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	paths := strings.Fields(string(data))
	ix.log.Warn("the last sync did not finish; repairing", "paths", len(paths))
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := ix.text.DeletePath(p); err != nil {
			return fmt.Errorf("repair text index: %w", err)
		}
		delete(ix.man.Files, p)
	}
	if ix.vec != nil {
		known := make(map[string]bool, ix.man.chunkCount())
		for _, f := range ix.man.Files {
			for _, c := range f.Chunks {
				known[c.ID] = true
			}
		}
		var stray []string
		for _, id := range ix.vec.IDs() {
			if !known[id] {
				stray = append(stray, id)
			}
		}
		if len(stray) > 0 {
			if err := ix.vec.Delete(stray...); err != nil {
				return fmt.Errorf("repair vectors: %w", err)
			}
			if err := ix.vec.Save(); err != nil {
				return fmt.Errorf("repair vectors: %w", err)
			}
		}
	}
	if err := ix.man.save(ix.path("manifest.gob")); err != nil {
		return err
	}
	return ix.writeJournal(nil)
}

func loadGraph(path string) (*graph.Graph, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return graph.Load(f)
}

// chunkID is the ID of a file's chunk i.
func chunkID(path string, i int) string { return path + "#" + strconv.Itoa(i) }

func docOf(id string, c chunk.Chunk) textindex.Doc {
	return textindex.Doc{
		ID:           id,
		Path:         c.Path,
		Kind:         string(c.Kind),
		Language:     c.Language,
		Symbol:       symbolField(c),
		Signature:    c.Signature,
		Text:         c.Text,
		Comments:     c.Comments(),
		Requirements: c.Requirements,
		TestNames:    c.TestNames,
		Time:         c.Time,
		Level:        c.Level,
	}
}

func metaOf(id string, c chunk.Chunk, text string) chunkMeta {
	sum := sha256.Sum256([]byte(text))
	return chunkMeta{
		ID: id, StartLine: c.StartLine, EndLine: c.EndLine,
		Symbol: c.QualifiedSymbol(), SymbolKind: c.SymbolKind, Also: c.Also, Parents: c.Parents, Signature: c.Signature,
		Requirements: c.Requirements, TestNames: c.TestNames, TestOnly: c.TestOnly, Time: c.Time, Level: c.Level,
		TextHash: hex.EncodeToString(sum[:8]),
	}
}

// symbolField is what the symbol field of a chunk's text document holds:
// its qualified name, its own name alone and the further names it defines.
// The analyzer keeps a dotted name whole ("main.reviewerauth"), so without
// the own name a query for reviewerAuth would never find its definition.
func symbolField(c chunk.Chunk) string {
	q := c.QualifiedSymbol()
	if q == "" {
		return ""
	}
	names := []string{q}
	if c.Symbol != q {
		names = append(names, c.Symbol)
	}
	return strings.Join(append(names, c.Also...), " ")
}

// embedText is what the vector channel sees of a chunk: its name and the
// start of its text. Averaged word vectors blur over long inputs, so the
// head, where the doc comment and signature are, carries the meaning.
func embedText(c chunk.Chunk) string {
	const maxChars = 1500
	text := c.Text
	if len(text) > maxChars {
		text = text[:maxChars]
	}
	if sym := c.QualifiedSymbol(); sym != "" {
		return sym + "\n" + text
	}
	return c.Path + "\n" + text
}

// SyncPaths brings the named repo-relative paths up to date without walking
// the whole tree: what the watcher calls after a save. A path that turned
// out to be a folder makes it fall back to a full Sync.
func (ix *Index) SyncPaths(ctx context.Context, rels []string) error {
	if ix.closed.Load() {
		return errClosed
	}
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	if ix.closed.Load() {
		return errClosed
	}
	ix.beginSync()
	defer ix.endSync()

	wopts := ix.walkOptions()
	ign, err := walk.NewIgnorerFor(ix.repo, wopts)
	if err != nil {
		return fmt.Errorf("sync paths: %w", err)
	}
	var (
		files   []walk.File
		gone    []string
		skipped []Skipped
	)
	for _, rel := range rels {
		if ign.Ignored(rel, false) {
			gone = append(gone, rel)
			continue
		}
		f, skip, err := walk.Inspect(ix.repo, rel, wopts)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			gone = append(gone, rel)
		case err != nil:
			ix.log.Debug("path is not a plain file; syncing the whole tree", "path", rel, "reason", err)
			if _, err := ix.sync(ctx, nil); err != nil {
				return err
			}
			return ix.checkpoint(nil)
		case skip != nil:
			gone = append(gone, rel)
			skipped = append(skipped, Skipped{Path: skip.Path, Reason: skip.Reason})
		default:
			files = append(files, f)
		}
	}
	w := ix.plan(ix.outsideState(files))
	w.deleted = nil
	ix.mu.Lock()
	for _, p := range gone {
		if ix.man.Files[p] != nil {
			w.deleted = append(w.deleted, p)
		}
	}
	ix.man.Skipped = mergeSkipped(ix.man.Skipped, rels, skipped)
	ix.mu.Unlock()
	ix.total.Store(int64(len(w.changed) + len(w.deleted)))
	if len(w.changed) == 0 && len(w.deleted) == 0 {
		return nil
	}
	if err := ix.apply(ctx, w, nil); err != nil {
		return err
	}
	ix.deferCheckpoint(w)
	return nil
}

// deferCheckpoint leaves w searchable now and durable at the next
// checkpoint. Until then the journal names its paths, so a crash re-reads
// them.
func (ix *Index) deferCheckpoint(w work) {
	for _, f := range w.changed {
		ix.unflushed[f.Path] = true
	}
	for _, p := range w.deleted {
		ix.unflushed[p] = true
	}
	ix.scheduleFlush()
}

// flushDelay is how long after the last watched change the index is
// checkpointed: a checkpoint rewrites the vector snapshot, which costs far
// more than indexing one saved file.
const flushDelay = 2 * time.Second

func (ix *Index) scheduleFlush() {
	if ix.flushTimer != nil {
		ix.flushTimer.Stop()
	}
	ix.flushTimer = time.AfterFunc(flushDelay, func() {
		ix.syncMu.Lock()
		defer ix.syncMu.Unlock()
		if ix.closed.Load() || len(ix.unflushed) == 0 {
			return
		}
		if err := ix.checkpoint(nil); err != nil {
			ix.log.Warn("checkpoint after watched changes", "error", err)
		}
	})
}

// mergeSkipped replaces the skip records of the given paths.
func mergeSkipped(old []Skipped, paths []string, now []Skipped) []Skipped {
	touched := make(map[string]bool, len(paths))
	for _, p := range paths {
		touched[p] = true
	}
	out := make([]Skipped, 0, len(old)+len(now))
	for _, s := range old {
		if !touched[s.Path] {
			out = append(out, s)
		}
	}
	return append(out, now...)
}
