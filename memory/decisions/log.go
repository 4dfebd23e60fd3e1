package decisions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/devaiops/devai/memory/internal/filelock"
	"github.com/devaiops/devai/memory/redact"
)

// DefaultMaxFileBytes is the size past which the log moves to a new file.
const DefaultMaxFileBytes = 16 << 20

// Options shape a Log. The zero value is usable.
type Options struct {
	MaxFileBytes int64             // default DefaultMaxFileBytes
	Redactor     *redact.Redactor  // default: redact.New()
	Now          func() time.Time  // default time.Now; tests pin it
	NoSync       bool              // skip fsync (benchmarks of the rest only)
	OnTorn       func(path string) // told where a torn last line was set aside
	Trust        Trust             // where the key and the anchor live; default beside the log folder
}

// Log appends records. Several Logs, in one process or several (the server
// and a CLI command), may append to the same folder: each append takes an
// advisory lock on <dir>/lock, catches up with what others appended (and
// sets aside a line torn by a writer that crashed) and writes its record.
// Inside one Log, Append is safe for concurrent use.
//
// Appends commit in groups: the record is made durable by an fsync that
// runs without mu or the lock, and the anchor is then moved to the newest
// record that fsync covered; the records written while one commit runs
// share the next. One fsync (and one anchor) per record under the lock made
// every MCP session wait for every other's disk flushes: 50 sessions got
// 0.58–0.70× the throughput of one (issue 11).
type Log struct {
	dir   string
	opts  Options
	trust Trust
	lock  *os.File // its flock is only taken with mu held: one open file shares one flock

	mu        sync.Mutex
	key       *chainKey
	keyedFrom int64
	f         *os.File
	fileNo    int
	size      int64
	last      Record // the last whole record; zero when the log is empty

	synced     int64      // the last record known durable
	anchored   int64      // the last record known durable and covered by the anchor on disk
	committing bool       // a commit's fsync runs now, without mu
	commitDone *sync.Cond // on mu: a commit ended
	syncErr    error      // an fsync failed: nothing after synced is promised durable again
	anchorErr  error      // the last commit could not move the anchor…
	anchorFor  int64      // …over the records up to this one
	retired    []*os.File // files let go of while a commit's fsync of them ran; closed after it

	// syncFile makes a file's writes durable: (*os.File).Sync, which tests
	// replace to count and pace the syncs of the log and of the anchor.
	syncFile func(*os.File) error
}

// Entry is what a caller knows about one call; Append turns it into a
// Record (redacting, hashing, linking).
type Entry struct {
	Tool      string
	Arguments any // any JSON-encodable value; redacted before it is stored
	Client    Client
	Caller    *Caller // the person or service behind the call; nil: unknown
	Prompt    *Prompt
	Summary   string
	Result    any // the full result; only its SHA-256 is kept
	Writes    []Write
	Started   time.Time // zero: now minus Duration
	Duration  time.Duration
	Err       string // non-empty: the call failed (an error or an isError result)
}

// MaxArgumentString is the longest string argument a record keeps whole;
// a longer one (a pasted log, a whole file) keeps its start, its length
// and its SHA-256, so the record stays small and still identifies it.
const MaxArgumentString = 4096

// clip shortens the long strings of a decoded JSON value.
func clip(v any, max int) any {
	switch x := v.(type) {
	case string:
		if len(x) <= max {
			return x
		}
		sum := sha256.Sum256([]byte(x))
		cut := max
		for cut > 0 && !utf8.RuneStart(x[cut]) {
			cut--
		}
		return fmt.Sprintf("%s…[%d bytes in all, sha256:%s]", x[:cut], len(x), hex.EncodeToString(sum[:]))
	case map[string]any:
		for k, val := range x {
			x[k] = clip(val, max)
		}
		return x
	case []any:
		for i, val := range x {
			x[i] = clip(val, max)
		}
		return x
	}
	return v
}

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() (Options, error) {
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Redactor == nil {
		r, err := redact.New()
		if err != nil {
			return o, err
		}
		o.Redactor = r
	}
	return o, nil
}

// Dir is the log's folder under a state directory.
func Dir(stateDir string) string { return filepath.Join(stateDir, "decisions") }

