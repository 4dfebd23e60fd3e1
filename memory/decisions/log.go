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
	"syscall"
	"time"
	"unicode/utf8"

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
// sets aside a line torn by a writer that crashed), then writes, syncs and
// re-anchors before it lets go. Inside one Log, Append is safe for
// concurrent use.
type Log struct {
	dir   string
	opts  Options
	trust Trust
	lock  *os.File

	mu        sync.Mutex
	key       *chainKey
	keyedFrom int64
	f         *os.File
	fileNo    int
	size      int64
	last      Record // the last whole record; zero when the log is empty
}

// Entry is what a caller knows about one call; Append turns it into a
// Record (redacting, hashing, linking).
type Entry struct {
	Tool      string
	Arguments any // any JSON-encodable value; redacted before it is stored
	Client    Client
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
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Redactor == nil {
		r, err := redact.New()
		if err != nil {
			return nil, err
		}
		opts.Redactor = r
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the decision log folder: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the decision log lock: %w", err)
	}
	l := &Log{dir: dir, opts: opts, trust: opts.Trust.withDefaults(dir), lock: lock}
	err = l.locked(func() error {
		if err := l.recover(); err != nil {
			return err
		}
		return l.establishTrust()
	})
	if err != nil {
		_ = l.Close()
		return nil, err
	}
	return l, nil
}

// locked runs fn holding the folder's lock, which every writer of the log,
// in any process, takes around recovery and each append. The kernel drops
// it when a holder dies.
func (l *Log) locked(fn func() error) error {
	fd := int(l.lock.Fd())
	for {
		err := syscall.Flock(fd, syscall.LOCK_EX)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EINTR) {
			return fmt.Errorf("lock the decision log %s: %w", l.dir, err)
		}
	}
	defer func() { _ = syscall.Flock(fd, syscall.LOCK_UN) }()
	return fn()
}

// recover finds the last file, sets aside a torn tail, and reads the last
// record (from an earlier file when the last one is empty).
func (l *Log) recover() error {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
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

func (l *Log) writeAnchor() error {
	return writeAnchor(l.trust.AnchorFile, l.key, l.last.Seq, l.last.Hash, l.keyedFrom, !l.opts.NoSync)
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

// Append redacts, links and writes one record, syncs it to disk and
// moves the anchor to it before it returns. A failed write is cut back off
// the file, so the log never keeps half a record.
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
	var anchorErr error
	err = l.locked(func() error {
		if err := l.catchUp(); err != nil {
			return err
		}
		if err := l.write(&rec); err != nil {
			return err
		}
		anchorErr = l.writeAnchor()
		return nil
	})
	if err != nil {
		return Record{}, err
	}
	if anchorErr != nil {
		return rec, fmt.Errorf("decision %s is written but the anchor is not (the next append retries): %w", rec.ID, anchorErr)
	}
	return rec, nil
}

// write links rec to the end of the chain, signs it and appends it.
func (l *Log) write(rec *Record) error {
	rec.Seq = l.last.Seq + 1
	rec.ID = FormatID(rec.Seq)
	rec.PrevHash = l.last.Hash
	rec.Chain = l.key.chain()
	var err error
	if rec.Hash, err = computeHash(l.key, *rec); err != nil {
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
	if !l.opts.NoSync {
		if err := l.f.Sync(); err != nil {
			_ = l.f.Truncate(l.size)
			return fmt.Errorf("sync decision %s: %w", rec.ID, err)
		}
	}
	l.size += int64(len(line))
	l.last = *rec
	return nil
}

// build fills the parts of a record that need no lock: redaction and the
// result hash are the slow parts and run outside it.
func (l *Log) build(e Entry) (Record, error) {
	if e.Tool == "" {
		return Record{}, errors.New("append to the decision log: no tool name")
	}
	now := l.opts.Now()
	start := e.Started
	if start.IsZero() {
		start = now.Add(-e.Duration)
	}
	rec := Record{
		Time:       start.UTC().Round(time.Microsecond),
		Tool:       e.Tool,
		Client:     e.Client,
		Prompt:     e.Prompt,
		Summary:    l.opts.Redactor.String(e.Summary),
		Writes:     e.Writes,
		DurationMS: math.Round(float64(e.Duration)/float64(time.Microsecond)) / 1000,
		Outcome:    OutcomeOK,
	}
	if rec.Writes == nil {
		rec.Writes = []Write{}
	}
	if e.Err != "" {
		rec.Outcome, rec.Error = OutcomeError, l.opts.Redactor.String(e.Err)
	}
	if e.Arguments != nil {
		v, err := l.opts.Redactor.JSON(e.Arguments)
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

func (l *Log) rotate() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("close the full decision log file: %w", err)
	}
	l.f = nil
	return l.openFile(l.fileNo + 1)
}

// Close closes the file and the lock file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var err error
	if l.f != nil {
		err = l.f.Close()
		l.f = nil
	}
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
