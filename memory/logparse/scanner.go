package logparse

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"time"
)

// MaxLineBytes is the longest line kept whole; the rest of a longer line
// is dropped (the record says so with a Truncated field).
const MaxLineBytes = 1 << 20

// MaxRecordBytes bounds the text kept of one multi-line record (a stack
// trace); its later lines are counted in EndLine but dropped.
const MaxRecordBytes = 4 << 20

// Scanner streams records from a reader with bounded memory: one record
// (and one line) at a time. It joins continuation lines (indented lines,
// "Caused by:", and the whole of a stack trace) and CRI partial lines, and
// stops after maxBytes, saying so in Truncated.
type Scanner struct {
	r         *bufio.Reader
	maxBytes  int64
	read      int64
	line      int
	pending   *Record // nil, or &s.slot
	slot      Record
	inTrace   bool
	buf       []byte          // the line being read, reused
	more      []byte          // continuation lines of the pending record
	cri       strings.Builder // CRI partial lines waiting for their F
	criStart  int
	unread    string // a line read but given back, to be read again
	hasUnread bool
	out       Record
	err       error
	done      bool
	// Truncated is set when the scanner stopped at maxBytes.
	Truncated bool
	// NoFields leaves Record.Fields nil: template mining does not need
	// them, and a map per line was much of its cost.
	NoFields bool
	// Now places stamps written without a year (PlaceYear). Zero: the
	// clock when the first such stamp is read.
	Now time.Time
}

// NewScanner reads r up to maxBytes (0: no limit).
func NewScanner(r io.Reader, maxBytes int64) *Scanner {
	return &Scanner{r: bufio.NewReaderSize(r, 256<<10), maxBytes: maxBytes}
}

// Record is the record Scan found.
func (s *Scanner) Record() Record { return s.out }

// Err is the read error that stopped the scanner, if any.
func (s *Scanner) Err() error { return s.err }

// Lines is the number of lines read so far.
func (s *Scanner) Lines() int { return s.line }

// Bytes is the number of bytes read so far.
func (s *Scanner) Bytes() int64 { return s.read }

// Scan advances to the next record.
func (s *Scanner) Scan() bool {
	for !s.done {
		raw, ok := s.readLine()
		if !ok {
			s.done = true
			break
		}
		s.line++
		if msg, partial, isCRI := criPartial(raw); isCRI && (partial || s.cri.Len() > 0) {
			if s.cri.Len() == 0 {
				s.criStart = s.line
				ts := raw[:strings.IndexByte(raw, ' ')]
				s.cri.WriteString(ts + " stdout F ")
			}
			if s.cri.Len() < MaxLineBytes {
				s.cri.WriteString(msg[:min(len(msg), MaxLineBytes-s.cri.Len())])
			}
			if partial {
				continue
			}
			if s.criRecord() {
				return true
			}
			continue
		}
		if s.cri.Len() > 0 {
			// A line that is not CRI ends a run of partials whose F never
			// came: the run is a record of its own, before this line.
			s.line--
			s.unread, s.hasUnread = raw, true
			if s.criRecord() {
				return true
			}
			continue
		}
		if s.continues(raw) {
			s.join(raw)
			continue
		}
		if strings.TrimSpace(raw) == "" {
			continue
		}
		r := parseLine(raw, !s.NoFields)
		r.Line, r.EndLine = s.line, s.line
		if s.push(r) {
			return true
		}
	}
	if s.cri.Len() > 0 && s.criRecord() { // partials cut off by the end
		return true
	}
	if s.pending != nil {
		s.flush()
		s.out = *s.pending
		s.pending = nil
		return true
	}
	return false
}

// criRecord makes the joined CRI partial lines a record, or a
// continuation of the pending one, and reports whether a record is ready.
func (s *Scanner) criRecord() bool {
	raw := s.cri.String()
	s.cri.Reset()
	if s.continues(raw) {
		s.join(raw)
		return false
	}
	if strings.TrimSpace(raw) == "" {
		return false
	}
	r := parseLine(raw, !s.NoFields)
	r.Line, r.EndLine = s.criStart, s.line
	return s.push(r)
}

// join adds a continuation line to the pending record; past
// MaxRecordBytes the lines still count but are not kept, so an endless
// indented run cannot grow memory with the log.
func (s *Scanner) join(raw string) {
	if len(s.pending.Text)+len(s.more) < MaxRecordBytes {
		s.more = append(s.more, '\n')
		s.more = append(s.more, raw...)
	}
	s.pending.EndLine = s.line
}

