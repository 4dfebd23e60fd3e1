//go:build cgo && !notreesitter

package chunk

import (
	"path"
	"strings"
	"time"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsjava "github.com/tree-sitter/tree-sitter-java/bindings/go"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsrust "github.com/tree-sitter/tree-sitter-rust/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// treeSitterMaxBytes bounds the files given to tree-sitter: bigger ones
// (bundles, minified or generated code) go to the scanner, whose memory
// does not grow with the syntax tree.
const treeSitterMaxBytes = 2 << 20

// splitStructured cuts Python, JavaScript/TypeScript, Java and Rust with
// tree-sitter, and falls back to the hand-written scanner for a file the
// grammar does not parse cleanly (and for Kotlin, which has no grammar
// here). It names more definitions than the scanners (issue 17: Java 98%
// against 81% of sampled lines, JavaScript 99% against 91%); builds with
// -tags notreesitter or without cgo keep the scanners alone.
func splitStructured(p, lang string, content []byte) []Chunk {
	if cs, ok := splitTreeSitter(p, lang, content); ok {
		return cs
	}
	return splitScanner(p, lang, content)
}

// tsFile is one parsed file on its way to nodes.
type tsFile struct {
	s      *source
	src    []byte
	cursor *sitter.TreeCursor
	// sigEnd is what a signature loses at its end: ":" for Python, "{"
	// for the brace languages.
	sigEnd string
}

// tsGrammar picks the grammar and the node builder for a file; a nil
// grammar means tree-sitter does not handle it (Kotlin, for one).
func tsGrammar(p, lang string) (unsafe.Pointer, func(*tsFile, *sitter.Node) []*node) {
	ext := path.Ext(p)
	switch lang {
	case "Python":
		return tspython.Language(), func(f *tsFile, root *sitter.Node) []*node { return f.pyBlock(root, nil) }
	case "TypeScript", "TSX", "JavaScript", "JSX":
		js := func(f *tsFile, root *sitter.Node) []*node { return f.jsBlock(root, "top", nil) }
		switch {
		case ext == ".tsx" || lang == "TSX":
			return tsts.LanguageTSX(), js
		case ext == ".ts" || ext == ".mts" || ext == ".cts":
			return tsts.LanguageTypescript(), js
		}
		return tsjs.Language(), js
	case "Java":
		if ext == ".java" {
			return tsjava.Language(), func(f *tsFile, root *sitter.Node) []*node { return f.javaBody(root, nil) }
		}
	case "Rust":
		return tsrust.Language(), func(f *tsFile, root *sitter.Node) []*node { return f.rustItems(root, nil, "") }
	}
	return nil, nil
}

// splitTreeSitter returns false when tree-sitter does not handle the file
// or its parse has errors, so that the caller falls back to the scanner.
func splitTreeSitter(p, lang string, content []byte) ([]Chunk, bool) {
	grammar, build := tsGrammar(p, lang)
	if grammar == nil || len(content) > treeSitterMaxBytes {
		return nil, false
	}
	parser := sitter.NewParser()
	defer parser.Close()
	if err := parser.SetLanguage(sitter.NewLanguage(grammar)); err != nil {
		return nil, false
	}
	deadline := time.Now().Add(parseBudget(len(content)))
	stop := &sitter.ParseOptions{ProgressCallback: func(sitter.ParseState) bool { return time.Now().After(deadline) }}
	tree := parser.ParseWithOptions(readChunks(content), nil, stop)
	if tree == nil {
		return nil, false
	}
	defer tree.Close()
	root := tree.RootNode()
	if root.HasError() {
		return nil, false
	}
	cursor := tree.Walk()
	defer cursor.Close()
	f := &tsFile{s: newSource(content), src: content, cursor: cursor, sigEnd: "{"}
	if lang == "Python" {
		f.sigEnd = ":"
	}
	return f.s.finishCode(dropOverlaps(build(f, root))), true
}

// readChunk is how much of the file the parser gets per read. The
// binding copies what a read returns into C memory and keeps it until the
// parse ends; Parser.Parse hands over the whole rest of the file on every
// read, and error recovery reads again at earlier offsets, which made a
// 200 KB log taken for Rust cost seconds and hundreds of megabytes.
const readChunk = 8 << 10

// readChunks serves content to the parser readChunk bytes at a time.
func readChunks(content []byte) func(int, sitter.Point) []byte {
	return func(i int, _ sitter.Point) []byte {
		if i >= len(content) {
			return nil
		}
		return content[i:min(i+readChunk, len(content))]
	}
}

// parseBudget bounds the time tree-sitter may spend on a file: 100 ms and
// 2.5 ms per KB (0.4 MB/s), where whole splits of real code ran at 3 MB/s
// on an idle 2-core machine and 1.1 MB/s at load 12 (BenchmarkSplitCorpus). Error recovery on what is not code
// of the language grows quadratically (a 200 KB log taken for Rust: 20 s),
// and no count of parser operations tracks it, so the budget is time: past
// it the parse is cancelled and the scanner takes the file, as it takes a
// file with a syntax error.
func parseBudget(size int) time.Duration {
	return 100*time.Millisecond + time.Duration(size)*2500*time.Microsecond/1024
}

// dropOverlaps keeps sibling nodes on lines of their own: two definitions
// sharing a line (`}; function b() {`) would give overlapping chunks, so
// the later one stays inside the earlier one's chunk.
func dropOverlaps(nodes []*node) []*node {
	var out []*node
	for _, n := range nodes {
		if len(out) > 0 && n.start <= out[len(out)-1].end {
			continue
		}
		n.children = dropOverlaps(n.children)
		out = append(out, n)
	}
	return out
}

func (f *tsFile) kids(n *sitter.Node) []sitter.Node {
	if n == nil {
		return nil
	}
	return n.NamedChildren(f.cursor)
}

func (f *tsFile) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	return n.Utf8Text(f.src)
}

