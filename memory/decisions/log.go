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

// ErrLocked means another process is appending to the same log.
var ErrLocked = errors.New("decision log is held by another devai process")

// Options shape a Log. The zero value is usable.
type Options struct {
	MaxFileBytes int64             // default DefaultMaxFileBytes
	Redactor     *redact.Redactor  // default: redact.New()
	Now          func() time.Time  // default time.Now; tests pin it
	NoSync       bool              // skip fsync (benchmarks of the rest only)
	OnTorn       func(path string) // told where a torn last line was set aside
}

// Log appends records. One process holds a log at a time (an advisory lock
// on <dir>/lock, besides the index's own); inside it, Append is safe for
// concurrent use.
//
// Appends commit in groups: a record is written under mu, then made durable
// by an fsync that runs without mu, and the records written while one fsync
// runs share the next. One fsync per record under the lock made every MCP
// session wait for every other's disk flush: 50 sessions got 0.7× the
// throughput of one (issue 11).
type Log struct {
	dir  string
	opts Options
	lock *os.File

	mu       sync.Mutex
	f        *os.File
	fileNo   int
	size     int64
	seq      int64
	lastHash string

	synced   int64      // the last record known durable
	syncing  bool       // an fsync runs now, without mu
	syncDone *sync.Cond // on mu: an fsync ended
	syncErr  error      // an fsync failed: nothing after synced is promised durable again
	retired  []*os.File // files rotated away while an fsync of them ran; closed after it

	// syncFile makes a file's writes durable: (*os.File).Sync, which tests
	// replace to count and pace the syncs.
	syncFile func(*os.File) error
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
// line left by a crash, and finds where the chain ends.
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
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("lock the decision log %s: %w", dir, err)
	}
	l := &Log{dir: dir, opts: opts, lock: lock, syncFile: (*os.File).Sync}
	l.syncDone = sync.NewCond(&l.mu)
	if err := l.recover(); err != nil {
		l.releaseLock()
		return nil, err
	}
	return l, nil
}

// recover finds the last file, sets aside a torn tail, and reads the last
// record's sequence number and hash (from an earlier file when the last
// one is empty).
func (l *Log) recover() error {
	files, err := listFiles(l.dir)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return l.openFile(1)
	}
	last := files[len(files)-1]
	if err := l.setAsideTorn(last.path); err != nil {
		return err
	}
	for i := len(files) - 1; i >= 0; i-- {
		rec, ok, err := lastRecord(files[i].path)
		if err != nil {
			return err
		}
		if ok {
			l.seq, l.lastHash, l.synced = rec.Seq, rec.Hash, rec.Seq
			break
		}
	}
	return l.openFile(last.no)
}

// setAsideTorn moves a last line that was cut short (no newline, or not
// JSON) to <file>.torn and truncates the file before it, so the chain goes
// on from the last whole record. Earlier lines are never touched.
func (l *Log) setAsideTorn(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read the decision log %s: %w", path, err)
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
	if cut == len(data) {
		return nil
	}
	torn := path + ".torn"
	tf, err := os.OpenFile(torn, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("set aside the torn end of %s: %w", path, err)
	}
	tail := append(append([]byte{}, data[cut:]...), '\n')
	if _, err := tf.Write(tail); err != nil {
		tf.Close()
		return fmt.Errorf("set aside the torn end of %s: %w", path, err)
	}
	if err := tf.Sync(); err != nil {
		tf.Close()
		return fmt.Errorf("set aside the torn end of %s: %w", path, err)
	}
	tf.Close()
	if err := os.Truncate(path, int64(cut)); err != nil {
		return fmt.Errorf("cut the torn end of %s: %w", path, err)
	}
	if l.opts.OnTorn != nil {
		l.opts.OnTorn(torn)
	}
	return nil
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

// Append redacts, links and writes one record, and syncs it to disk before
// it returns (sharing the fsync with the records written meanwhile). A
// failed write is cut back off the file, so the log never keeps half a
// record. After a failed fsync the log refuses further records: the kernel
// may have dropped what it could not write, and a retried fsync would not
// say so.
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
	rec.Seq = l.seq + 1
	rec.ID = FormatID(rec.Seq)
	rec.PrevHash = l.lastHash
	if rec.Hash, err = computeHash(rec); err != nil {
		return Record{}, err
	}
	line, err := encodeLine(rec)
	if err != nil {
		return Record{}, err
	}
	if l.size > 0 && l.size+int64(len(line)) > l.opts.MaxFileBytes {
		if err := l.rotate(); err != nil {
			return Record{}, err
		}
	}
	if _, err := l.f.Write(line); err != nil {
		_ = l.f.Truncate(l.size)
		return Record{}, fmt.Errorf("append decision %s: %w", rec.ID, err)
	}
	l.size += int64(len(line))
	l.seq, l.lastHash = rec.Seq, rec.Hash
	if l.opts.NoSync {
		return rec, nil
	}
	if err := l.awaitSync(rec.Seq); err != nil {
		return Record{}, fmt.Errorf("sync decision %s: %w", rec.ID, err)
	}
	return rec, nil
}

// awaitSync returns once record seq is durable. Called with mu held: it
// waits for the fsync in flight, or runs the next one itself without mu,
// covering every record written so far.
func (l *Log) awaitSync(seq int64) error {
	for l.synced < seq {
		switch {
		case l.syncErr != nil:
			return l.syncErr
		case l.syncing:
			l.syncDone.Wait()
			continue
		case l.f == nil:
			return errors.New("the decision log was closed before the record was synced")
		}
		l.syncing = true
		f, through := l.f, l.seq
		l.mu.Unlock()
		err := l.syncFile(f)
		l.mu.Lock()
		l.syncing = false
		switch {
		case err == nil:
			l.synced = max(l.synced, through)
		case l.synced < through:
			l.failSync(err)
		}
		l.closeRetired()
		l.syncDone.Broadcast()
	}
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

// closeRetired closes the files rotated away during an fsync. Called with mu
// held and no fsync running.
func (l *Log) closeRetired() {
	for _, f := range l.retired {
		_ = f.Close()
	}
	l.retired = nil
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

// rotate moves to a new file. The full one's records are synced first, so
// the durable ones always end in the file being written; if an fsync of it is
// in flight, it is closed when that ends.
func (l *Log) rotate() error {
	if !l.opts.NoSync && l.synced < l.seq {
		if err := l.syncFile(l.f); err != nil {
			return l.failSync(err)
		}
		l.synced = l.seq
	}
	if l.syncing {
		l.retired = append(l.retired, l.f)
	} else if err := l.f.Close(); err != nil {
		return fmt.Errorf("close the full decision log file: %w", err)
	}
	l.f = nil
	return l.openFile(l.fileNo + 1)
}

// Close waits for the fsync in flight, syncs what is left, closes the file
// and releases the lock.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.syncing {
		l.syncDone.Wait()
	}
	var err error
	if l.f != nil {
		if !l.opts.NoSync && l.synced < l.seq && l.syncErr == nil {
			if err = l.syncFile(l.f); err == nil {
				l.synced = l.seq
			}
		}
		err = errors.Join(err, l.f.Close())
		l.f = nil
	}
	l.releaseLock()
	return err
}

func (l *Log) releaseLock() {
	if l.lock != nil {
		_ = syscall.Flock(int(l.lock.Fd()), syscall.LOCK_UN)
		l.lock.Close()
		l.lock = nil
	}
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
