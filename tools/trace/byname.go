package trace

import (
	"path"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/stack"
)

// frameChunk finds the chunk that holds a frame's code. The printed line
// decides, unless the frame names its function and the chunk at that line
// is another function while the file has one of that name: the trace then
// comes from another version of the code than the checkout (the release a
// reporter had installed, a commit since rewritten), and the name is what
// still holds. moved reports that the name overruled the line.
func frameChunk(ix *memory.Index, lang string, f Frame) (c memory.ChunkInfo, ok, moved bool) {
	at, atOK := ix.ChunkAt(f.Path, f.Line)
	name := frameName(lang, f.Func)
	if name == "" || atOK && (lastName(at.Symbol) == name || definesName(ix, at, name)) {
		if c, ok := sourceElsewhere(ix, f, name, at, atOK); ok {
			return c, true, true
		}
		return at, atOK, false
	}
	qual := strings.Split(stack.Symbol(lang, f.Func), ".")
	best, bestQual, bestDist := memory.ChunkInfo{}, 0, 0
	for _, cand := range ix.ChunksOf(f.Path) {
		if lastName(cand.Symbol) != name {
			continue
		}
		q := trailingMatch(strings.Split(cand.Symbol, "."), qual)
		d := distance(cand, f.Line)
		if q > bestQual || q == bestQual && d < bestDist {
			best, bestQual, bestDist = cand, q, d
		}
	}
	if bestQual == 0 {
		// No chunk carries the name, but one may define it inside: a
		// class the chunker kept whole holds its methods.
		if c, ok := definingChunk(ix, f, name); ok {
			return c, true, true
		}
		// A frame printed with no file was placed by its module path, but
		// Rust lets a type's methods live in any file of the crate: the
		// one chunk of the repository named by the type and the method.
		if c, ok := namedElsewhere(ix, qual); ok && f.File == "" {
			return c, true, true
		}
		if c, ok := movedInFolder(ix, f, qual); ok {
			return c, true, true
		}
		return at, atOK, false
	}
	return best, true, true
}

// sourceElsewhere: the code line a frame printed (Python prints it) is
// not in the chunk at its line, but in exactly one other chunk of the file
// that carries or defines the frame's function: the trace comes from
// another version, where the line numbers moved and the name alone cannot
// tell two methods of that name apart.
func sourceElsewhere(ix *memory.Index, f Frame, name string, at memory.ChunkInfo, atOK bool) (memory.ChunkInfo, bool) {
	src := strings.TrimSpace(f.source)
	if name == "" || len(src) < minSourceLine || atOK && chunkHolds(ix, at, src) {
		return memory.ChunkInfo{}, false
	}
	var holding []memory.ChunkInfo
	for _, c := range ix.ChunksOf(f.Path) {
		if (lastName(c.Symbol) == name || definesName(ix, c, name)) && chunkHolds(ix, c, src) {
			holding = append(holding, c)
		}
	}
	if len(holding) != 1 {
		return memory.ChunkInfo{}, false
	}
	return holding[0], true
}

// minSourceLine: a shorter printed line ("return x") says too little.
const minSourceLine = 12

func chunkHolds(ix *memory.Index, c memory.ChunkInfo, src string) bool {
	text, err := ix.ReadChunk(c)
	return err == nil && strings.Contains(text, src)
}

// namedElsewhere is the one code chunk of the repository whose symbol ends
// with the qualified name's type and method.
func namedElsewhere(ix *memory.Index, qual []string) (memory.ChunkInfo, bool) {
	if len(qual) < 2 {
		return memory.ChunkInfo{}, false
	}
	found := ix.Chunks(func(c memory.ChunkInfo) bool {
		return c.Kind == chunk.Code && lastName(c.Symbol) == qual[len(qual)-1] && trailingMatch(strings.Split(c.Symbol, "."), qual) >= 2
	})
	if len(found) != 1 {
		return memory.ChunkInfo{}, false
	}
	return found[0], true
}

// movedInFolder is the one code chunk of another file in the frame's
// folder named as the frame's function, which its printed file no longer
// defines: moved to a sibling module (black's parse_ast, printed in
// black/__init__.py at a line past its end, lives in black/parsing.py) or,
// in Go, to another file of the package.
func movedInFolder(ix *memory.Index, f Frame, qual []string) (memory.ChunkInfo, bool) {
	if len(qual) == 0 || f.Path == "" {
		return memory.ChunkInfo{}, false
	}
	dir, name, need := path.Dir(f.Path), qual[len(qual)-1], min(len(qual), 2)
	found := ix.Chunks(func(c memory.ChunkInfo) bool {
		return c.Kind == chunk.Code && c.Path != f.Path && path.Dir(c.Path) == dir &&
			lastName(c.Symbol) == name && trailingMatch(strings.Split(c.Symbol, "."), qual) >= need
	})
	if len(found) != 1 {
		return memory.ChunkInfo{}, false
	}
	return found[0], true
}

