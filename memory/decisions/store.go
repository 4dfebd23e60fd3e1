package decisions

import (
	"context"
	"fmt"
)

// The decision log lives in files under the state directory (Log, Files)
// or, for a team, in a shared database (memory/pgstore). Both keep the same
// records, linked and signed the same way, so `devai decisions verify`
// checks either; the pieces below are what another store needs to do so.

// Appender writes records; *Log and the PostgreSQL log satisfy it.
type Appender interface {
	Append(ctx context.Context, e Entry) (Record, error)
	Close() error
}

// Reader reads a log and checks its chain.
type Reader interface {
	List(ctx context.Context, f Filter) ([]Record, error)
	Get(ctx context.Context, id string) (Record, error)
	Verify(ctx context.Context) (Report, error)
}

// Store is a log that is both written and read: what the server holds.
type Store interface {
	Appender
	Reader
}

// Files reads the file log in Dir, its key and anchor where Trust says.
type Files struct {
	Dir   string
	Trust Trust
}

// List returns the records that pass f, oldest first.
func (f Files) List(_ context.Context, flt Filter) ([]Record, error) { return List(f.Dir, flt) }

// Get returns one record by id.
func (f Files) Get(_ context.Context, id string) (Record, error) { return Get(f.Dir, id) }

// Verify checks the chain (VerifyTrust).
func (f Files) Verify(context.Context) (Report, error) { return VerifyTrust(f.Dir, f.Trust) }

// List, Get and Verify read the log l writes.
func (l *Log) List(ctx context.Context, f Filter) ([]Record, error) {
	return Files{Dir: l.dir, Trust: l.trust}.List(ctx, f)
}

// Get returns one record of the log l writes.
func (l *Log) Get(ctx context.Context, id string) (Record, error) {
	return Files{Dir: l.dir, Trust: l.trust}.Get(ctx, id)
}

// Verify checks the chain of the log l writes.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	return Files{Dir: l.dir, Trust: l.trust}.Verify(ctx)
}

var (
	_ Store  = (*Log)(nil)
	_ Reader = Files{}
)

// Key is the log's MAC key, for a store that keeps the records elsewhere
// than files. It lives in a file all the writers of one log share.
type Key struct{ k *chainKey }

// LoadKey reads a key file; a missing file is (nil, nil).
func LoadKey(path string) (*Key, error) {
	k, err := loadKey(path)
	if k == nil || err != nil {
		return nil, err
	}
	return &Key{k}, nil
}

// CreateKey makes a new random key file (0600), or loads the one another
// writer made first.
func CreateKey(path string) (*Key, error) {
	k, err := createKey(path)
	if err != nil {
		return nil, err
	}
	return &Key{k}, nil
}

// ID names the key in records and heads; it does not reveal the key.
func (k *Key) ID() string { return k.k.id }

// Head is a store's anchor: how many records its chain holds and the last
// one's hash, signed with the key, so that deleting the newest records, or
// replacing the last, is found without the key.
type Head struct {
	Records int64
	Hash    string
	KeyID   string
	MAC     string
}

func (h Head) anchor() anchor {
	return anchor{Version: anchorVersion, Records: h.Records, Head: h.Hash, KeyedFrom: 1, KeyID: h.KeyID, MAC: h.MAC}
}

// SignHead is the head of a chain of records records ending with hash.
// Such a chain is keyed from its first record.
func (k *Key) SignHead(records int64, hash string) Head {
	h := Head{Records: records, Hash: hash, KeyID: k.k.id}
	h.MAC = h.anchor().sum(k.k)
	return h
}

// CheckHead says why h cannot be trusted under k, or "".
func (k *Key) CheckHead(h Head) string { return h.anchor().checkMAC(k.k) }

// Sealer turns entries into records of a chain keyed by one key: Build
// redacts (outside any lock), Seal links and signs (under the store's lock
// on the chain's end).
type Sealer struct {
	key  *Key
	opts Options
}

// NewSealer makes records signed with key; opts gives the redactor and
// the clock (MaxFileBytes, NoSync and OnTorn do not apply).
func NewSealer(key *Key, opts Options) (*Sealer, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Sealer{key: key, opts: opts}, nil
}

// Build is the record of one call, not yet linked.
func (s *Sealer) Build(e Entry) (Record, error) { return buildRecord(s.opts, e) }

// Seal makes rec the record after last (the zero Record when the chain is
// empty), signs it, and returns its canonical JSON: the exact bytes Verify
// checks, to be stored as they are.
func (s *Sealer) Seal(rec *Record, last Record) ([]byte, error) {
	if err := link(s.key.k, rec, last); err != nil {
		return nil, err
	}
	line, err := encodeLine(*rec)
	if err != nil {
		return nil, err
	}
	return line[:len(line)-1], nil
}

// VerifyChain checks a chain kept outside files: each gives the records'
// canonical JSON in order (no counts records from 1), head is the store's
// signed head (nil when it has none) and source names the store in the
// report. The checks are Verify's.
func VerifyChain(source string, key *Key, head *Head, each func(fn func(line []byte, no int) error) error) (Report, error) {
	rep := Report{Anchored: -1, Files: 1}
	w := walker{rep: &rep}
	if key != nil {
		w.key, rep.KeyID = key.k, key.k.id
	}
	if head != nil {
		a := head.anchor()
		w.anc, rep.Anchored = &a, a.Records
	}
	if err := w.lines(source, each); err != nil {
		return rep, fmt.Errorf("verify the decision log in %s: %w", source, err)
	}
	if rep.Break != nil {
		return rep, nil
	}
	w.checkEnd("the decision log key", source+" (its head)")
	return rep, nil
}
