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
	l := &Log{dir: dir, opts: opts, lock: lock}
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
			l.seq, l.lastHash = rec.Seq, rec.Hash
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
// it returns. A failed write is cut back off the file, so the log never
// keeps half a record.
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
	if !l.opts.NoSync {
		if err := l.f.Sync(); err != nil {
			_ = l.f.Truncate(l.size)
			return Record{}, fmt.Errorf("sync decision %s: %w", rec.ID, err)
		}
	}
	l.size += int64(len(line))
	l.seq, l.lastHash = rec.Seq, rec.Hash
	return rec, nil
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

// Close closes the file and releases the lock.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var err error
	if l.f != nil {
		err = l.f.Close()
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