// typeDefining is the one code chunk named after the type that defines the
// method inside it: a class the chunker kept whole.
func typeDefining(ix *memory.Index, typ, method string) (memory.ChunkInfo, bool) {
	found := ix.Chunks(func(c memory.ChunkInfo) bool {
		return c.Kind == chunk.Code && lastName(c.Symbol) == typ && definesName(ix, c, method)
	})
	if len(found) != 1 {
		return memory.ChunkInfo{}, false
	}
	return found[0], true
}

// definingChunk is the one chunk of the frame's file that defines a
// function of that name inside it; when several do, the one that holds
// the code line the trace printed under the frame, if exactly one does.
func definingChunk(ix *memory.Index, f Frame, name string) (memory.ChunkInfo, bool) {
	var defining []memory.ChunkInfo
	for _, c := range ix.ChunksOf(f.Path) {
		if definesName(ix, c, name) {
			defining = append(defining, c)
		}
	}
	if len(defining) == 1 {
		return defining[0], true
	}
	src := strings.TrimSpace(f.source)
	if src == "" {
		return memory.ChunkInfo{}, false
	}
	var holding []memory.ChunkInfo
	for _, c := range defining {
		if text, err := ix.ReadChunk(c); err == nil && strings.Contains(text, src) {
			holding = append(holding, c)
		}
	}
	if len(holding) == 1 {
		return holding[0], true
	}
	return memory.ChunkInfo{}, false
}

// lookupName is a name a frame's function can be looked up by: not
// <module>, <lambda>, <anonymous> or a bare closure number.
var lookupName = regexp.MustCompile(`^[A-Za-z_$][\w$]*$`)

// frameName is the last element of the function a frame names ("" when it
// names none that a chunk could carry).
func frameName(lang, fn string) string {
	sym := stack.Symbol(lang, fn)
	name := lastName(sym)
	if !lookupName.MatchString(name) {
		return ""
	}
	return name
}

func lastName(sym string) string { return sym[strings.LastIndexByte(sym, '.')+1:] }

// definesName reports whether a chunk defines a function of that name
// inside it (a nested def, a closure assigned to a name): the printed line
// is then right, the chunker merely gave the outer function's symbol.
func definesName(ix *memory.Index, c memory.ChunkInfo, name string) bool {
	_, ok := definitionLine(ix, c, name)
	return ok
}

// definitionLine is the line of chunk c where a function of that name is
// defined, or false.
func definitionLine(ix *memory.Index, c memory.ChunkInfo, name string) (int, bool) {
	text, err := ix.ReadChunk(c)
	if err != nil {
		return 0, false
	}
	start, ok := definitionAt(text, c.Language, name)
	if !ok {
		return 0, false
	}
	return c.StartLine + strings.Count(text[:start], "\n"), true
}

// definitionAt is the offset in text, code of the language, where a
// function of that name is defined, or false.
func definitionAt(text, language, name string) (int, bool) {
	q := regexp.QuoteMeta(name)
	def := regexp.MustCompile(`(?m)(?:\b(?:def|func|function|fn|fun)\s+(?:\([^)]*\)\s*)?` + q + `\b|^\s*(?:async\s+|static\s+)*` + q + `\s*\([^)]*\)\s*\{|\b` + q + `\s*[:=]\s*(?:async\s+)?(?:function\b|func\b|\([^)]*\)\s*=>|lambda\b))`)
	at := def.FindStringIndex(text)
	// A typed signature (Java, Kotlin, C#, C++, TypeScript's modifiers):
	// words, then the name and its parameters, at a line's start.
	var typedMatches [][]int
	if typedSignatures[language] {
		typed := regexp.MustCompile(`(?m)^\s*((?:[\w<>\[\],.?@]+\s+)+)` + q + `\s*\(`)
		typedMatches = typed.FindAllStringSubmatchIndex(text, -1)
	}
	for _, m := range typedMatches {
		if first := strings.Fields(text[m[2]:m[3]])[0]; statementWords[first] {
			continue // return name(…), new Name(…): a use, not a definition
		}
		if at == nil || m[0] < at[0] {
			at = m[:2]
		}
		break
	}
	if at == nil {
		return 0, false
	}
	return at[0] + strings.Index(text[at[0]:at[1]], name), true
}