// Open opens (creating it if needed) the log in dir, sets aside a torn last
// line left by a crash, finds where the chain ends and checks it against
// its anchor. On first use it makes the key and the anchor; a log written
// before keys existed goes on with keyed records after its legacy ones.
// Open refuses (ErrKeyMissing, ErrAnchor) to extend a log whose key is
// gone or whose end does not match its anchor: devai decisions verify says
// what broke.
func Open(dir string, opts Options) (*Log, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the decision log folder: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the decision log lock: %w", err)
	}
	l := &Log{dir: dir, opts: opts, trust: opts.Trust.withDefaults(dir), lock: lock, syncFile: (*os.File).Sync}
	l.commitDone = sync.NewCond(&l.mu)
	err = l.locked(func() error {
		if err := l.recover(); err != nil {
			return err
		}
		return l.establishTrust()
	})
	if err != nil {
		_ = l.closeFiles()
		return nil, err
	}
	// establishTrust left the anchor on the last record, synced first.
	l.synced, l.anchored = l.last.Seq, l.last.Seq
	return l, nil
}

// locked runs fn holding the folder's lock, which every writer of the log,
// in any process, takes around recovery and each append (flock on Unix,
// LockFileEx on Windows). The system drops it when a holder dies.
func (l *Log) locked(fn func() error) error {
	if err := filelock.Lock(l.lock); err != nil {
		return fmt.Errorf("lock the decision log %s: %w", l.dir, err)
	}
	defer func() { _ = filelock.Unlock(l.lock) }()
	return fn()
}

// recover finds the last file, sets aside a torn tail, and reads the last
// record (from an earlier file when the last one is empty).
func (l *Log) recover() error {
	_ = l.letGo()
	l.last = Record{}
	files, err := listFiles(l.dir)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return l.openFile(1)
	}
	last := files[len(files)-1]
	rec, ok, err := l.setAsideTorn(last.path)
	if err != nil {
		return err
	}
	for i := len(files) - 2; !ok && i >= 0; i-- {
		if rec, ok, err = lastRecord(files[i].path); err != nil {
			return err
		}
	}
	l.last = rec
	return l.openFile(last.no)
}

// catchUp re-reads the end of the log when another writer has appended
// since this one last did (or died half way through a line).
func (l *Log) catchUp() error {
	st, err := os.Stat(filepath.Join(l.dir, fileName(l.fileNo)))
	if err == nil && st.Size() == l.size {
		if _, err := os.Stat(filepath.Join(l.dir, fileName(l.fileNo+1))); errors.Is(err, os.ErrNotExist) {
			return nil
		}
	}
	return l.recover()
}

// setAsideTorn moves a last line that was cut short (no newline, or not
// JSON) to <file>.torn and truncates the file before it, so the chain goes
// on from the last whole record, which it returns. Earlier lines are never
// touched. The torn record's caller never got it back (Append syncs before
// it returns), so it is not part of the chain; its bytes are kept, not
// dropped, and Verify lists the .torn file.
func (l *Log) setAsideTorn(path string) (Record, bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Record{}, false, fmt.Errorf("read the decision log %s: %w", path, err)
	}
	cut := len(data)
	if cut > 0 && data[cut-1] != '\n' {
		cut = bytes.LastIndexByte(data, '\n') + 1
	} else if cut > 0 {
		start := bytes.LastIndexByte(data[:cut-1], '\n') + 1
		if !json.Valid(data[start : cut-1]) {
			cut = start
		}
	}
	if cut < len(data) {
		if err := l.moveTorn(path, data[cut:], int64(cut)); err != nil {
			return Record{}, false, err
		}
	}
	var rec Record
	whole := bytes.TrimSuffix(data[:cut], []byte{'\n'})
	if len(whole) == 0 {
		return rec, false, nil
	}
	line := whole[bytes.LastIndexByte(whole, '\n')+1:]
	if err := json.Unmarshal(line, &rec); err != nil {
		return rec, false, fmt.Errorf("read the last record of %s: %w", path, err)
	}
	return rec, true, nil
}

// moveTorn appends a torn tail to <path>.torn, synced, then cuts it off.
func (l *Log) moveTorn(path string, tail []byte, cut int64) error {
	torn := path + ".torn"
	tf, err := os.OpenFile(torn, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("set aside the torn end of %s: %w", path, err)
	}
	_, err = tf.Write(append(append([]byte{}, tail...), '\n'))
	if err == nil {
		err = tf.Sync()
	}
	if cerr := tf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("set aside the torn end of %s: %w", path, err)
	}
	if err := os.Truncate(path, cut); err != nil {
		return fmt.Errorf("cut the torn end of %s: %w", path, err)
	}
	if l.opts.OnTorn != nil {
		l.opts.OnTorn(torn)
	}
	return nil
}

