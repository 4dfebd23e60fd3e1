package memory

import (
	"strconv"
	"strings"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/textindex"
)

// chunkText is what the text index holds of one chunk: its document and,
// for a long chunk, one per part (chunk.Chunk.Parts), with the lengths
// BM25's statistics count. The whole stays searchable as it was; a part
// can only add a better rank, and points the hit at its lines.
type chunkText struct {
	docs    []textindex.Doc
	lengths textindex.Lengths // of the chunk's own document
	parts   []chunkPart
}

// textOf builds the text documents of chunk id.
func textOf(id string, c chunk.Chunk) chunkText {
	d := docOf(id, c)
	t := chunkText{docs: []textindex.Doc{d}, lengths: d.Lengths()}
	for k, p := range c.Parts() {
		pd := docOf(partID(id, k), p)
		t.docs = append(t.docs, pd)
		t.parts = append(t.parts, chunkPart{StartLine: p.StartLine, EndLine: p.EndLine, Lengths: pd.Lengths()})
	}
	return t
}

// partID is the text document ID of part k (0-based) of chunk id.
func partID(id string, k int) string { return id + "~" + strconv.Itoa(k+1) }

// chunkOfDoc is the chunk a text document belongs to, and the 0-based part
// it holds (-1 for a whole chunk). Chunk IDs end in "#<n>", so a "~" after
// the last "#" can only be a part's.
func chunkOfDoc(docID string) (id string, part int) {
	hash := strings.LastIndexByte(docID, '#')
	tilde := strings.LastIndexByte(docID, '~')
	if tilde < hash || hash < 0 {
		return docID, -1
	}
	k, err := strconv.Atoi(docID[tilde+1:])
	if err != nil || k < 1 {
		return docID, -1
	}
	return docID[:tilde], k - 1
}