// typedSignatures are the languages whose definitions open with a type or
// modifiers rather than a keyword devai's other patterns know.
var typedSignatures = map[string]bool{"Java": true, "Kotlin": true, "C#": true, "C++": true, "C": true, "Scala": true,
	"TypeScript": true, "TSX": true, "JavaScript": true, "Dart": true, "Swift": true}

// statementWords open a statement that uses a name rather than defining it.
var statementWords = map[string]bool{"return": true, "new": true, "throw": true, "else": true, "yield": true, "await": true, "case": true, "goto": true, "delete": true, "typeof": true}

// trailingMatch counts the trailing elements two qualified names share.
func trailingMatch(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

// distance is how many lines a chunk is from a line (0 inside it).
func distance(c memory.ChunkInfo, line int) int {
	switch {
	case line < c.StartLine:
		return c.StartLine - line
	case line > c.EndLine:
		return line - c.EndLine
	}
	return 0
}

// movedFrames counts the checkout's frames placed by their function's
// name rather than their printed line.
func movedFrames(errs []Error) int {
	return countFrames(errs, func(f Frame) bool { return f.PrintedLine != 0 && !f.Built })
}

// builtFrames counts the frames of a build of the repository's own package
// that its function's name placed in the checkout.
func builtFrames(errs []Error) int {
	return countFrames(errs, func(f Frame) bool { return f.Built && f.InApp })
}

func countFrames(errs []Error, keep func(Frame) bool) int {
	n := 0
	for _, e := range errs {
		for _, f := range e.Frames {
			if keep(f) {
				n++
			}
		}
	}
	return n
}

// minBareName: a frame of a bundle that names a bare function, not a
// type's method, is placed only by a name this long, defined once.
const minBareName = 6

// placeBuilt places a frame of a build of the repository's own package
// (stack.Frame.Built) by its function's name: the one code chunk named by
// the frame's type and method, or named by the type and defining the
// method, or carrying a bare function name of at least minBareName
// characters. A bundle's file and
// line say nothing of the checkout's.
func placeBuilt(ix *memory.Index, lang string, f *Frame) {
	qual := strings.Split(stack.Symbol(lang, f.Func), ".")
	name := frameName(lang, f.Func)
	if name == "" {
		return
	}
	c, ok := namedElsewhere(ix, qual)
	if !ok && len(qual) >= 2 {
		c, ok = typeDefining(ix, qual[len(qual)-2], name)
	}
	if !ok && len(qual) == 1 && len(name) >= minBareName {
		found := ix.Chunks(func(c memory.ChunkInfo) bool { return c.Kind == chunk.Code && c.Symbol == name })
		if len(found) == 1 {
			c, ok = found[0], true
		}
	}
	if !ok && len(name) >= minBareName {
		// A function nested in another (a request's error handler inside
		// the adapter) is no chunk's name; "this" may be any type.
		c, ok = definedInsideOnce(ix, name)
	}
	if !ok {
		return
	}
	line := c.StartLine
	if l, ok := definitionLine(ix, c, name); ok {
		line = l // a method inside a class kept whole
	}
	f.PrintedLine, f.Path, f.Line, f.Symbol, f.InApp = f.Line, c.Path, line, c.Symbol, true
}

// definedInsideOnce is the one code chunk of the repository that defines a
// function of that name inside it. Each file is read once, and its chunks
// only when the file holds the name.
func definedInsideOnce(ix *memory.Index, name string) (memory.ChunkInfo, bool) {
	byFile := map[string][]memory.ChunkInfo{}
	var paths []string
	for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool { return c.Kind == chunk.Code }) {
		if byFile[c.Path] == nil {
			paths = append(paths, c.Path)
		}
		byFile[c.Path] = append(byFile[c.Path], c)
	}
	var found []memory.ChunkInfo
	for _, p := range paths {
		doc, err := ix.Read(chunk.URI(chunk.Code, p, 0, 0))
		if err != nil || !strings.Contains(doc.Text, name) {
			continue
		}
		for _, c := range byFile[p] {
			if definesName(ix, c, name) {
				found = append(found, c)
			}
		}
		if len(found) > 1 {
			return memory.ChunkInfo{}, false
		}
	}
	if len(found) != 1 {
		return memory.ChunkInfo{}, false
	}
	return found[0], true
}
