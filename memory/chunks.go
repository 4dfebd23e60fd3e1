package memory

import (
	"path"
	"sort"
	"time"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/graph"
	"github.com/devaiops/devai/memory/redact"
)

// ChunkInfo is an indexed chunk without its text: what tools that reason
// over the whole project (test gaps, traces, specs) need to know of it.
// ReadChunk gives the text.
type ChunkInfo struct {
	ID           string     `json:"id"`
	URI          string     `json:"uri"`
	Path         string     `json:"path"`
	Kind         chunk.Kind `json:"kind"` // the chunk's, as Hit.Kind
	Language     string     `json:"language"`
	StartLine    int        `json:"start_line"`
	EndLine      int        `json:"end_line"`
	Symbol       string     `json:"symbol,omitempty"` // qualified, e.g. sessions.Store.Cleanup
	SymbolKind   string     `json:"symbol_kind,omitempty"`
	Signature    string     `json:"signature,omitempty"`
	Requirements []string   `json:"requirements,omitempty"`
	TestNames    []string   `json:"test_names,omitempty"`
	Time         time.Time  `json:"time,omitzero"`
	Level        string     `json:"level,omitempty"`
}

// Chunks lists the indexed chunks that keep returns true for (nil: all),
// ordered by path and line.
func (ix *Index) Chunks(keep func(ChunkInfo) bool) []ChunkInfo {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []ChunkInfo
	for _, f := range ix.man.Files {
		for i := range f.Chunks {
			c := infoOf(f, &f.Chunks[i])
			if keep == nil || keep(c) {
				out = append(out, c)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].StartLine < out[j].StartLine
	})
	return out
}

// ChunkAt returns the chunk of path that holds line, if the path is indexed.
func (ix *Index) ChunkAt(path string, line int) (ChunkInfo, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ref, ok := ix.chunkAt(path, line)
	if !ok {
		return ChunkInfo{}, false
	}
	return infoOf(ref.file, ref.meta()), true
}

// ChunksOf lists the chunks of one indexed file by line (none when the
// path is not indexed): cheaper than Chunks for a caller that knows the
// file.
func (ix *Index) ChunksOf(path string) []ChunkInfo {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	f := ix.man.Files[path]
	if f == nil {
		return nil
	}
	out := make([]ChunkInfo, 0, len(f.Chunks))
	for i := range f.Chunks {
		out = append(out, infoOf(f, &f.Chunks[i]))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartLine < out[j].StartLine })
	return out
}

// ReadChunk returns the current text of a chunk, read from its file.
func (ix *Index) ReadChunk(c ChunkInfo) (string, error) {
	doc, err := ix.Read(c.URI)
	if err != nil {
		return "", err
	}
	return doc.Text, nil
}

// Graph is the symbol graph. It is safe for concurrent reads; a sync
// updates it in place, so answers reflect the index at the time of the call.
func (ix *Index) Graph() *graph.Graph {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.graph
}

// Repo is the absolute path of the indexed repository.
func (ix *Index) Repo() string { return ix.repo }

// Redactor is the credential redactor the index applies to what it hands
// out, for components that store or show text of their own (a proposal's
// rationale) and should not compile the rules again.
func (ix *Index) Redactor() *redact.Redactor { return ix.redactor }

// StateDir is the absolute path of the index's state directory, where
// other components (the decision log, proposals) keep their files.
func (ix *Index) StateDir() string { return ix.state }

func infoOf(f *fileEntry, m *chunkMeta) ChunkInfo {
	return ChunkInfo{
		ID: m.ID, URI: chunk.URI(f.Kind, f.Path, m.StartLine, m.EndLine), Path: f.Path, Kind: chunkKind(f, m),
		Language: f.Language, StartLine: m.StartLine, EndLine: m.EndLine, Symbol: m.Symbol,
		SymbolKind: m.SymbolKind, Signature: m.Signature, Requirements: m.Requirements,
		TestNames: m.TestNames, Time: m.Time, Level: m.Level,
	}
}

// TestFilesByDir lists the indexed test files by directory, each list
// sorted: where a new test for a file belongs (walk.TestHome).
func (ix *Index) TestFilesByDir() map[string][]string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := map[string][]string{}
	for p, f := range ix.man.Files {
		if f.Kind == chunk.Test {
			d := path.Dir(p)
			out[d] = append(out[d], p)
		}
	}
	for _, files := range out {
		sort.Strings(files)
	}
	return out
}
