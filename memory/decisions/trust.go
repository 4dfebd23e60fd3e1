package decisions

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The chain is keyed: a record's hash is the HMAC-SHA256, under a key kept
// outside the log, of its canonical JSON. Whoever rewrites the log without
// the key cannot make the hashes match again. Records written before the
// key existed (plain SHA-256, no "chain" field) stay readable and verify
// as legacy, unkeyed, up to the first keyed record; none may follow it.
//
// An anchor, also kept outside the log files, holds the record count, the
// head hash and where keyed records begin, under the same key: cutting the
// newest records off, or deleting a whole file, leaves a log shorter than
// its anchor.

// Trust says where the key and the anchor live. A zero field takes its
// default beside the log folder: <state dir>/decisions.key and
// <state dir>/decisions.anchor. Keeping them outside the folder lets the
// folder be handed over (to an auditor) without the key.
type Trust struct {
	KeyFile    string
	AnchorFile string
}

// Errors Open returns when the log cannot be trusted to go on.
var (
	// ErrKeyMissing: keyed records or an anchor exist but the key is gone.
	ErrKeyMissing = errors.New("the decision log's key is missing")
	// ErrAnchor: the anchor is missing, unreadable or disagrees with the log.
	ErrAnchor = errors.New("the decision log does not match its anchor")
)

const (
	chainPrefix   = "hmac-sha256:"
	keyBytes      = 32
	anchorVersion = 1
)

func (t Trust) withDefaults(dir string) Trust {
	parent := filepath.Dir(filepath.Clean(dir))
	if t.KeyFile == "" {
		t.KeyFile = filepath.Join(parent, "decisions.key")
	}
	if t.AnchorFile == "" {
		t.AnchorFile = filepath.Join(parent, "decisions.anchor")
	}
	return t
}

// chainKey is a loaded key and the id records name it by.
type chainKey struct {
	secret []byte
	id     string // 16 hex digits, derived from the key; it does not reveal it
}

func newChainKey(secret []byte) *chainKey {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("devai decisions key id"))
	return &chainKey{secret: secret, id: hex.EncodeToString(m.Sum(nil))[:16]}
}

// chain is the value of a keyed record's "chain" field.
func (k *chainKey) chain() string { return chainPrefix + k.id }

func (k *chainKey) mac(parts ...[]byte) string {
	m := hmac.New(sha256.New, k.secret)
	for _, p := range parts {
		m.Write(p)
	}
	return hex.EncodeToString(m.Sum(nil))
}

// keyIDOf is the key id a chain field names; "" for a legacy record.
func keyIDOf(chain string) (string, bool) {
	if chain == "" {
		return "", true
	}
	id, ok := strings.CutPrefix(chain, chainPrefix)
	return id, ok && len(id) == 16
}

// loadKey reads a key file: 64 hex digits. A missing file is (nil, nil).
func loadKey(path string) (*chainKey, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the decision log key %s: %w", path, err)
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(secret) != keyBytes {
		return nil, fmt.Errorf("decision log key %s: want %d hex digits on one line", path, 2*keyBytes)
	}
	return newChainKey(secret), nil
}

// createKey makes a new random key file, mode 0600. It never replaces an
// existing file: the link fails and the key already there is used.
func createKey(path string) (*chainKey, error) {
	secret := make([]byte, keyBytes)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("make a decision log key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create the folder of the decision log key: %w", err)
	}
	tmp, err := writeTemp(path, []byte(hex.EncodeToString(secret)+"\n"), (*os.File).Sync)
	if err != nil {
		return nil, fmt.Errorf("write the decision log key: %w", err)
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); errors.Is(err, os.ErrExist) {
		return loadKey(path)
	} else if err != nil {
		return nil, fmt.Errorf("write the decision log key %s: %w", path, err)
	}
	return newChainKey(secret), nil
}

// anchor is the head of the log as its writer last left it.
type anchor struct {
	Version   int    `json:"version"`
	Records   int64  `json:"records"`    // the sequence number of the last record
	Head      string `json:"head"`       // its hash
	KeyedFrom int64  `json:"keyed_from"` // the first keyed record's sequence number
	KeyID     string `json:"key_id"`
	MAC       string `json:"mac"`
}

func (a anchor) sum(k *chainKey) string {
	msg := fmt.Sprintf("devai decisions anchor v%d\n%d\n%s\n%d\n%s", a.Version, a.Records, a.Head, a.KeyedFrom, a.KeyID)
	return k.mac([]byte(msg))
}

// checkMAC says why an anchor cannot be trusted under k, or "".
func (a anchor) checkMAC(k *chainKey) string {
	switch {
	case a.Version != anchorVersion:
		return fmt.Sprintf("anchor version %d is not one this devai reads", a.Version)
	case a.KeyID != k.id:
		return fmt.Sprintf("wrong key: the anchor was written with key %s, the key given is %s", a.KeyID, k.id)
	case !hmac.Equal([]byte(a.MAC), []byte(a.sum(k))):
		return "the anchor was edited: its MAC does not match"
	}
	return ""
}

// loadAnchor reads an anchor file. A missing file is (nil, nil).
func loadAnchor(path string) (*anchor, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the decision log anchor %s: %w", path, err)
	}
	var a anchor
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("decision log anchor %s is not an anchor: %w", path, err)
	}
	return &a, nil
}

// writeAnchor replaces the anchor atomically (a synced temp file renamed
// over it). The record it names is synced first, so the anchor is never
// ahead of the log; a crash between the two leaves it behind (by the
// records one commit covered), which Open and Verify accept when the last
// record's MAC holds. sync syncs the temp file; nil skips that.
func writeAnchor(path string, k *chainKey, records int64, head string, keyedFrom int64, sync func(*os.File) error) error {
	a := anchor{Version: anchorVersion, Records: records, Head: head, KeyedFrom: keyedFrom, KeyID: k.id}
	a.MAC = a.sum(k)
	raw, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode the decision log anchor: %w", err)
	}
	tmp, err := writeTemp(path, append(raw, '\n'), sync)
	if err != nil {
		return fmt.Errorf("write the decision log anchor: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write the decision log anchor %s: %w", path, err)
	}
	return nil
}

// writeTemp writes data to a new 0600 file beside path, synced with sync
// unless it is nil, and returns its name.
func writeTemp(path string, data []byte, sync func(*os.File) error) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), tempPrefix(path)+"*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	_, err = f.Write(data)
	if err == nil && sync != nil {
		err = sync(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp" }

// removeStaleTemps removes temporary anchors left by writers killed while
// writing one. Only a writer holding the log's lock writes the anchor, so
// under the lock none is in progress.
func removeStaleTemps(path string) {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), tempPrefix(path)+"*"))
	for _, f := range stale {
		_ = os.Remove(f)
	}
}

// hashBody is a record's hash from its canonical JSON without the hash
// field: the HMAC under k, or plain SHA-256 for a legacy record (k nil).
func hashBody(k *chainKey, body []byte) string {
	if k == nil {
		sum := sha256.Sum256(body)
		return hex.EncodeToString(sum[:])
	}
	return k.mac(body)
}

// sameHash compares two hashes in constant time.
func sameHash(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }
