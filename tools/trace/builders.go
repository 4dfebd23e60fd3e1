package trace

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/graph"
)

// The value that failed was often built elsewhere: a nil field that a
// constructor left unset, a URL or an index computed by a helper before
// the call that failed with it. The frame where the error surfaced only
// uses the value; the fix goes where it was made. Two leads follow it:
//
//   - In a caller frame, the call it makes passes values down; the in-repo
//     function whose result it assigned to one of them, earlier in the same
//     function, built that value. It ranks with the frame the value was
//     passed to, above the frames that merely pass it further, but never
//     with the frame where the error surfaced (at most as frame #2); a
//     receiver counts half, an argument fully.
//   - For a nil value, a missing key or attribute, or a bad index in the
//     top frame, the fields its failing line reads are set somewhere: the
//     trace's frames that call a function writing such a field (or write
//     it themselves) built the value (weightFieldWriter).
const (
	weightBuilt       = 1.0
	weightReceiver    = 0.5
	weightFieldWriter = 0.6
	maxBuilderFrames  = 4 // caller frames followed, from the top
)

var nilCues = []string{"nil pointer", "nil map", "NoneType", "AttributeError", "KeyError", "index out of range", "IndexError",
	"NullPointerException", "undefined", "of null", "unwrap()` on a `None`"}

var (
	assignment = regexp.MustCompile(`^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?::=|=)([^=].*)$`)
	calledName = regexp.MustCompile(`([A-Za-z_]\w*)\s*\(`)
	identifier = regexp.MustCompile(`[A-Za-z_]\w*`)
	fieldRead  = regexp.MustCompile(`\b[A-Za-z_]\w*\.([A-Za-z_]\w*)\b`)
)

// builders adds both leads for each root error.
func builders(ix *memory.Index, errs []Error, cands []Suspect) []Suspect {
	byKey := map[string]int{}
	for i, c := range cands {
		byKey[c.Path+" "+c.Symbol] = i
	}
	g := ix.Graph()
	add := func(n graph.Node, line int, w float64, why string) {
		key := n.Path + " " + n.ID
		if i, ok := byKey[key]; ok {
			// Already a suspect (a frame of the trace): the lead lifts it
			// to the lead's weight, it does not add to a near frame's.
			if lift := w - cands[i].Score; lift > 0 {
				cands[i].Score += lift
				cands[i].Why = append(cands[i].Why, fmt.Sprintf("%s %+.2f", why, lift))
			}
			return
		}
		s := Suspect{Path: n.Path, Line: line, Symbol: n.ID, SymbolKind: n.Kind, Score: w, lastErr: -1,
			URI: chunk.URI(chunk.Code, n.Path, n.StartLine, n.EndLine), Why: []string{fmt.Sprintf("%s %+.2f", why, w)}}
		if c, ok := ix.ChunkAt(n.Path, line); ok {
			s.URI, s.Requires = c.URI, c.Requirements
		}
		byKey[key] = len(cands)
		cands = append(cands, s)
	}
	for _, e := range errs {
		if !e.RootCause || e.Type == "goroutine" {
			continue
		}
		frames := codeFrames(ix, e)
		if len(frames) == 0 {
			continue
		}
		inTrace := map[string]bool{}
		for _, f := range e.Frames {
			inTrace[f.Symbol] = true
		}
		for k := 1; k < len(frames) && k <= maxBuilderFrames; k++ {
			f := frames[k]
			callee := frames[k-1].Symbol[strings.LastIndexByte(frames[k-1].Symbol, '.')+1:]
			for _, b := range builtArguments(ix, g, f, callee) {
				if inTrace[b.node.ID] || b.node.Test {
					continue
				}
				w := weightBuilt * positionWeight(max(k-1, 1))
				if !b.argument {
					w *= weightReceiver
				}
				add(b.node, b.node.StartLine, w, fmt.Sprintf("built %s (line %d), which %s passes down at %s:%d", b.variable, b.line, f.Symbol, f.Path, f.Line))
			}
		}
		if !hasCue(e, nilCues) {
			continue
		}
		fields := fieldsRead(ix, frames[0])
		if len(fields) == 0 {
			continue
		}
		writers := fieldWriters(ix, frames[0].Path, fields)
		for k := 1; k < len(frames) && k <= maxBuilderFrames+2; k++ {
			f := frames[k]
			if f.Symbol == "" {
				continue
			}
			for _, callee := range append(g.Callees(f.Symbol), graph.Node{ID: f.Symbol}) {
				field, ok := writers[callee.ID]
				if !ok {
					continue
				}
				n := graph.Node{ID: f.Symbol, Path: f.Path, StartLine: f.Line, EndLine: f.Line}
				add(n, f.Line, weightFieldWriter, fmt.Sprintf("sets %s (through %s), which the failing line at %s:%d reads", field, callee.ID, frames[0].Path, frames[0].Line))
				break
			}
		}
	}
	return cands
}

