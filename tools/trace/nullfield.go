package trace

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
)

// Since JDK 14 a NullPointerException says what was null: `Cannot invoke
// "Token.startPos()" because "token" is null`, `… because "this.stack" is
// null`. When that is a field, or a local the failing function copied
// from a field (`final Token token = currentToken;`), the null came from
// the code that set the field to null: the fix most often goes there (it
// sets a real value, or the reader learns to expect none). Those functions
// of the failing file's package are leads at weightFieldWriter, a few at
// most: a field set to null in many places names none of them.
const maxNullWriters = 3

var (
	// nullNamed reads the variable of a helpful NullPointerException.
	nullNamed = regexp.MustCompile(`because "((?:[\w$]+\.)*[\w$]+)" is null`)
	// copiedField: the right-hand side of an assignment that copies a
	// field, `currentToken` or `this.currentToken`.
	copiedField = regexp.MustCompile(`^(?:this\.)?([A-Za-z_$][\w$]*)$`)
)

// nullFieldWriters adds, for each root error whose message names a null
// variable backed by a field, the functions that set that field to null.
func nullFieldWriters(ix *memory.Index, errs []Error, cands []Suspect) []Suspect {
	leads := newLeadSet(cands)
	for _, r := range rootMessages(ix, errs, nullNamed) {
		field, via := nullField(ix, r.top, r.match[1])
		if field == "" {
			continue
		}
		writers := nullWriters(ix, path.Dir(r.top.Path), field)
		if len(writers) == 0 || len(writers) > maxNullWriters {
			continue
		}
		w := weightFieldWriter / math.Sqrt(float64(len(writers)))
		for _, wr := range writers {
			leads.add(wr.chunk, wr.line, w, fmt.Sprintf("sets %s to null (line %d); %s, and %s says %q is null at %s:%d %+.2f", field, wr.line, via, label(r.err), r.match[1], r.top.Path, r.top.Line, w))
		}
	}
	return leads.cands
}

// nullField is the field behind the variable the exception names: the
// variable itself when it is a field access (this.stack, tb.stack), or the
// field a local was copied from before the failing line. via says which.
func nullField(ix *memory.Index, top Frame, variable string) (field, via string) {
	if i := strings.LastIndexByte(variable, '.'); i >= 0 {
		return variable[i+1:], fmt.Sprintf("%q reads it", variable)
	}
	c, ok := ix.ChunkAt(top.Path, top.Line)
	if !ok {
		return "", ""
	}
	file := fileLines(ix, top.Path) // as written: the index's copy hides what reads like a secret
	if len(file) < top.Line || c.StartLine < 1 || c.StartLine > top.Line {
		return "", ""
	}
	lines := file[c.StartLine-1 : top.Line]
	assigned := regexp.MustCompile(`\b` + regexp.QuoteMeta(variable) + `\s*=\s*([^=;][^;]*);`)
	for i := len(lines) - 1; i >= 0; i-- {
		if m := assigned.FindStringSubmatch(lines[i]); m != nil {
			if f := copiedField.FindStringSubmatch(strings.TrimSpace(m[1])); f != nil && f[1] != "null" {
				return f[1], fmt.Sprintf("%q was copied from it at line %d", variable, c.StartLine+i)
			}
			return "", ""
		}
	}
	return "", ""
}

// nullWriter is a function that sets a field to null.
type nullWriter struct {
	chunk memory.ChunkInfo
	line  int
}

// nullWriters lists the functions in the folder's files (a Java package)
// that assign null to the field.
func nullWriters(ix *memory.Index, dir, field string) []nullWriter {
	if field == "" {
		return nil
	}
	setsNull := regexp.MustCompile(`(?:^|[^\w$.]|\w\.)` + regexp.QuoteMeta(field) + `\s*=\s*null\s*;`)
	var out []nullWriter
	lines := map[string][]string{}
	for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool {
		return c.Kind == chunk.Code && c.Symbol != "" && path.Dir(c.Path) == dir
	}) {
		file, ok := lines[c.Path]
		if !ok {
			file = fileLines(ix, c.Path)
			lines[c.Path] = file
		}
		for n := c.StartLine; n <= min(c.EndLine, len(file)); n++ {
			if setsNull.MatchString(file[n-1]) {
				out = append(out, nullWriter{c, n})
				break
			}
		}
	}
	return out
}
