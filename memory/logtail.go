package memory

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// DefaultMaxLogBytes is how much of one log file is indexed when
// Options.MaxLogBytes is 0: its newest 16 MiB. Indexing costs memory in
// proportion to what is indexed (the chunks, their analysis for the text
// index and their vectors are held per batch), so without a cap a log of
// 200 MB raised RSS to 14.9 GB. Bytes are capped, not chunks or templates,
// because a byte cap bounds the read and the parse before they happen and
// cuts the log at one point in time: what is kept is one contiguous, most
// recent stretch of events, the part a root-cause search needs.
const DefaultMaxLogBytes = 16 << 20

// logPart is the part of a log file that is indexed.
type logPart struct {
	content   []byte // the newest lines, at most the cap
	hash      string // sha256 of every byte read, so of the whole file
	from      int64  // byte offset of content in the file
	firstLine int    // the file's line number of content's first line
}

// cut describes what was left out under the cap limit, or nil when the
// whole file is in.
func (p logPart) cut(limit int64) *fileCut {
	if p.from == 0 {
		return nil
	}
	return &fileCut{From: p.from, FirstLine: p.firstLine, Cap: limit}
}

// cutNote is what Status says of a file indexed in part.
func (e *fileEntry) cutNote() Cut {
	kept := e.Size - e.Cut.From
	return Cut{
		Path: e.Path, Size: e.Size, IndexedBytes: kept, FirstLine: e.Cut.FirstLine,
		Note: fmt.Sprintf("indexed the last %s of %s (from line %d): cap %s per log (--max-log-bytes)",
			megabytes(kept), megabytes(e.Size), e.Cut.FirstLine, megabytes(e.Cut.Cap)),
	}
}

// megabytes writes n bytes as "16.0 MiB".
func megabytes(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// readLogTail reads a log file of size bytes (as the walk saw it; bytes
// appended since are left to the next sync) in one pass and keeps only its
// last limit bytes, starting at a line boundary. The bytes before are
// hashed and their lines counted, never held, so memory stays at limit
// whatever the file's size.
func readLogTail(path string, size, limit int64) (logPart, error) {
	f, err := os.Open(path)
	if err != nil {
		return logPart{}, err
	}
	defer f.Close()
	h := sha256.New()
	r := io.TeeReader(io.LimitReader(f, size), h)
	var p logPart
	if head := size - limit; head > 0 {
		lc := &lineCounter{}
		n, err := io.CopyN(lc, r, head)
		if err != nil && err != io.EOF {
			return logPart{}, fmt.Errorf("read %s: %w", path, err)
		}
		p.from, p.firstLine = n, lc.lines+1
		p.content, err = io.ReadAll(r)
		if err != nil {
			return logPart{}, fmt.Errorf("read %s: %w", path, err)
		}
		if n > 0 && !lc.atLineStart {
			p.dropPartialLine()
		}
	} else {
		p.firstLine = 1
		p.content, err = io.ReadAll(r)
		if err != nil {
			return logPart{}, fmt.Errorf("read %s: %w", path, err)
		}
	}
	p.hash = hex.EncodeToString(h.Sum(nil))
	return p, nil
}

// dropPartialLine skips content up to its first line break: the rest of a
// line whose start fell before the cut. A tail with no line break at all
// (one endless line) is kept as it is rather than lost.
func (p *logPart) dropPartialLine() {
	i := bytes.IndexByte(p.content, '\n')
	if i < 0 {
		return
	}
	p.content = p.content[i+1:]
	p.from += int64(i + 1)
	p.firstLine++
}

// lineCounter counts the line breaks written to it and remembers whether
// the last byte ended a line.
type lineCounter struct {
	lines       int
	atLineStart bool
}

func (c *lineCounter) Write(b []byte) (int, error) {
	c.lines += bytes.Count(b, []byte{'\n'})
	if len(b) > 0 {
		c.atLineStart = b[len(b)-1] == '\n'
	}
	return len(b), nil
}
