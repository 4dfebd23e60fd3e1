// Package decisions is devai's decision log: one record per tool call,
// made through MCP or the CLI, appended to JSON-lines files under
// <state dir>/decisions/ and linked by hash, so that a record edited,
// deleted or moved by hand is found by Verify.
//
// Each record holds the hash of the record before it (prev_hash) and its
// own hash: the HMAC-SHA256, under a key kept outside the log (see Trust),
// of its canonical JSON (the record as Go encodes it, fields in declaration
// order, object keys sorted) with the hash field left out. Its chain field
// names the key ("hmac-sha256:<key id>"). Records written before keys
// existed have no chain field and a plain SHA-256 hash: they verify as
// legacy, unkeyed. An anchor outside the log files keeps the count and the
// head hash, so deleting the newest records is found too. The chain runs across files: when the active file passes its
// size limit the next record opens the next file and still holds the last
// hash of the one before.
package decisions

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Outcomes of a call.
const (
	OutcomeOK    = "ok"
	OutcomeError = "error"
)

// Record is one tool call as the log keeps it. The field order is the
// canonical order the hash is computed over: do not reorder fields, only
// add new optional ones at the end (before Hash).
type Record struct {
	ID           string          `json:"id"`  // "d000042": the sequence number, unique within one log
	Seq          int64           `json:"seq"` // 1, 2, 3… across all files
	Time         time.Time       `json:"time"`
	Tool         string          `json:"tool"`
	Arguments    json.RawMessage `json:"arguments,omitempty"` // redacted
	Client       Client          `json:"client"`
	Prompt       *Prompt         `json:"prompt,omitempty"`
	Summary      string          `json:"summary,omitempty"` // redacted
	ResultSHA256 string          `json:"result_sha256,omitempty"`
	Writes       []Write         `json:"writes"`
	DurationMS   float64         `json:"duration_ms"`
	Outcome      string          `json:"outcome"`
	Error        string          `json:"error,omitempty"` // redacted
	PrevHash     string          `json:"prev_hash"`
	Chain        string          `json:"chain,omitempty"`  // "hmac-sha256:<key id>"; empty on legacy records
	Caller       *Caller         `json:"caller,omitempty"` // who called; omitted on records written before callers were kept
	Hash         string          `json:"hash,omitempty"`
}

// Client is who made the call: the name and version from the MCP
// handshake and the session id, or "devai-cli" for the command line.
type Client struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Session string `json:"session,omitempty"`
}

// Prompt is the devai prompt a call came from: named by the call's own
// _meta, or, with Inferred set, the prompt the same MCP session fetched last
// (within a time window) when the call names none.
type Prompt struct {
	Name     string `json:"name"`
	Version  string `json:"version,omitempty"`
	Hash     string `json:"hash,omitempty"`
	Inferred bool   `json:"inferred,omitempty"` // omitted when false: older records hash the same
}

// Write is one thing a call wrote: kind is "spec", "proposal", "branch" or
// "file"; ref is its path, id or name.
type Write struct {
	Kind string `json:"kind"`
	Ref  string `json:"ref"`
}

// FormatID is the id of sequence number seq.
func FormatID(seq int64) string { return fmt.Sprintf("d%06d", seq) }

// ParseID accepts "d000042", "d42" and "42".
func ParseID(id string) (int64, error) {
	s := strings.TrimPrefix(strings.TrimSpace(id), "d")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("decision id %q: want d000042, d42 or 42", id)
	}
	return n, nil
}

// computeHash is the record's hash: the HMAC under k (SHA-256 when k is
// nil) of its canonical JSON without the hash field.
func computeHash(k *chainKey, r Record) (string, error) {
	r.Hash = ""
	raw, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encode decision %s: %w", r.ID, err)
	}
	return hashBody(k, raw), nil
}

// encodeLine is the record's line in the file, hash included, with its
// newline.
func encodeLine(r Record) ([]byte, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode decision %s: %w", r.ID, err)
	}
	return append(raw, '\n'), nil
}
