package decisions

import (
	"bytes"
	"encoding/json"
	"errors"
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
	// Legacy counts the records before the keyed chain begins: written
	// before keys existed, hashed with plain SHA-256. Anyone can rewrite
	// those and their hashes; only their order and their link to the first
	// keyed record are checked.
	Legacy    int    `json:"legacy,omitempty"`
	KeyedFrom string `json:"keyed_from,omitempty"` // the first keyed record
	KeyID     string `json:"key_id,omitempty"`     // the key's id (not the key)
	// Anchored is the count of records the anchor names; -1 without one.
	Anchored int64 `json:"anchored"`
	// Break is the first place the chain does not hold; nil when it holds.
	Break *Break `json:"break,omitempty"`
	// Notes are things that do not break the chain but an auditor should
	// know (an anchor that lags, a log that was never keyed).
	Notes []string `json:"notes,omitempty"`
	// Torn lists files holding torn last lines set aside after crashes, and
	// a last line still being written (or torn and not yet set aside).
	Torn []string `json:"torn,omitempty"`
}

// OK reports whether the chain holds.
func (r Report) OK() bool { return r.Break == nil }

// Kinds of break.
const (
	BreakNotRecord     = "not-a-record"   // a line that is not a record
	BreakEdited        = "edited"         // content changed (or rehashed without the key)
	BreakMoved         = "moved"          // a record deleted, inserted or reordered inside the log
	BreakTruncated     = "truncated"      // the newest records deleted or cut off
	BreakAnchor        = "anchor"         // the anchor edited, replaced or disagreeing with the log
	BreakAnchorMissing = "anchor-missing" // keyed records (or a key) and no anchor
	BreakKeyMissing    = "key-missing"    // keyed records (or an anchor) and no key
	BreakWrongKey      = "wrong-key"      // the key given is not the one the log was written with
)

// Break says where and why the chain does not hold.
type Break struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"` // 0 when the break is in the anchor or the key
	ID     string `json:"id,omitempty"`   // the record on that line, when it parses
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
}

func (b *Break) String() string {
	at := b.File
	if b.Line > 0 {
		at += fmt.Sprintf(" line %d", b.Line)
	}
	if b.ID != "" {
		at += " (" + b.ID + ")"
	}
	return fmt.Sprintf("%s: %s: %s", at, b.Kind, b.Reason)
}

// Verify is VerifyTrust with the key and the anchor in their default
// places beside dir.
func Verify(dir string) (Report, error) { return VerifyTrust(dir, Trust{}) }

// VerifyTrust walks every file of the log in dir, in order, and checks each
// record: it parses, it is in canonical form (so no field was added or
// reformatted), its hash is the HMAC of its content under the key (plain
// SHA-256 for legacy records, which may only come first), it holds the
// previous record's hash (none was deleted, inserted or moved) and its
// sequence number follows the previous one. Then it checks the end of the
// log against the anchor: fewer records than anchored means the newest were
// deleted. It stops at the first break. It never writes.
func VerifyTrust(dir string, t Trust) (Report, error) {
	t = t.withDefaults(dir)
	rep := Report{Anchored: -1}
	key, err := loadKey(t.KeyFile)
	if err != nil {
		return rep, err
	}
	if key != nil {
		rep.KeyID = key.id
	}
	// The anchor is read before the log: a writer moves it only after the
	// record it names is on disk, so the log read after it is never behind.
	anc, ancErr := loadAnchor(t.AnchorFile)
	if anc != nil {
		rep.Anchored = anc.Records
	}
	files, err := listFiles(dir)
	if err != nil {
		return rep, err
	}
	torn, _ := filepath.Glob(filepath.Join(dir, "*.torn"))
	rep.Torn = torn
	rep.Files = len(files)
	w := walker{rep: &rep, key: key, anc: anc}
	for _, lf := range files {
		if err := w.file(lf.path); err != nil || rep.Break != nil {
			return rep, err
		}
		if partial, _ := hasPartialTail(lf.path); partial {
			rep.Torn = append(rep.Torn, lf.path+" (last line incomplete)")
		}
	}
	if ancErr != nil {
		rep.Break = &Break{File: filepath.Base(t.AnchorFile), Kind: BreakAnchor, Reason: ancErr.Error()}
		return rep, nil
	}
	w.checkEnd(t.KeyFile, t.AnchorFile)
	return rep, nil
}

