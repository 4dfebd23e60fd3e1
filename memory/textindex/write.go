package textindex

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// errReadOnly is returned by writes on a read-only index.
var errReadOnly = errors.New("text index is open read-only")

// Batch is one atomic write. Deletes and DeletePaths run before Upserts, so
// an ID in both ends up indexed. Meta entries are written in the same bleve
// batch as the docs: a caller that records there what it indexed (a file's
// content hash, the last indexed commit) finds its record and the docs in
// step after a crash, whichever of them survived. A nil value deletes a key.
type Batch struct {
	Upserts     []Doc
	Deletes     []string
	DeletePaths []string
	Meta        map[string][]byte
}

// Apply writes one batch: deletes first, then upserts, so an ID in both ends
// up indexed. Upserting an existing ID replaces it; deleting a missing ID is
// not an error. The batch is checked before anything is written: a bad doc
// rejects the whole batch and leaves the index as it was.
func (ix *Index) Apply(upserts []Doc, deletes []string) error {
	return ix.Write(Batch{Upserts: upserts, Deletes: deletes})
}

// DeletePath removes every doc whose Path is path: a file being re-indexed or
// left half-written by a crash.
func (ix *Index) DeletePath(path string) error {
	if path == "" {
		return errors.New("delete path from text index: empty path")
	}
	return ix.Write(Batch{DeletePaths: []string{path}})
}

// ReplacePath removes every doc of path and indexes docs in the same batch,
// so a search never sees the file half re-indexed.
func (ix *Index) ReplacePath(path string, docs []Doc) error {
	if path == "" {
		return errors.New("replace path in text index: empty path")
	}
	for i, d := range docs {
		if d.Path != path {
			return fmt.Errorf("replace path %s in text index: doc %d (%q) has path %q", path, i, d.ID, d.Path)
		}
	}
	return ix.Write(Batch{DeletePaths: []string{path}, Upserts: docs})
}

// Write applies b atomically: a search sees all of it or none of it, and so
// does the index reopened after a crash.
func (ix *Index) Write(wb Batch) error {
	if ix.readOnly {
		return fmt.Errorf("write text index %s: %w", ix.dir, errReadOnly)
	}
	bodies := make([]map[string]interface{}, len(wb.Upserts))
	for i, d := range wb.Upserts {
		if err := d.validate(); err != nil {
			return fmt.Errorf("write text index %s: doc %d: %w; nothing was written", ix.dir, i, err)
		}
		bodies[i] = d.body()
	}
	for i, id := range wb.Deletes {
		if id == "" {
			return fmt.Errorf("write text index %s: delete %d: empty id; nothing was written", ix.dir, i)
		}
	}
	for k := range wb.Meta {
		if k == "" {
			return fmt.Errorf("write text index %s: empty meta key; nothing was written", ix.dir)
		}
	}
	bi, unlock, err := ix.use()
	if err != nil {
		return err
	}
	defer unlock()
	ix.writeMu.Lock() // orders the batch sequence numbers
	defer ix.writeMu.Unlock()

	b := bi.NewBatch()
	for _, p := range wb.DeletePaths {
		ids, err := idsWithPath(bi, p)
		if err != nil {
			return fmt.Errorf("write text index %s: find docs of %s: %w", ix.dir, p, err)
		}
		for _, id := range ids {
			b.Delete(id)
		}
	}
	for _, id := range wb.Deletes {
		b.Delete(id)
	}
	for i, d := range wb.Upserts {
		if err := b.Index(d.ID, bodies[i]); err != nil {
			return fmt.Errorf("write text index %s: doc %q: %w; nothing was written", ix.dir, d.ID, err)
		}
	}
	for k, v := range wb.Meta {
		if v == nil {
			b.DeleteInternal(metaKey(k))
		} else {
			b.SetInternal(metaKey(k), v)
		}
	}
	if b.Size() == 0 && len(wb.Meta) == 0 {
		return nil
	}
	seq := ix.seq + 1
	b.SetInternal([]byte(seqKey), []byte(strconv.FormatUint(seq, 10)))
	if err := bi.Batch(b); err != nil {
		return fmt.Errorf("write text index %s: batch of %d: %w", ix.dir, b.Size(), err)
	}
	ix.seq = seq
	return nil
}

// Meta returns the value a Batch stored under key, or nil.
func (ix *Index) Meta(key string) ([]byte, error) {
	bi, unlock, err := ix.use()
	if err != nil {
		return nil, err
	}
	defer unlock()
	v, err := bi.GetInternal(metaKey(key))
	if err != nil {
		return nil, fmt.Errorf("read meta %q of text index %s: %w", key, ix.dir, err)
	}
	return v, nil
}

func metaKey(k string) []byte { return []byte("m:" + k) }

// idsWithPath lists the IDs of every doc whose path keyword is p.
func idsWithPath(bi bleve.Index, p string) ([]string, error) {
	q := query.NewTermQuery(p)
	q.SetField(fieldPath)
	const page = 1000
	var ids []string
	for from := 0; ; from += page {
		req := bleve.NewSearchRequestOptions(q, page, from, false)
		req.Score = "none"
		res, err := bi.SearchInContext(context.Background(), req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < page {
			return ids, nil
		}
	}
}

func (d Doc) validate() error {
	switch {
	case d.ID == "":
		return errors.New("empty ID")
	case strings.ContainsRune(d.ID, 0):
		return fmt.Errorf("ID %q contains a NUL byte", d.ID)
	}
	return nil
}

// body is the document bleve indexes. Empty fields are left out, and time
// only appears when it is set, so a zero time never lands in the date field.
func (d Doc) body() map[string]interface{} {
	m := make(map[string]interface{}, 12)
	put := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put(fieldPath, d.Path)
	put(fieldPathWords, d.Path)
	if dirs := pathDirs(d.Path); len(dirs) > 0 {
		m[fieldDirs] = dirs
	}
	put(fieldExt, pathExt(d.Path))
	put(fieldKind, lowerTrim(d.Kind))
	put(fieldLanguage, lowerTrim(d.Language))
	put(fieldSymbol, d.Symbol)
	put(fieldSignature, d.Signature)
	put(fieldText, d.Text)
	put(fieldComments, d.Comments)
	put(fieldLevel, lowerTrim(d.Level))
	if len(d.Requirements) > 0 {
		reqs := make([]string, 0, len(d.Requirements))
		for _, r := range d.Requirements {
			if r = normalizeRequirement(r); r != "" {
				reqs = append(reqs, r)
			}
		}
		m[fieldRequirements] = reqs
	}
	if len(d.TestNames) > 0 {
		m[fieldTestNames] = strings.Join(d.TestNames, " ")
	}
	if !d.Time.IsZero() {
		m[fieldTime] = d.Time.UTC()
		m[fieldHasTime] = "y"
	}
	return m
}

func normalizeRequirement(r string) string { return strings.ToUpper(strings.TrimSpace(r)) }
