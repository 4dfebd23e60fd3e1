package decisions

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound means no record has the id asked for.
var ErrNotFound = errors.New("no such decision")

// maxLine bounds one record's line when reading (a record's arguments are
// a tool's input; 16 MiB is far beyond any).
const maxLine = 16 << 20

const filePrefix, fileSuffix = "decisions-", ".jsonl"

func fileName(no int) string { return fmt.Sprintf("%s%06d%s", filePrefix, no, fileSuffix) }

type logFile struct {
	no   int
	path string
}

// listFiles returns the log's files in chain order.
func listFiles(dir string) ([]logFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list the decision log %s: %w", dir, err)
	}
	var files []logFile
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, filePrefix) || !strings.HasSuffix(name, fileSuffix) {
			continue
		}
		no, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, filePrefix), fileSuffix))
		if err != nil || no <= 0 {
			continue
		}
		files = append(files, logFile{no: no, path: filepath.Join(dir, name)})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].no < files[j].no })
	return files, nil
}

// lastRecord reads the last whole record of one file.
func lastRecord(path string) (Record, bool, error) {
	var last Record
	found := false
	err := scanFile(path, func(line []byte, _ int) error {
		var r Record
		if json.Unmarshal(line, &r) == nil {
			last, found = r, true
		}
		return nil
	})
	return last, found, err
}

// scanFile calls fn for each whole line of a file (1-based line numbers).
// A last line with no newline is being written (or was torn by a crash and
// not yet set aside) and is skipped.
func scanFile(path string, fn func(line []byte, no int) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read the decision log %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	for no := 1; ; no++ {
		line, err := readLine(br)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read the decision log %s line %d: %w", path, no, err)
		}
		if err := fn(line, no); err != nil {
			return err
		}
	}
}

// readLine returns one line without its newline; io.EOF at the end or on
// a last line that has no newline.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > maxLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		switch {
		case err == nil:
			if buf == nil {
				return bytes.TrimSuffix(chunk, []byte{'\n'}), nil
			}
			return bytes.TrimSuffix(append(buf, chunk...), []byte{'\n'}), nil
		case errors.Is(err, bufio.ErrBufferFull):
			buf = append(buf, chunk...)
		default:
			return nil, io.EOF
		}
	}
}

// Each calls fn with every record of the log in dir, oldest first. Lines
// that do not parse are skipped (Verify reports them).
func Each(dir string, fn func(Record) error) error {
	files, err := listFiles(dir)
	if err != nil {
		return err
	}
	for _, lf := range files {
		err := scanFile(lf.path, func(line []byte, _ int) error {
			var r Record
			if json.Unmarshal(line, &r) != nil {
				return nil
			}
			return fn(r)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Filter selects records for List. Zero fields select everything.
type Filter struct {
	Tool    string
	Since   time.Time
	Until   time.Time // exclusive
	Outcome string    // ok or error
	Session string
	Grep    string // case-insensitive, in the whole record
	Limit   int    // the most recent Limit records; 0: all
}

// List returns the records that pass f, oldest first.
func List(dir string, f Filter) ([]Record, error) {
	grep := strings.ToLower(f.Grep)
	var out []Record
	err := Each(dir, func(r Record) error {
		if f.Tool != "" && r.Tool != f.Tool ||
			f.Outcome != "" && r.Outcome != f.Outcome ||
			f.Session != "" && r.Client.Session != f.Session ||
			!f.Since.IsZero() && r.Time.Before(f.Since) ||
			!f.Until.IsZero() && !r.Time.Before(f.Until) {
			return nil
		}
		if grep != "" {
			raw, _ := json.Marshal(r)
			if !strings.Contains(strings.ToLower(string(raw)), grep) {
				return nil
			}
		}
		out = append(out, r)
		if f.Limit > 0 && len(out) > 2*f.Limit {
			out = append(out[:0], out[len(out)-f.Limit:]...)
		}
		return nil
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out, err
}

// Get returns the record with the given id ("d000042", "d42" or "42").
func Get(dir, id string) (Record, error) {
	seq, err := ParseID(id)
	if err != nil {
		return Record{}, err
	}
	var found *Record
	errStop := errors.New("found")
	err = Each(dir, func(r Record) error {
		if r.Seq == seq {
			found = &r
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return Record{}, err
	}
	if found == nil {
		return Record{}, fmt.Errorf("decision %s: %w (devai decisions lists them)", id, ErrNotFound)
	}
	return *found, nil
}
