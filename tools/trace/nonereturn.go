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

// A Python AttributeError on None ("'NoneType' object has no attribute
// 'version_info'") says that the value before the attribute was None.
// When the failing line reads that value from a property or a call of
// the repository (`self.base_python.version_info`, `get_config().debug`),
// the None came from there, and the fix most often goes there: it returns
// a real value, or raises what its callers expect. The definitions of that
// name in the failing file (else in its folder) are leads at
// weightNoneReturner, a few at most: a name defined in many places names
// none of them. A plain local (`log.debug`) names no definition.
const (
	weightNoneReturner = 0.6
	maxNoneReturners   = 3
)

// noneAttribute reads the attribute of an AttributeError on None.
var noneAttribute = regexp.MustCompile(`'NoneType' object has no attribute '([A-Za-z_]\w*)'`)

// noneReturners adds, for each root error that is an AttributeError on
// None, the properties or functions whose result the failing line reads
// the attribute of.
func noneReturners(ix *memory.Index, errs []Error, cands []Suspect) []Suspect {
	leads := newLeadSet(cands)
	for _, r := range rootMessages(ix, errs, noneAttribute) {
		line := r.top.source
		if line == "" {
			line = sourceLine(ix, r.top.Path, r.top.Line, r.top.Line)
		}
		name := noneSource(line, r.match[1])
		if name == "" {
			continue
		}
		defs := definitionsNamed(ix, r.top, name)
		if len(defs) == 0 || len(defs) > maxNoneReturners {
			continue
		}
		w := weightNoneReturner / math.Sqrt(float64(len(defs)))
		for _, c := range defs {
			leads.add(c, c.StartLine, w, fmt.Sprintf("returns the None that %s reads %q of at %s:%d %+.2f", label(r.err), r.match[1], r.top.Path, r.top.Line, w))
		}
	}
	return leads.cands
}

// noneSource is the property or function whose result a line reads attr
// of: base_python in `self.base_python.version_info`, get_config in
// `get_config().debug`; "" when the value is a plain name.
func noneSource(line, attr string) string {
	q := regexp.QuoteMeta(attr)
	viaAttribute := regexp.MustCompile(`\.([A-Za-z_]\w*)\s*(?:\([^()]*\))?\s*\.` + q + `\b`)
	if m := viaAttribute.FindStringSubmatch(line); m != nil {
		return m[1]
	}
	viaCall := regexp.MustCompile(`(?:^|[^\w.])([A-Za-z_]\w*)\s*\([^()]*\)\s*\.` + q + `\b`)
	if m := viaCall.FindStringSubmatch(line); m != nil {
		return m[1]
	}
	return ""
}

// definitionsNamed lists the code chunks named name in the frame's file,
// else in its folder, other than the frame's own.
func definitionsNamed(ix *memory.Index, f Frame, name string) []memory.ChunkInfo {
	for _, same := range []func(p string) bool{
		func(p string) bool { return p == f.Path },
		func(p string) bool { return path.Dir(p) == path.Dir(f.Path) },
	} {
		defs := ix.Chunks(func(c memory.ChunkInfo) bool {
			return c.Kind == chunk.Code && same(c.Path) && lastName(c.Symbol) == name && !(c.Path == f.Path && c.Symbol == f.Symbol) && !strings.HasSuffix(c.Path, "_test.py")
		})
		if len(defs) > 0 {
			return defs
		}
	}
	return nil
}