func hasCue(e Error, cues []string) bool {
	for _, cue := range cues {
		if strings.Contains(e.Type+" "+e.Message, cue) {
			return true
		}
	}
	return false
}

// codeFrames are an error's in-repo frames outside tests, top first.
func codeFrames(ix *memory.Index, e Error) []Frame {
	var out []Frame
	for _, f := range e.Frames {
		if f.InApp && !f.CreatedBy && f.Symbol != "" && !isTestFrame(ix, f) {
			out = append(out, f)
		}
	}
	return out
}

type built struct {
	node     graph.Node
	variable string
	line     int
	argument bool // passed as an argument, not the receiver
}

// builtArguments finds, in the frame's function before its line, the
// in-repo calls whose results were assigned to a name its line uses.
// callee is the function the frame calls (the frame above it): when the
// trace comes from another version of the file and the frame's line does
// not call it, the nearest line that does is taken.
func builtArguments(ix *memory.Index, g *graph.Graph, f Frame, callee string) []built {
	c, ok := ix.ChunkAt(f.Path, f.Line)
	if !ok {
		return nil
	}
	text, err := ix.ReadChunk(c)
	if err != nil {
		return nil
	}
	lines := strings.Split(text, "\n")
	at := f.Line - c.StartLine
	if at <= 0 || at >= len(lines) {
		return nil
	}
	at = callLine(lines, at, callee)
	used := map[string]bool{}
	rhs := lines[at]
	if m := assignment.FindStringSubmatch(rhs); m != nil {
		rhs = m[2]
	}
	// Names inside the call's parentheses are the arguments passed down;
	// the others (the receiver) count half.
	args := rhs
	if i := strings.Index(rhs, callee+"("); callee != "" && i >= 0 {
		args = rhs[i+len(callee):]
	}
	for _, id := range identifier.FindAllString(rhs, -1) {
		used[id] = false
	}
	for _, id := range identifier.FindAllString(args, -1) {
		used[id] = true
	}
	for _, m := range calledName.FindAllStringSubmatch(rhs, -1) {
		delete(used, m[1])
	}
	callees := map[string][]graph.Node{}
	for _, n := range g.Callees(f.Symbol) {
		callees[n.Name] = append(callees[n.Name], n)
	}
	var out []built
	for i := at - 1; i >= 0 && len(used) > 0; i-- {
		m := assignment.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		var hit []string
		arg := false
		for _, v := range strings.Split(m[1], ",") {
			isArg, ok := used[strings.TrimSpace(v)]
			if v = strings.TrimSpace(v); ok && v != "err" && v != "_" {
				hit = append(hit, v)
				arg = arg || isArg
				delete(used, v) // the nearest assignment wins
			}
		}
		if len(hit) == 0 {
			continue
		}
		for _, at := range calledName.FindAllStringSubmatchIndex(m[2], -1) {
			name := m[2][at[2]:at[3]]
			if _, local := definitionAt(text, c.Language, name); local {
				continue // a function defined here, not the graph's namesake elsewhere
			}
			recv := receiverBefore(m[2], at[2])
			for _, n := range callees[name] {
				if c.Language != "Go" && !receiverFits(recv, n) {
					continue // transport.request( is not Axios.request
				}
				out = append(out, built{node: n, variable: strings.Join(hit, ", "), line: c.StartLine + i, argument: arg})
			}
		}
	}
	return out
}