// establishTrust loads (or on first use makes) the key and the anchor and
// checks the end of the log against the anchor.
func (l *Log) establishTrust() error {
	removeStaleTemps(l.trust.AnchorFile)
	key, err := loadKey(l.trust.KeyFile)
	if err != nil {
		return err
	}
	anc, err := loadAnchor(l.trust.AnchorFile)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrAnchor, err)
	}
	keyed := l.last.Chain != ""
	if key == nil && (anc != nil || keyed) {
		return fmt.Errorf("%w: %s does not exist, but the log's records or its anchor %s were written with one; restore it (or point --decisions-key-file, DEVAI_DECISIONS_KEY_FILE, at it), or move the log, the anchor and the key aside to start a new log", ErrKeyMissing, l.trust.KeyFile, l.trust.AnchorFile)
	}
	if key == nil {
		if key, err = createKey(l.trust.KeyFile); err != nil {
			return err
		}
	}
	l.key = key
	if anc == nil {
		if keyed {
			return fmt.Errorf("%w: the anchor %s is missing but the log holds keyed records up to %s (was it deleted? devai decisions verify checks the chain)", ErrAnchor, l.trust.AnchorFile, l.last.ID)
		}
		// A log never keyed (new, or written before keys): keyed
		// records start with the next one.
		l.keyedFrom = l.last.Seq + 1
		return l.writeAnchor()
	}
	if why := anc.checkMAC(key); why != "" {
		return fmt.Errorf("%w: %s: %s", ErrAnchor, l.trust.AnchorFile, why)
	}
	l.keyedFrom = anc.KeyedFrom
	return l.meetAnchor(*anc)
}

// meetAnchor checks the log's last record against the anchor. A log ahead
// of its anchor (a crash between a record's sync and the anchor's rename)
// is accepted when its last record carries a valid MAC, and re-anchored.
func (l *Log) meetAnchor(a anchor) error {
	switch {
	case l.last.Seq < a.Records:
		return fmt.Errorf("%w: truncated: the anchor %s names %d records, the log ends at %s (records after it were deleted or cut off; devai decisions verify shows more)", ErrAnchor, l.trust.AnchorFile, a.Records, orNone(l.last.ID))
	case l.last.Seq == a.Records && !sameHash(l.last.Hash, a.Head):
		return fmt.Errorf("%w: the last record %s is not the one anchored (hash %s, anchor %s): it was edited or replaced", ErrAnchor, l.last.ID, short(l.last.Hash), short(a.Head))
	case l.last.Seq == a.Records:
		return nil
	}
	want, err := computeHash(l.key, l.last)
	if err != nil {
		return err
	}
	if l.last.Chain != l.key.chain() || !sameHash(want, l.last.Hash) {
		return fmt.Errorf("%w: the log goes on past its anchor (%d records) to %s, and that record is not signed with this key", ErrAnchor, a.Records, l.last.ID)
	}
	return l.writeAnchor()
}

// writeAnchor anchors the last record at Open, syncing the log first: a
// writer in another process may have written records it has not synced yet.
func (l *Log) writeAnchor() error {
	if !l.opts.NoSync {
		if err := l.syncFile(l.f); err != nil {
			return fmt.Errorf("sync the decision log before anchoring it: %w", err)
		}
	}
	return writeAnchor(l.trust.AnchorFile, l.key, l.last.Seq, l.last.Hash, l.keyedFrom, l.anchorSync())
}

// anchorSync is how an anchor file is synced before it is renamed into
// place: not at all under NoSync.
func (l *Log) anchorSync() func(*os.File) error {
	if l.opts.NoSync {
		return nil
	}
	return l.syncFile
}

func orNone(id string) string {
	if id == "" {
		return "no record"
	}
	return id
}

func (l *Log) openFile(no int) error {
	path := filepath.Join(l.dir, fileName(no))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open the decision log %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("stat the decision log %s: %w", path, err)
	}
	if st.Size() == 0 && !l.opts.NoSync {
		syncDir(l.dir)
	}
	l.f, l.fileNo, l.size = f, no, st.Size()
	return nil
}

