package trace

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/stack"
)

// When no frame of a trace is the repository's own code (a goroutine stuck
// in a library, a traceback that ends in a framework), the fault is still
// most often in the repository's code that drives that library: the code
// that calls the library function at the top of the trace, that uses the
// package it lives in, or that holds a literal the error message quotes.
// Searching the message as prose finds code that talks about the same
// words; these leads find code that does what the trace shows. Frames
// nearer the top weigh more, and a name found all over the repository is a
// weak lead (its weight is divided by the square root of its chunks).
//
// Two leads are the trace's own words for a place in the code, and weigh
// more than any guess: the name of the thread that failed, spelled as a
// literal where the code names the thread it starts (that thread ran the
// failing code), and a line of code the trace prints under a frame that
// is not the repository's, found verbatim in the repository (the code
// that ran was a copy of it, or the repository installed where no path
// rule finds it).
const (
	weightThreadName     = 0.7  // names the thread that failed
	weightSourceLine     = 0.7  // holds the code line a frame prints
	weightLibraryCall    = 0.6  // calls a library function of the trace
	weightMessageLiteral = 0.45 // holds a literal the message quotes
	weightMessageName    = 0.35 // names an identifier of the message
	weightLibraryPackage = 0.3  // uses the package of a library frame
	maxLibraryFrames     = 6
	maxLeadChunks        = 12 // a name in more chunks is no lead
	maxLeads             = 6
)

// lead is one thing to look for in the repository's code.
type lead struct {
	re     *regexp.Regexp
	weight float64
	why    string
	goPkg  string // Go import path: only files importing it are read for re
	// anyChunk: a hit outside any named symbol counts (module-level code
	// is where a copied import line lives).
	anyChunk bool
}

// libraryLeads finds in-repo code tied to the library frames and the
// message of errors that have no in-repo frame outside tests.
func libraryLeads(ix *memory.Index, errs []Error) []Suspect {
	leads := leadsOf(errs)
	if len(leads) == 0 {
		return nil
	}
	type hit struct {
		chunk memory.ChunkInfo
		line  int
	}
	byLead := make([][]hit, len(leads))
	for _, p := range ownCodeFiles(ix) {
		b, err := os.ReadFile(repoPath(ix, p))
		if err != nil {
			continue
		}
		text := string(b)
		lines := strings.Split(text, "\n")
		for li, l := range leads {
			re := l.re
			if l.goPkg != "" {
				alias, ok := goImportAlias(text, l.goPkg)
				if !ok {
					continue
				}
				re = regexp.MustCompile(`\b` + regexp.QuoteMeta(alias) + `\.` + re.String())
			}
			seen := map[string]bool{}
			for n, line := range lines {
				if !re.MatchString(line) || isDefinitionOf(line, l) {
					continue
				}
				c, ok := ix.ChunkAt(p, n+1)
				if !ok || c.Kind != chunk.Code || c.Symbol == "" && !l.anyChunk || seen[c.ID] {
					continue
				}
				seen[c.ID] = true
				byLead[li] = append(byLead[li], hit{c, n + 1})
			}
		}
	}
	best := map[string]*Suspect{}
	for li, hits := range byLead {
		if len(hits) == 0 || len(hits) > maxLeadChunks {
			continue
		}
		w := leads[li].weight / math.Sqrt(float64(len(hits)))
		for _, h := range hits {
			s, ok := best[h.chunk.ID]
			if !ok {
				s = &Suspect{Path: h.chunk.Path, Line: h.line, URI: h.chunk.URI, Symbol: h.chunk.Symbol, SymbolKind: h.chunk.SymbolKind,
					Requires: h.chunk.Requirements, lastErr: -1}
				best[h.chunk.ID] = s
			}
			if w > s.Score {
				s.Line = h.line
				s.Why = append([]string{fmt.Sprintf("%s (line %d) %+.2f", leads[li].why, h.line, w)}, s.Why...)
				s.Score = w
			} else {
				s.Why = append(s.Why, fmt.Sprintf("also %s (line %d)", leads[li].why, h.line))
			}
		}
	}
	out := make([]Suspect, 0, len(best))
	for _, s := range best {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Path+out[i].Symbol < out[j].Path+out[j].Symbol
	})
	if len(out) > maxLeads {
		out = out[:maxLeads]
	}
	return out
}

