package coverage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// pyFile is one file of coverage.py's JSON report (`coverage json`, with
// --show-contexts for per-test contexts, and branch data under --branch).
type pyFile struct {
	ExecutedLines    []int               `json:"executed_lines"`
	MissingLines     []int               `json:"missing_lines"`
	ExecutedBranches [][2]int            `json:"executed_branches"`
	MissingBranches  [][2]int            `json:"missing_branches"`
	Contexts         map[string][]string `json:"contexts"`
	Functions        map[string]struct {
		ExecutedLines []int `json:"executed_lines"`
		MissingLines  []int `json:"missing_lines"`
	} `json:"functions"`
}

// parsePy reads coverage.py JSON file by file, so a truncated report keeps
// the files before the cut.
func parsePy(r io.Reader, rep *Report) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	fail := func(what string, err error) error {
		rep.problemf(lineAt(data, d.InputOffset()), "%s: %v; kept the files read before it", what, err)
		return nil
	}
	if err := expectDelim(d, '{'); err != nil {
		return fail("not a JSON object", err)
	}
	sawFiles := false
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return fail("JSON", err)
		}
		if k != "files" {
			var skip json.RawMessage
			if err := d.Decode(&skip); err != nil {
				return fail(fmt.Sprintf("JSON value of %v", k), err)
			}
			continue
		}
		sawFiles = true
		if err := expectDelim(d, '{'); err != nil {
			return fail("\"files\" is not an object", err)
		}
		for d.More() {
			name, err := d.Token()
			if err != nil {
				return fail("JSON", err)
			}
			var pf pyFile
			if err := d.Decode(&pf); err != nil {
				return fail(fmt.Sprintf("file %v", name), err)
			}
			addPy(rep.file(fmt.Sprint(name)), pf)
		}
		if _, err := d.Token(); err != nil {
			return fail("JSON", err)
		}
	}
	if !sawFiles {
		rep.problemf(0, "no \"files\" object: not a coverage.py JSON report")
	}
	return nil
}

func addPy(f *File, pf pyFile) {
	for _, l := range pf.ExecutedLines {
		f.hit(l, 1)
	}
	for _, l := range pf.MissingLines {
		f.hit(l, 0)
	}
	for _, b := range pf.ExecutedBranches {
		f.branch(b[0], 1, 1)
	}
	for _, b := range pf.MissingBranches {
		f.branch(b[0], 0, 1)
	}
	for line, ctxs := range pf.Contexts {
		l, err := strconv.Atoi(line)
		if err != nil {
			continue
		}
		for _, c := range ctxs {
			if c == "" {
				continue // the empty context: code run outside any test
			}
			if f.Tests == nil {
				f.Tests = map[int][]string{}
			}
			f.Tests[l] = append(f.Tests[l], c)
		}
	}
	for name, fn := range pf.Functions {
		if name == "" {
			continue // module-level code
		}
		first := 0
		for _, l := range append(append([]int(nil), fn.ExecutedLines...), fn.MissingLines...) {
			if first == 0 || l < first {
				first = l
			}
		}
		f.Funcs = append(f.Funcs, Func{Name: name, Line: first, Hits: min(len(fn.ExecutedLines), 1)})
	}
}

func expectDelim(d *json.Decoder, want json.Delim) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	if t != want {
		return fmt.Errorf("found %v where %q was expected", t, want)
	}
	return nil
}

// lineAt is the 1-based line of a byte offset.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}