// Append redacts, links and writes one record, and returns once it is
// synced to disk and the anchor covers it (sharing the fsync and the anchor
// with the records written meanwhile, in any process). A failed write is
// cut back off the file, so the log never keeps half a record. After a
// failed fsync the log refuses further records: the kernel may have dropped
// what it could not write, and a retried fsync would not say so.
func (l *Log) Append(ctx context.Context, e Entry) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	rec, err := l.build(e)
	if err != nil {
		return Record{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return Record{}, errors.New("append to the decision log: it is closed")
	}
	if l.syncErr != nil {
		return Record{}, l.syncErr
	}
	err = l.locked(func() error {
		if err := l.catchUp(); err != nil {
			return err
		}
		return l.write(&rec)
	})
	if err != nil {
		return Record{}, err
	}
	syncErr, anchorErr := l.awaitCommit(rec.Seq)
	if syncErr != nil {
		return Record{}, fmt.Errorf("sync decision %s: %w", rec.ID, syncErr)
	}
	if anchorErr != nil {
		return rec, fmt.Errorf("decision %s is written but the anchor is not (the next append retries): %w", rec.ID, anchorErr)
	}
	return rec, nil
}

// awaitCommit returns once record seq is durable and anchored, or the
// commit that covered it failed. Called with mu held: it waits for the
// commit in flight, or runs the next one itself, covering every record
// written so far.
func (l *Log) awaitCommit(seq int64) (syncErr, anchorErr error) {
	for l.anchored < seq {
		switch {
		case l.syncErr != nil:
			return l.syncErr, nil
		case l.anchorErr != nil && seq <= l.anchorFor:
			return nil, l.anchorErr
		case l.committing:
			l.commitDone.Wait()
			continue
		case l.f == nil:
			return errors.New("the decision log was closed before the record was synced"), nil
		case l.last.Seq < seq: // a commit could never cover it
			return fmt.Errorf("%s is no longer in the log: it was cut off before it was synced", FormatID(seq)), nil
		}
		_ = l.commit()
	}
	return nil, nil
}

// commit syncs the file without mu, so that records go on being written
// meanwhile, then moves the anchor to the newest record that sync covered.
// Any failed fsync is final (failSync), even when another sync covered the
// same records since: the failed one may have dropped their pages. Called
// with mu held and no commit running.
func (l *Log) commit() error {
	l.committing = true
	f, through := l.f, l.last
	var err error
	if !l.opts.NoSync {
		l.mu.Unlock()
		err = l.syncFile(f)
		l.mu.Lock()
	}
	l.committing = false
	l.closeRetired()
	switch {
	case err != nil:
		err = l.failSync(err)
	case l.syncErr != nil: // a rotation's sync failed meanwhile; this one may have succeeded without its pages
		err = l.syncErr
	default:
		l.synced = max(l.synced, through.Seq)
		err = l.anchorThrough(through)
	}
	l.commitDone.Broadcast()
	return err
}

// anchorThrough moves the anchor to rec, which is durable, under the
// folder's lock. The anchor never moves back: a writer in another process
// may have anchored a later record already, and then it is left as it is.
// Called with mu held.
func (l *Log) anchorThrough(rec Record) error {
	if rec.Seq <= l.anchored {
		return nil
	}
	var onDisk int64
	err := l.locked(func() error {
		if anc, err := loadAnchor(l.trust.AnchorFile); err == nil && anc != nil && anc.checkMAC(l.key) == "" && anc.Records >= rec.Seq {
			onDisk = anc.Records
			return nil
		}
		return writeAnchor(l.trust.AnchorFile, l.key, rec.Seq, rec.Hash, l.keyedFrom, l.anchorSync())
	})
	if err != nil {
		l.anchorErr, l.anchorFor = err, rec.Seq
		return err
	}
	// An anchor on a later record means its writer synced through it, and
	// so through every record before it.
	l.anchored, l.anchorErr = max(rec.Seq, onDisk), nil
	return nil
}

// failSync makes a failed fsync final: after one, Linux may have dropped
// the pages it could not write and marked them clean, so a later fsync
// would succeed without them. Called with mu held.
func (l *Log) failSync(err error) error {
	l.syncErr = fmt.Errorf("the decision log could not be synced to disk, so records after %s are not promised durable (restart devai to go on): %w",
		FormatID(l.synced), err)
	return l.syncErr
}

// letGo closes the file being written, or, while a commit's fsync of it
// runs, keeps it to close when that ends. Called with mu held.
func (l *Log) letGo() error {
	f := l.f
	l.f = nil
	switch {
	case f == nil:
		return nil
	case l.committing:
		l.retired = append(l.retired, f)
		return nil
	}
	return f.Close()
}

// closeRetired closes the files let go of during a commit's fsync. Called
// with mu held and no fsync running.
func (l *Log) closeRetired() {
	for _, f := range l.retired {
		_ = f.Close()
	}
	l.retired = nil
}

