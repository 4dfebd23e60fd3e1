package decisions

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Report is what Verify found.
type Report struct {
	Files    int    `json:"files"`
	Records  int    `json:"records"`
	LastID   string `json:"last_id,omitempty"`
	LastHash string `json:"last_hash,omitempty"`
	// Break is the first place the chain does not hold; nil when it holds.
	Break *Break `json:"break,omitempty"`
	// Torn lists files holding torn last lines set aside after crashes, and
	// a last line still being written (or torn and not yet set aside).
	Torn []string `json:"torn,omitempty"`
}

// OK reports whether the chain holds.
func (r Report) OK() bool { return r.Break == nil }

// Break says where and why the chain does not hold.
type Break struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	ID     string `json:"id,omitempty"` // the record on that line, when it parses
	Reason string `json:"reason"`
}

func (b *Break) String() string {
	id := ""
	if b.ID != "" {
		id = " (" + b.ID + ")"
	}
	return fmt.Sprintf("%s line %d%s: %s", b.File, b.Line, id, b.Reason)
}

// Verify walks every file of the log in dir, in order, and checks each
// record: it parses, it is in canonical form (so no field was added or
// reformatted), its hash matches its content (no field was edited), it
// holds the previous record's hash (none was deleted, inserted or moved)
// and its sequence number follows the previous one. It stops at the first
// break. Deleting records at the very end leaves a shorter chain that still
// holds: compare LastID with what you expect.
func Verify(dir string) (Report, error) {
	var rep Report
	files, err := listFiles(dir)
	if err != nil {
		return rep, err
	}
	torn, _ := filepath.Glob(filepath.Join(dir, "*.torn"))
	rep.Torn = torn
	rep.Files = len(files)
	var prevHash string
	var prevSeq int64
	for _, lf := range files {
		name := filepath.Base(lf.path)
		stop := fmt.Errorf("stop")
		err := scanFile(lf.path, func(line []byte, no int) error {
			brk := func(id, format string, args ...any) error {
				rep.Break = &Break{File: name, Line: no, ID: id, Reason: fmt.Sprintf(format, args...)}
				return stop
			}
			var r Record
			if err := json.Unmarshal(line, &r); err != nil {
				return brk("", "not a record (%v)", err)
			}
			canon, err := json.Marshal(r)
			if err != nil {
				return brk(r.ID, "cannot encode: %v", err)
			}
			if !bytes.Equal(canon, line) {
				return brk(r.ID, "edited: the line is not the record as devai wrote it (a field was added, removed, reordered or reformatted)")
			}
			if r.Hash != hashOfCanonical(canon, r.Hash) {
				return brk(r.ID, "edited: its content does not match its hash")
			}
			if r.PrevHash != prevHash {
				if prevSeq == 0 {
					return brk(r.ID, "the chain does not start here: records before it were deleted (prev_hash %s)", short(r.PrevHash))
				}
				return brk(r.ID, "does not follow %s: a record between them was deleted, inserted or moved (prev_hash %s, want %s)", FormatID(prevSeq), short(r.PrevHash), short(prevHash))
			}
			if r.Seq != prevSeq+1 || r.ID != FormatID(r.Seq) {
				return brk(r.ID, "sequence %d after %d", r.Seq, prevSeq)
			}
			prevHash, prevSeq = r.Hash, r.Seq
			rep.Records++
			rep.LastID, rep.LastHash = r.ID, r.Hash
			return nil
		})
		if rep.Break != nil {
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
		if partial, _ := hasPartialTail(lf.path); partial {
			rep.Torn = append(rep.Torn, lf.path+" (last line incomplete)")
		}
	}
	return rep, nil
}

// hashOfCanonical is computeHash for a record already in canonical form:
// hash is the last field, so the record without it is the line with
// `,"hash":"…"` cut out (one encoding per record instead of two).
func hashOfCanonical(canon []byte, hash string) string {
	suffix := `,"hash":"` + hash + `"}`
	if hash == "" || !bytes.HasSuffix(canon, []byte(suffix)) {
		return ""
	}
	h := sha256.New()
	h.Write(canon[:len(canon)-len(suffix)])
	h.Write([]byte{'}'})
	return hex.EncodeToString(h.Sum(nil))
}

func hasPartialTail(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false, err
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, st.Size()-1); err != nil {
		return false, err
	}
	return b[0] != '\n', nil
}

func short(h string) string {
	if h == "" {
		return "(none)"
	}
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