// flush puts the joined continuation lines into the pending record's text
// (appending to a string line by line was quadratic in a long trace).
func (s *Scanner) flush() {
	if len(s.more) > 0 {
		s.slot.Text += string(s.more)
		s.more = s.more[:0]
	}
}

// push makes r the pending record and reports whether the one before it
// is now ready in s.out.
func (s *Scanner) push(r Record) bool {
	if yearless(r.Time) {
		r.Time = s.placeYear(r.Time)
	}
	ready := s.pending != nil
	if ready {
		s.flush()
		s.out = s.slot
	}
	s.slot = r
	s.pending = &s.slot
	s.inTrace = startsTrace(r.Message)
	return ready
}

// readLine returns the next line without its newline (and \r), cut at
// MaxLineBytes; false at the end of input or of the byte budget.
func (s *Scanner) readLine() (string, bool) {
	if s.hasUnread {
		s.hasUnread = false
		return s.unread, true
	}
	if s.maxBytes > 0 && s.read >= s.maxBytes {
		if _, err := s.r.Peek(1); err == nil {
			s.Truncated = true
		}
		return "", false
	}
	b := s.buf[:0]
	got := false
	for {
		// ReadSlice, not ReadLine: ReadLine hides whether it dropped "\n",
		// "\r\n" or nothing, and Bytes must count what was read.
		chunk, err := s.r.ReadSlice('\n')
		s.read += int64(len(chunk))
		got = got || len(chunk) > 0
		chunk = bytes.TrimSuffix(chunk, []byte("\n"))
		if len(b) < MaxLineBytes {
			b = append(b, chunk[:min(len(chunk), MaxLineBytes-len(b))]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			s.err = err
		}
		if !got {
			return "", false
		}
		break
	}
	s.buf = b
	for len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return string(b), true
}

// continues reports whether raw belongs to the pending record.
func (s *Scanner) continues(raw string) bool {
	if s.pending == nil {
		return false
	}
	if strings.TrimSpace(raw) == "" {
		return s.inTrace
	}
	if raw[0] == ' ' || raw[0] == '\t' || strings.HasPrefix(raw, "Caused by:") {
		return true
	}
	if !s.pending.Time.IsZero() && strings.HasPrefix(raw, "Traceback (most recent call last)") {
		s.inTrace = true // Python's logger.exception: the message line, then the traceback
		return true
	}
	if !s.pending.Time.IsZero() && exceptionHeader(raw) && !startsRecord(raw) {
		s.inTrace = true // "pkg.SomeException: msg" under a timestamped line
		return true
	}
	return s.inTrace && !startsRecord(raw)
}

// startsTrace: messages after which unprefixed lines are a stack trace.
func startsTrace(msg string) bool {
	for _, p := range []string{"panic: ", "fatal error: ", "Traceback (most recent call last)", "goroutine ", "WARNING: DATA RACE", "Exception in thread ", "stack backtrace:"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return containsWord(msg, "panicked at ")
}

// containsWord: s holds w after a space. It searches for w, not for the
// space: a search led by a space stops at every word of a log line.
func containsWord(s, w string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		if off+i > 0 && s[off+i-1] == ' ' {
			return true
		}
		off += i + 1
	}
}

// startsRecord: a line that opens a record of its own even inside a trace
// (it has a timestamp, or is a JSON or logfmt record).
func startsRecord(raw string) bool {
	t := strings.TrimSpace(raw)
	if strings.HasPrefix(t, "{") {
		return true
	}
	if _, n, _ := findTime(raw); n > 0 {
		return true
	}
	if i := strings.IndexByte(raw, '='); i > 0 && !strings.ContainsAny(raw[:i], " \t(") {
		return true
	}
	return false
}

// exceptionHeader: "java.lang.IllegalStateException: msg", "ValueError".
func exceptionHeader(raw string) bool {
	head, _, _ := strings.Cut(raw, ":")
	if strings.ContainsAny(head, " \t") {
		return false
	}
	return strings.HasSuffix(head, "Exception") || strings.HasSuffix(head, "Error") || strings.HasSuffix(head, "Throwable")
}

func (s *Scanner) placeYear(t time.Time) time.Time {
	if s.Now.IsZero() {
		s.Now = time.Now()
	}
	return PlaceYear(t, s.Now)
}