// write links rec to the end of the chain, signs it and appends it,
// unsynced: a commit syncs it.
func (l *Log) write(rec *Record) error {
	if err := link(l.key, rec, l.last); err != nil {
		return err
	}
	line, err := encodeLine(*rec)
	if err != nil {
		return err
	}
	if l.size > 0 && l.size+int64(len(line)) > l.opts.MaxFileBytes {
		if err := l.rotate(); err != nil {
			return err
		}
	}
	if _, err := l.f.Write(line); err != nil {
		_ = l.f.Truncate(l.size)
		return fmt.Errorf("append decision %s: %w", rec.ID, err)
	}
	l.size += int64(len(line))
	l.last = *rec
	return nil
}

// link makes rec the record after last in the chain keyed by k, and signs it.
func link(k *chainKey, rec *Record, last Record) error {
	rec.Seq = last.Seq + 1
	rec.ID = FormatID(rec.Seq)
	rec.PrevHash = last.Hash
	rec.Chain = k.chain()
	var err error
	rec.Hash, err = computeHash(k, *rec)
	return err
}

// build fills the parts of a record that need no lock: redaction and the
// result hash are the slow parts and run outside it.
func (l *Log) build(e Entry) (Record, error) { return buildRecord(l.opts, e) }

// buildRecord is build with the options given (Now and Redactor set).
func buildRecord(opts Options, e Entry) (Record, error) {
	if e.Tool == "" {
		return Record{}, errors.New("append to the decision log: no tool name")
	}
	now := opts.Now()
	start := e.Started
	if start.IsZero() {
		start = now.Add(-e.Duration)
	}
	rec := Record{
		Time:       start.UTC().Round(time.Microsecond),
		Tool:       e.Tool,
		Client:     e.Client,
		Caller:     e.Caller,
		Prompt:     e.Prompt,
		Summary:    opts.Redactor.String(e.Summary),
		Writes:     e.Writes,
		DurationMS: math.Round(float64(e.Duration)/float64(time.Microsecond)) / 1000,
		Outcome:    OutcomeOK,
	}
	if rec.Writes == nil {
		rec.Writes = []Write{}
	}
	if e.Err != "" {
		rec.Outcome, rec.Error = OutcomeError, opts.Redactor.String(e.Err)
	}
	if e.Arguments != nil {
		v, err := opts.Redactor.JSON(e.Arguments)
		if err != nil {
			return Record{}, fmt.Errorf("arguments of %s: %w", e.Tool, err)
		}
		v = clip(v, MaxArgumentString)
		if rec.Arguments, err = json.Marshal(v); err != nil {
			return Record{}, fmt.Errorf("arguments of %s: %w", e.Tool, err)
		}
	}
	if e.Result != nil {
		raw, err := json.Marshal(e.Result)
		if err != nil {
			return Record{}, fmt.Errorf("result of %s: %w", e.Tool, err)
		}
		sum := sha256.Sum256(raw)
		rec.ResultSHA256 = hex.EncodeToString(sum[:])
	}
	return rec, nil
}

// rotate moves to a new file. The full one is synced first (it holds the
// last record: rotate runs under the folder's lock, caught up), so every
// record of every file but the last is durable, whoever wrote it, and a
// commit's fsync of the last file covers all that came before.
func (l *Log) rotate() error {
	if !l.opts.NoSync && l.synced < l.last.Seq {
		if err := l.syncFile(l.f); err != nil {
			return l.failSync(err)
		}
		l.synced = l.last.Seq
	}
	if err := l.letGo(); err != nil {
		return fmt.Errorf("close the full decision log file: %w", err)
	}
	return l.openFile(l.fileNo + 1)
}

// Close waits for the commit in flight, commits what is left (syncs it and
// anchors it), and closes the file and the lock file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.committing {
		l.commitDone.Wait()
	}
	var err error
	// mu is let go during a commit's fsync, so appends may write more
	// meanwhile: commit until none did.
	for l.f != nil && l.syncErr == nil && l.anchored < l.last.Seq {
		if err = l.commit(); err != nil {
			break
		}
	}
	err = errors.Join(err, l.closeFiles())
	l.commitDone.Broadcast()
	return err
}

// closeFiles closes the file being written and the lock file. Called with
// no commit running.
func (l *Log) closeFiles() error {
	err := l.letGo()
	l.closeRetired()
	if l.lock != nil {
		l.lock.Close()
		l.lock = nil
	}
	return err
}

// Dir is the folder the log writes to.
func (l *Log) Dir() string { return l.dir }

// syncDir makes a new file's name durable.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