// receiverBefore is the name before the dot of a member call whose name
// starts at i ("transport" in "transport.request("), "" for a bare call.
func receiverBefore(s string, i int) string {
	if i == 0 || s[i-1] != '.' {
		return ""
	}
	j := i - 1
	for j > 0 && (s[j-1] == '_' || s[j-1] >= '0' && s[j-1] <= '9' || s[j-1] >= 'a' && s[j-1] <= 'z' || s[j-1] >= 'A' && s[j-1] <= 'Z') {
		j--
	}
	return s[j : i-1]
}

// receiverFits: outside Go, whose graph knows which package a method is
// reached from, the graph resolves a member call by its name alone. A
// method is taken for it only when the receiver is the object itself or
// is named after the method's type (self.session.request( for
// Session.request).
func receiverFits(recv string, n graph.Node) bool {
	if recv == "" || recv == "this" || recv == "self" || recv == "cls" || n.Kind != "method" {
		return true
	}
	typ := n.ID[:max(strings.LastIndexByte(n.ID, '.'), 0)]
	typ = typ[strings.LastIndexByte(typ, '.')+1:]
	return typ == "" || strings.EqualFold(recv, typ) || strings.HasSuffix(strings.ToLower(typ), strings.ToLower(recv))
}

// lineDrift is how far from a frame's line its call is looked for.
const lineDrift = 5

// callLine is the line at or nearest to at (within lineDrift) that calls
// the callee; at when none does.
func callLine(lines []string, at int, callee string) int {
	if callee == "" {
		return at
	}
	calls := regexp.MustCompile(`\b` + regexp.QuoteMeta(callee) + `\s*\(`)
	for d := 0; d <= lineDrift; d++ {
		for _, i := range []int{at - d, at + d} {
			if i > 0 && i < len(lines) && calls.MatchString(lines[i]) {
				return i
			}
		}
	}
	return at
}

// fieldsRead lists the fields and attributes the frame's line reads.
func fieldsRead(ix *memory.Index, f Frame) []string {
	line := sourceLine(ix, f.Path, f.Line, f.Line)
	var out []string
	for _, m := range fieldRead.FindAllStringSubmatch(line, -1) {
		if len(m[1]) > 1 {
			out = append(out, m[1])
		}
	}
	return out
}

// fieldWriters maps the definitions in the frame's package (its
// directory) that assign one of the fields to the field: `x.f = …`, or
// `f: …` in a Go composite literal.
func fieldWriters(ix *memory.Index, path string, fields []string) map[string]string {
	dir := path[:strings.LastIndexByte(path, '/')+1]
	var res []*regexp.Regexp
	for _, f := range fields {
		q := regexp.QuoteMeta(f)
		res = append(res, regexp.MustCompile(`\.`+q+`\s*=[^=]|[{,]\s*`+q+`:\s|^\s*`+q+`:\s`))
	}
	out := map[string]string{}
	for _, c := range ix.Chunks(func(c memory.ChunkInfo) bool {
		return c.Kind == chunk.Code && c.Symbol != "" && strings.HasPrefix(c.Path, dir) && !strings.Contains(c.Path[len(dir):], "/")
	}) {
		text, err := ix.ReadChunk(c)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(text, "\n") {
			for i, re := range res {
				if re.MatchString(l) {
					out[c.Symbol] = fields[i]
				}
			}
			if _, ok := out[c.Symbol]; ok {
				break
			}
		}
	}
	return out
}