// isDefinitionOf tells a definition of a same-named function from a call:
// a library call lead wants the callers.
func isDefinitionOf(line string, l lead) bool {
	if !strings.HasPrefix(l.why, "calls") {
		return false
	}
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "def ") || strings.HasPrefix(t, "func ") || strings.HasPrefix(t, "async def ")
}

// leadsOf lists what to look for: the library frames' functions and
// packages, top first, and the message's quoted literals and identifiers.
func leadsOf(errs []Error) []lead {
	var out []lead
	seen := map[string]bool{}
	add := func(l lead, key string) {
		if !seen[key] {
			seen[key] = true
			out = append(out, l)
		}
	}
	for _, e := range errs {
		errW := 1.0
		if e.Type == "goroutine" || !e.RootCause {
			errW = weightNotRoot
		}
		d := 0
		for _, f := range e.Frames {
			if f.InApp || d == maxLibraryFrames {
				continue
			}
			pkg, name := libraryFunc(e.Lang, f)
			if name == "" {
				continue
			}
			w := positionWeight(d) * errW
			d++
			call := `\b` + regexp.QuoteMeta(name) + `\s*\(`
			if e.Lang == "go" {
				call = `\.` + regexp.QuoteMeta(name) + `\s*\(`
			}
			add(lead{re: regexp.MustCompile(call), weight: weightLibraryCall * w,
				why: fmt.Sprintf("calls %s, library frame #%d of %s", name, d, label(e))}, "call "+name)
			if pkg != "" {
				add(lead{re: regexp.MustCompile(`[A-Za-z_]`), goPkg: pkg, weight: weightLibraryPackage * w,
					why: fmt.Sprintf("uses package %s of library frame #%d of %s", pkg, d, label(e))}, "pkg "+pkg)
			}
		}
		if name := e.Thread; name != "" && !defaultThread.MatchString(name) {
			add(lead{re: regexp.MustCompile("[\"'`]" + regexp.QuoteMeta(name) + "[\"'`]"), weight: weightThreadName * errW,
				why: fmt.Sprintf("names the thread %q in which %s happened", excerpt(name, 60), label(e))}, "thread "+name)
		}
		for k, f := range e.Frames {
			if src := f.source; !f.InApp && len(src) >= minSourceLead && wordPattern.MatchString(src) {
				add(lead{re: regexp.MustCompile(regexp.QuoteMeta(src)), weight: weightSourceLine * positionWeight(k) * errW, anyChunk: true,
					why: fmt.Sprintf("holds the line %q that frame #%d of %s prints (%s)", excerpt(src, 80), k+1, label(e), f.File)}, "src "+src)
			}
		}
		for _, lit := range quotedLiterals(e.Message) {
			add(lead{re: regexp.MustCompile(wordBounded(lit)), weight: weightMessageLiteral * errW,
				why: fmt.Sprintf("holds %q, which the message of %s quotes", lit, label(e))}, "lit "+lit)
		}
		for _, id := range messageIdentifiers(e.Message) {
			add(lead{re: regexp.MustCompile(`\b` + regexp.QuoteMeta(id) + `\b`), weight: weightMessageName * errW,
				why: fmt.Sprintf("names %s, which the message of %s names", id, label(e))}, "id "+id)
		}
	}
	return out
}

// defaultThread matches the names runtimes give threads nobody named:
// no code spells them.
var defaultThread = regexp.MustCompile(`^(?:main|<main>|<unnamed>|MainThread|Thread-\d+|pool-\d+-thread-\d+)$`)

// minSourceLead is the shortest printed code line worth looking for: a
// shorter one ("return x", "f()") is in many files by chance.
const minSourceLead = 16

var goClosure = regexp.MustCompile(`^(func|gowrap)\d+$|^\d+$`)