// walker carries the chain from one record to the next.
type walker struct {
	rep      *Report
	key      *chainKey
	anc      *anchor
	prevHash string
	prevSeq  int64
	keyed    bool   // a keyed record was seen
	anchored string // the hash of the record the anchor names, once seen
}

var errStop = errors.New("stop")

func (w *walker) file(path string) error {
	return w.lines(filepath.Base(path), func(fn func(line []byte, no int) error) error { return scanFile(path, fn) })
}

// lines checks the records each gives, in order; name is where they are.
func (w *walker) lines(name string, each func(fn func(line []byte, no int) error) error) error {
	err := each(func(line []byte, no int) error {
		if kind, id, why := w.record(line); kind != "" {
			w.rep.Break = &Break{File: name, Line: no, ID: id, Kind: kind, Reason: why}
			return errStop
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// record checks one line; a non-empty kind is a break.
func (w *walker) record(line []byte) (kind, id, why string) {
	var r Record
	if err := json.Unmarshal(line, &r); err != nil {
		return BreakNotRecord, "", fmt.Sprintf("not a record (%v)", err)
	}
	canon, err := json.Marshal(r)
	if err != nil {
		return BreakNotRecord, r.ID, fmt.Sprintf("cannot encode: %v", err)
	}
	if !bytes.Equal(canon, line) {
		return BreakEdited, r.ID, "the line is not the record as devai wrote it (a field was added, removed, reordered or reformatted)"
	}
	if kind, why := w.signature(r, canon); kind != "" {
		return kind, r.ID, why
	}
	if r.PrevHash != w.prevHash {
		if w.prevSeq == 0 {
			return BreakMoved, r.ID, fmt.Sprintf("the chain does not start here: records before it were deleted (prev_hash %s)", short(r.PrevHash))
		}
		return BreakMoved, r.ID, fmt.Sprintf("does not follow %s: a record between them was deleted, inserted or moved (prev_hash %s, want %s)", FormatID(w.prevSeq), short(r.PrevHash), short(w.prevHash))
	}
	if r.Seq != w.prevSeq+1 || r.ID != FormatID(r.Seq) {
		return BreakMoved, r.ID, fmt.Sprintf("sequence %d after %d", r.Seq, w.prevSeq)
	}
	w.prevHash, w.prevSeq = r.Hash, r.Seq
	if w.anc != nil && r.Seq == w.anc.Records {
		w.anchored = r.Hash
	}
	w.rep.Records++
	w.rep.LastID, w.rep.LastHash = r.ID, r.Hash
	return "", "", ""
}

// signature checks a record's hash: plain SHA-256 for a legacy record
// (only before the first keyed one), the HMAC under the key otherwise.
func (w *walker) signature(r Record, canon []byte) (kind, why string) {
	kid, ok := keyIDOf(r.Chain)
	switch {
	case !ok:
		return BreakEdited, fmt.Sprintf("unknown chain %q", r.Chain)
	case r.Chain == "" && w.keyed:
		return BreakEdited, fmt.Sprintf("an unkeyed record after keyed records began at %s: rewritten by someone without the key", w.rep.KeyedFrom)
	case r.Chain == "" && w.anc != nil && r.Seq >= w.anc.KeyedFrom:
		return BreakEdited, fmt.Sprintf("unkeyed, but the anchor says keyed records begin at %s: rewritten by someone without the key", FormatID(w.anc.KeyedFrom))
	case r.Chain == "":
		if !hashMatches(nil, canon, r.Hash) {
			return BreakEdited, "its content does not match its hash (legacy, unkeyed record)"
		}
		w.rep.Legacy++
		return "", ""
	case w.key == nil:
		return BreakKeyMissing, fmt.Sprintf("signed with key %s, and there is no key to check it with (restore the key file, or point --decisions-key-file at it)", kid)
	case kid != w.key.id && w.keyed:
		return BreakEdited, fmt.Sprintf("names key %s after records signed with %s", kid, w.key.id)
	case kid != w.key.id:
		return BreakWrongKey, fmt.Sprintf("signed with key %s; the key given is %s", kid, w.key.id)
	case !hashMatches(w.key, canon, r.Hash):
		return BreakEdited, "its content does not match its MAC: edited, or rehashed by someone without the key"
	}
	if !w.keyed {
		w.keyed, w.rep.KeyedFrom = true, r.ID
	}
	return "", ""
}

// checkEnd compares the end of the log with the anchor; keyFile and
// anchorFile name where the key and the anchor are, for the messages.
func (w *walker) checkEnd(keyFile, anchorFile string) {
	rep := w.rep
	brk := func(file, kind, id, format string, args ...any) {
		rep.Break = &Break{File: filepath.Base(file), ID: id, Kind: kind, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case w.key == nil && w.anc != nil:
		brk(keyFile, BreakKeyMissing, "", "the anchor %s was written with key %s, and there is no key to check it with (restore the key file, or point --decisions-key-file at it)", anchorFile, w.anc.KeyID)
		return
	case w.key == nil:
		rep.Notes = append(rep.Notes, "no key and no anchor: the log was never opened by a devai that keys it, so its plain SHA-256 chain proves nothing against someone who rewrites the file")
		return
	case w.anc == nil:
		brk(anchorFile, BreakAnchorMissing, rep.LastID, "the anchor %s is missing: without it, deleting the newest records cannot be told from a log that ends here", anchorFile)
		return
	}
	a := w.anc
	if why := a.checkMAC(w.key); why != "" {
		kind := BreakAnchor
		if a.KeyID != w.key.id {
			kind = BreakWrongKey
		}
		brk(anchorFile, kind, "", "%s", why)
		return
	}
	switch {
	case w.prevSeq < a.Records:
		brk(anchorFile, BreakTruncated, rep.LastID, "the anchor names %d records ending with hash %s; the log ends at %s: the last %d were deleted or cut off", a.Records, short(a.Head), orNone(rep.LastID), a.Records-w.prevSeq)
	case a.Records > 0 && !sameHash(w.anchored, a.Head):
		brk(anchorFile, BreakAnchor, FormatID(a.Records), "the anchor names hash %s for %s, the log holds %s: that record was replaced", short(a.Head), FormatID(a.Records), short(w.anchored))
	case w.prevSeq > a.Records:
		rep.Notes = append(rep.Notes, fmt.Sprintf("the anchor lags %d record(s) behind the log (a writer stopped between a record and its anchor, or an older anchor was put back); the next append moves it", w.prevSeq-a.Records))
	}
	if rep.Break == nil && rep.Legacy > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d legacy records (d000001 to %s) were written before the chain was keyed: plain SHA-256, which anyone can recompute", rep.Legacy, FormatID(int64(rep.Legacy))))
	}
}

// hashMatches is computeHash for a record already in canonical form:
// hash is the last field, so the record without it is the line with
// `,"hash":"…"` cut out (one encoding per record instead of two). A record
// without a hash never matches.
func hashMatches(k *chainKey, canon []byte, hash string) bool {
	suffix := `,"hash":"` + hash + `"}`
	if hash == "" || !bytes.HasSuffix(canon, []byte(suffix)) {
		return false
	}
	body := make([]byte, 0, len(canon)-len(suffix)+1)
	body = append(append(body, canon[:len(canon)-len(suffix)]...), '}')
	return sameHash(hash, hashBody(k, body))
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