func startLine(n *sitter.Node) int { return int(n.StartPosition().Row) + 1 }

// endLine is the last line a node occupies; a node that ends at a line's
// first column (a newline token) ends on the line before.
func endLine(n *sitter.Node) int {
	e := n.EndPosition()
	if e.Column == 0 && e.Row > n.StartPosition().Row {
		return int(e.Row)
	}
	return int(e.Row) + 1
}

// prefixStart is the first line of the comments, doc comments and
// attributes right above kids[i] (no blank line between, none trailing the
// statement before), and their text (which may share the item's line:
// #[test] fn t() {}). A /** doc comment */ stays attached
// across one blank line: express and much CommonJS code write them so.
func (f *tsFile) prefixStart(kids []sitter.Node, i int, isPrefix func(kind string) bool) (int, string) {
	start, first := startLine(&kids[i]), i
	for j := i - 1; j >= 0 && isPrefix(kids[j].Kind()); j-- {
		if gap := start - endLine(&kids[j]) - 1; gap > 1 || (gap == 1 && !strings.HasPrefix(f.text(&kids[j]), "/**")) {
			break // a blank line between, save one below a doc comment (/** … */ then a blank, express style)
		}
		if j > 0 && endLine(&kids[j-1]) >= startLine(&kids[j]) {
			break
		}
		start, first = startLine(&kids[j]), j
	}
	return start, string(f.src[kids[first].StartByte():kids[i].StartByte()])
}

// newNode builds a node over lines start..(end of n) with the signature of
// decl up to body; an export or declare around decl stays in the signature.
func (f *tsFile) newNode(start int, n, decl, body *sitter.Node, symbol, kind string) *node {
	if k := n.Kind(); k == "export_statement" || k == "ambient_declaration" {
		decl = n
	}
	return &node{start: start, end: endLine(n), symbol: symbol, kind: kind, signature: f.signature(decl, body)}
}

// signature is a declaration's text up to its body, on one line, without
// the annotations, decorators or attributes that open it.
func (f *tsFile) signature(decl, body *sitter.Node) string {
	end := decl.EndByte()
	if body != nil && body.StartByte() > decl.StartByte() {
		end = body.StartByte()
	}
	var parts []string
	for _, l := range strings.Split(strings.ToValidUTF8(string(f.src[decl.StartByte():end]), "\uFFFD"), "\n") {
		t := strings.TrimSpace(l)
		if len(parts) == 0 && (t == "" || annotationOnly(t) || rustAttrOnly(t)) {
			continue
		}
		parts = append(parts, t)
		if body == nil || len(parts) == 8 {
			break
		}
	}
	sig := strings.Join(parts, " ")
	if body == nil {
		if i := strings.Index(sig, "{"); i > 0 {
			sig = sig[:i]
		}
	}
	sig = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(sig), f.sigEnd))
	return truncate(sig, 300)
}

func isComment(kind string) bool {
	return kind == "comment" || kind == "line_comment" || kind == "block_comment"
}