// libraryFunc gives a library frame's bare function name, and for Go its
// package's import path. Go's standard library and Python's are left out:
// their names (Wait, write, execute) are called everywhere. Unexported Go
// names cannot be called from the repository; its package still can be used.
func libraryFunc(lang string, f Frame) (pkg, name string) {
	switch lang {
	case "go":
		fn := f.Func
		slash := strings.LastIndexByte(fn, '/')
		dot := strings.IndexByte(fn[slash+1:], '.')
		if dot < 0 {
			return "", ""
		}
		pkg = fn[:slash+1+dot]
		if !strings.Contains(strings.SplitN(pkg, "/", 2)[0], ".") {
			return "", "" // the standard library
		}
		parts := strings.Split(strings.NewReplacer("(*", "", ")", "").Replace(fn[slash+1+dot+1:]), ".")
		for len(parts) > 1 && goClosure.MatchString(parts[len(parts)-1]) {
			parts = parts[:len(parts)-1]
		}
		name = parts[len(parts)-1]
		if name == "" || !isExported(name) {
			name = "\x00" // matches nothing; the package lead stays
		}
		return pkg, name
	case "python":
		p := filepath.ToSlash(f.File)
		if (strings.Contains(p, "/lib/python") || strings.Contains(p, "/lib64/python")) &&
			!strings.Contains(p, "-packages/") {
			return "", ""
		}
		if f.Func == "" || strings.HasPrefix(f.Func, "<") {
			return "", ""
		}
		parts := strings.Split(f.Func, ".")
		return "", parts[len(parts)-1]
	}
	parts := strings.FieldsFunc(f.Func, func(r rune) bool { return r == '.' || r == ':' || r == '/' })
	if len(parts) == 0 {
		return "", ""
	}
	return "", parts[len(parts)-1]
}

func isExported(name string) bool { return name[0] >= 'A' && name[0] <= 'Z' }

var quoted = regexp.MustCompile("'([^'\\s]{3,60})'|\"([^\"\\s]{3,60})\"|`([^`\\s]{3,60})`")

// quotedLiterals are the message's quoted words: a codec, a key, a flag
// name the code spells the same way.
func quotedLiterals(msg string) []string {
	var out []string
	for _, m := range quoted.FindAllStringSubmatch(msg, -1) {
		lit := m[1] + m[2] + m[3]
		if strings.ContainsAny(lit, `\`) || !strings.ContainsFunc(lit, func(r rune) bool { return r >= 'A' && r <= 'z' }) {
			continue
		}
		out = append(out, lit)
	}
	return out
}

// wordBounded matches the literal as a whole word: "ten" is not in
// "Content".
func wordBounded(lit string) string {
	re := regexp.QuoteMeta(lit)
	if isWordByte(lit[0]) {
		re = `\b` + re
	}
	if isWordByte(lit[len(lit)-1]) {
		re += `\b`
	}
	return re
}

var wordPattern = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*`)

// messageIdentifiers are the message's words that read as code: dotted
// names (their last part), camelCase or snake_case words, and a
// capitalised word past the first.
func messageIdentifiers(msg string) []string {
	var out []string
	for i, w := range wordPattern.FindAllString(msg, -1) {
		dotted := strings.Contains(w, ".")
		if dotted {
			w = w[strings.LastIndexByte(w, '.')+1:]
		}
		inner := strings.ContainsFunc(w[1:], func(r rune) bool { return r >= 'A' && r <= 'Z' })
		switch {
		case len(w) < 4:
		case dotted, inner, strings.Contains(strings.Trim(w, "_"), "_"), i > 0 && isExported(w):
			out = append(out, w)
		}
	}
	return out
}

// goImportAlias tells whether a Go file imports the package, and under
// which name its code refers to it.
func goImportAlias(text, pkg string) (string, bool) {
	i := strings.Index(text, `"`+pkg+`"`)
	if i < 0 {
		return "", false
	}
	lineStart := strings.LastIndexByte(text[:i], '\n') + 1
	fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(text[lineStart:i]), "import"))
	if len(fields) > 0 && fields[0] != "(" {
		if fields[0] == "_" || fields[0] == "." {
			return "", false
		}
		return fields[0], true
	}
	base := pkg[strings.LastIndexByte(pkg, '/')+1:]
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		rest := strings.TrimSuffix(pkg, "/"+base)
		base = rest[strings.LastIndexByte(rest, '/')+1:]
	}
	return strings.TrimPrefix(strings.Split(base, ".")[0], "go-"), true
}

// ownCodeFiles lists, sorted, the indexed code files that are the
// repository's own: no library copies (vendor/, node_modules/, …), no tests.
// The leads for a trace with no frame of the repository read them whole.
func ownCodeFiles(ix *memory.Index) []string {
	files := map[string]bool{}
	var paths []string
	for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool { return c.Kind == chunk.Code }) {
		if !files[c.Path] && !stack.IsLibrary(c.Path) && !isTestPath(c.Path) {
			files[c.Path] = true
			paths = append(paths, c.Path)
		}
	}
	sort.Strings(paths)
	return paths
}
