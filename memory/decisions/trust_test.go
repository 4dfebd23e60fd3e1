package decisions

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rewrite is what an attacker who can rewrite the log files (but may not
// hold the key) does: decode every record, let edit change or drop them,
// then recompute hash and prev_hash with key (nil: plain SHA-256) from the
// first changed record on, up to record index stop (-1: to the end). Each
// record stays in the file it was in.
func rewrite(t *testing.T, dir string, key *chainKey, stop int, edit func(recs []Record) []Record) {
	t.Helper()
	files, _ := listFiles(dir)
	var recs []Record
	var fileOf []string
	for _, f := range files {
		err := scanFile(f.path, func(line []byte, _ int) error {
			var r Record
			err := json.Unmarshal(line, &r)
			recs, fileOf = append(recs, r), append(fileOf, f.path)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	orig := append([]Record(nil), recs...)
	recs = edit(recs)
	from := len(recs)
	for i := range recs {
		if a, b := mustJSON(t, recs[i]), mustJSON(t, orig[i]); a != b {
			from = i
			break
		}
	}
	if stop < 0 || stop > len(recs) {
		stop = len(recs)
	}
	out := map[string][]byte{}
	for _, f := range files {
		out[f.path] = nil
	}
	for i := range recs {
		if i >= from && i < stop {
			if i > 0 {
				recs[i].PrevHash = recs[i-1].Hash
			}
			h, err := computeHash(key, recs[i])
			if err != nil {
				t.Fatal(err)
			}
			recs[i].Hash = h
		}
		line, _ := encodeLine(recs[i])
		out[fileOf[i]] = append(out[fileOf[i]], line...)
	}
	for path, data := range out {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func randomKey(t *testing.T) *chainKey {
	t.Helper()
	secret := make([]byte, keyBytes)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	return newChainKey(secret)
}

func writeKeyFile(t *testing.T, path string, k *chainKey) {
	t.Helper()
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k.secret)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func truncateRecords(t *testing.T, dir string, n int) {
	t.Helper()
	editLines(t, dir, func(l [][]byte) [][]byte { return l[:len(l)-n] })
}

// TestVerifyCatchesAForger is row 7 of issue 11: someone who can rewrite
// the log file, its hashes and its anchor file, but does not hold the key.
func TestVerifyCatchesAForger(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, dir string, tr Trust)
		kind   string
		id     string
		reason string
	}{
		{"edit a middle record and rehash to the end", func(t *testing.T, dir string, _ Trust) {
			rewrite(t, dir, nil, -1, func(r []Record) []Record { r[4].Summary = "0 hits"; return r })
		}, BreakEdited, "d000005", "does not match its MAC"},
		{"rewrite the whole log as legacy, unkeyed", func(t *testing.T, dir string, _ Trust) {
			rewrite(t, dir, nil, -1, func(r []Record) []Record {
				for i := range r {
					r[i].Chain = ""
				}
				r[4].Summary = "0 hits"
				return r
			})
		}, BreakEdited, "d000001", "the anchor says keyed records begin at d000001"},
		{"rehash with a key of one's own", func(t *testing.T, dir string, _ Trust) {
			own := randomKey(t)
			rewrite(t, dir, own, -1, func(r []Record) []Record {
				for i := range r {
					r[i].Chain = own.chain()
				}
				return r
			})
		}, BreakWrongKey, "d000001", "signed with key"},
		{"truncate the last 3 records", func(t *testing.T, dir string, _ Trust) {
			truncateRecords(t, dir, 3)
		}, BreakTruncated, "d000007", "the last 3 were deleted"},
		{"delete the last record and fix the anchor by hand", func(t *testing.T, dir string, tr Trust) {
			truncateRecords(t, dir, 1)
			raw, _ := os.ReadFile(tr.AnchorFile)
			var a anchor
			_ = json.Unmarshal(raw, &a)
			rep := mustVerify(t, dir)
			a.Records, a.Head = 9, rep.LastHash
			raw, _ = json.Marshal(a)
			if err := os.WriteFile(tr.AnchorFile, raw, 0o600); err != nil {
				t.Fatal(err)
			}
		}, BreakAnchor, "", "the anchor was edited"},
		{"replace the last record", func(t *testing.T, dir string, tr Trust) {
			rewrite(t, dir, nil, -1, func(r []Record) []Record { r[9].Summary = "0 hits"; return r })
		}, BreakEdited, "d000010", "does not match its MAC"},
		{"delete the anchor", func(t *testing.T, dir string, tr Trust) {
			if err := os.Remove(tr.AnchorFile); err != nil {
				t.Fatal(err)
			}
		}, BreakAnchorMissing, "d000010", "is missing"},
		{"delete the key", func(t *testing.T, dir string, tr Trust) {
			if err := os.Remove(tr.KeyFile); err != nil {
				t.Fatal(err)
			}
		}, BreakKeyMissing, "d000001", "no key to check it with"},
		{"put another key in its place", func(t *testing.T, dir string, tr Trust) {
			writeKeyFile(t, tr.KeyFile, randomKey(t))
		}, BreakWrongKey, "d000001", "the key given is"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := logDir(t)
			tr := Trust{}.withDefaults(dir)
			l := openLog(t, dir, Options{})
			appendN(t, l, 10)
			l.Close()
			if rep := mustVerify(t, dir); !rep.OK() || rep.Records != 10 || rep.Anchored != 10 || rep.KeyedFrom != "d000001" || rep.Legacy != 0 {
				t.Fatalf("before: %+v %v", rep, rep.Break)
			}
			c.tamper(t, dir, tr)
			rep := mustVerify(t, dir)
			if rep.OK() {
				t.Fatalf("verify passed after the tampering: %+v", rep)
			}
			b := rep.Break
			if b.Kind != c.kind || !strings.Contains(b.Reason, c.reason) || (c.id != "" && b.ID != c.id) {
				t.Errorf("break = %s; want kind %s, id %s, reason ~%q", b, c.kind, c.id, c.reason)
			}
			// A writer refuses to go on from a log it cannot vouch for,
			// and changes nothing.
			before := snapshot(t, filepath.Dir(dir))
			if _, err := Open(dir, Options{}); !errors.Is(err, ErrAnchor) && !errors.Is(err, ErrKeyMissing) {
				t.Errorf("Open: %v, want ErrAnchor or ErrKeyMissing", err)
			} else {
				t.Logf("Open: %v", err)
			}
			if after := snapshot(t, filepath.Dir(dir)); after != before {
				t.Errorf("a refused Open changed the state:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// snapshot lists every file under root with its content, to compare.
func snapshot(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "lock" {
			return err
		}
		data, err := os.ReadFile(path)
		b.WriteString(path + "=" + string(data) + ";")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestFreshLogVerifies(t *testing.T) {
	dir := logDir(t)
	l := openLog(t, dir, Options{})
	rep := mustVerify(t, dir)
	if !rep.OK() || rep.Records != 0 || rep.Anchored != 0 || rep.KeyID == "" {
		t.Fatalf("empty log: %+v %v", rep, rep.Break)
	}
	appendN(t, l, 3)
	rep = mustVerify(t, dir)
	if !rep.OK() || rep.Records != 3 || rep.Anchored != 3 || len(rep.Notes) != 0 {
		t.Fatalf("3 records: %+v %v", rep, rep.Break)
	}
	st, err := os.Stat(Trust{}.withDefaults(dir).KeyFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", err, st)
	}
}

// TestKeyKeptElsewhere: with the key outside the state directory, someone
// who replaces the key and the anchor there and rehashes the log with
// their own key is caught; with the key in the state directory, they are
// not (what README says verify cannot prove).
func TestKeyKeptElsewhere(t *testing.T) {
	dir := logDir(t)
	safe := Trust{KeyFile: filepath.Join(t.TempDir(), "vault", "decisions.key")}
	l := openLog(t, dir, Options{Trust: safe})
	appendN(t, l, 5)
	l.Close()
	if _, err := os.Stat(Trust{}.withDefaults(dir).KeyFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a key was written into the state directory: %v", err)
	}
	own := randomKey(t)
	rewrite(t, dir, own, -1, func(r []Record) []Record {
		for i := range r {
			r[i].Chain = own.chain()
		}
		return r[:3]
	})
	def := Trust{}.withDefaults(dir)
	writeKeyFile(t, def.KeyFile, own)
	rep := mustVerify(t, dir)
	if err := writeAnchor(def.AnchorFile, own, 3, rep.LastHash, 1, nil); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, dir); !rep.OK() {
		t.Fatalf("the forger's own key and anchor should fool a verify that trusts them: %v", rep.Break)
	}
	rep, err := VerifyTrust(dir, safe)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Break.Kind != BreakWrongKey {
		t.Fatalf("verify with the key kept elsewhere: %+v", rep.Break)
	}
}

// TestAnchorOneBehindIsACrash: a writer killed between a record's sync and
// the anchor's rename leaves the anchor one record behind. Verify notes it;
// the next Open checks that record's MAC and moves the anchor.
func TestAnchorOneBehindIsACrash(t *testing.T) {
	dir := logDir(t)
	tr := Trust{}.withDefaults(dir)
	l := openLog(t, dir, Options{})
	appendN(t, l, 4)
	old, _ := os.ReadFile(tr.AnchorFile)
	appendN(t, l, 1)
	l.Close()
	if err := os.WriteFile(tr.AnchorFile, old, 0o600); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, dir)
	if !rep.OK() || rep.Anchored != 4 || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "lags 1") {
		t.Fatalf("verify: %+v %v", rep, rep.Break)
	}
	openLog(t, dir, Options{}).Close()
	if rep := mustVerify(t, dir); !rep.OK() || rep.Anchored != 5 || len(rep.Notes) != 0 {
		t.Fatalf("after reopen: %+v %v", rep, rep.Break)
	}

	// A record past the anchor that is not signed with the key is not a
	// crash: Open refuses it.
	if err := os.WriteFile(tr.AnchorFile, old, 0o600); err != nil {
		t.Fatal(err)
	}
	rewrite(t, dir, nil, -1, func(r []Record) []Record { r[4].Chain = ""; return r })
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrAnchor) {
		t.Fatalf("open with a forged record past the anchor: %v", err)
	}
}

// TestLegacyLogGoesOnKeyed opens a log written by devai before the chain
// was keyed (testdata/legacy, from 26d618a): it verifies as legacy, goes on
// with keyed records, and from then on an edit of a legacy record breaks
// the first keyed one, whose MAC covers the legacy head.
func TestLegacyLogGoesOnKeyed(t *testing.T) {
	dir := logDir(t)
	if err := os.CopyFS(dir, os.DirFS("testdata/legacy/decisions")); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, dir)
	if !rep.OK() || rep.Records != 8 || rep.Legacy != 8 || rep.Files != 3 || rep.Anchored != -1 || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "never opened") {
		t.Fatalf("legacy log before: %+v %v", rep, rep.Break)
	}
	l := openLog(t, dir, Options{})
	appendN(t, l, 3)
	l.Close()
	rep = mustVerify(t, dir)
	if !rep.OK() || rep.Records != 11 || rep.Legacy != 8 || rep.KeyedFrom != "d000009" || rep.Anchored != 11 || !strings.Contains(strings.Join(rep.Notes, " "), "8 legacy records") {
		t.Fatalf("after going on keyed: %+v %v", rep, rep.Break)
	}

	// Edit a legacy record and rehash the legacy part after it: the first
	// keyed record no longer follows.
	rewrite(t, dir, nil, 8, func(r []Record) []Record { r[1].Summary = "no hits"; return r })
	rep = mustVerify(t, dir)
	if rep.OK() || rep.Break.ID != "d000009" || rep.Break.Kind != BreakMoved {
		t.Fatalf("edited legacy record: %+v", rep.Break)
	}
}

// TestHalfALastRecordIsATruncation: cutting the newest record in half
// leaves a torn line (listed) and a log one record short of its anchor.
func TestHalfALastRecordIsATruncation(t *testing.T) {
	dir := logDir(t)
	l := openLog(t, dir, Options{})
	appendN(t, l, 4)
	l.Close()
	path := filepath.Join(dir, fileName(1))
	st, _ := os.Stat(path)
	if err := os.Truncate(path, st.Size()-40); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, dir)
	if rep.OK() || rep.Break.Kind != BreakTruncated || rep.Records != 3 || len(rep.Torn) != 1 {
		t.Fatalf("verify: %+v %v", rep, rep.Break)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrAnchor) {
		t.Fatalf("open: %v", err)
	}
}

// TestWriterGetsPastALineTornByAnother: a writer that died half way
// through a line (holding the lock, so nobody else was writing) leaves a
// torn line; the next writer of another Log sets it aside before it
// appends, and the chain and the anchor hold.
func TestWriterGetsPastALineTornByAnother(t *testing.T) {
	dir := logDir(t)
	var torn string
	a := openLog(t, dir, Options{OnTorn: func(p string) { torn = p }})
	b := openLog(t, dir, Options{})
	c := openLog(t, dir, Options{})
	appendN(t, a, 2)
	appendN(t, b, 1)
	f, err := os.OpenFile(filepath.Join(dir, fileName(1)), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"id":"d000004","seq":4,"time":"2026-`)
	f.Close()
	appendN(t, a, 1)
	appendN(t, c, 1)
	if torn != filepath.Join(dir, fileName(1))+".torn" {
		t.Errorf("the torn line was set aside at %q", torn)
	}
	rep := mustVerify(t, dir)
	if !rep.OK() || rep.Records != 5 || rep.Anchored != 5 || len(rep.Torn) != 1 {
		t.Fatalf("verify: %+v %v", rep, rep.Break)
	}
}
