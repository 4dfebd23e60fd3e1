package graph

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// fileMagic starts every saved graph; the number after it is the format
// version, bumped whenever savedGraph changes incompatibly. A reader that
// meets another version refuses it and the index rebuilds the graph.
const (
	fileMagic   = "devai-graph"
	fileVersion = 1
)

// ErrFormat is wrapped by Load when the input is not a graph this version
// can read (wrong header, other version, corrupt or truncated body). The
// remedy is always the same: rebuild the graph from the index's chunks.
var ErrFormat = errors.New("not a readable devai symbol graph")

// savedGraph is the persisted form: definitions with their raw references
// (edges are derived, never stored) and the Go files' imports, both sorted
// so that equal graphs save to equal bytes.
type savedGraph struct {
	Nodes   []savedNode
	Imports []savedImports
}

type savedNode struct {
	Node
	Pkg  string
	Lang string
	Refs []string
}

type savedImports struct {
	Path    string
	Imports []string
}

// Save writes the graph to w: a one-line header, then gob.
func (g *Graph) Save(w io.Writer) error {
	g.mu.RLock()
	var sg savedGraph
	for _, es := range g.byPath {
		for _, e := range es {
			sg.Nodes = append(sg.Nodes, savedNode{Node: e.Node, Pkg: e.pkg, Lang: e.lang, Refs: e.refs})
		}
	}
	for p, imps := range g.imports {
		sg.Imports = append(sg.Imports, savedImports{Path: p, Imports: imps})
	}
	g.mu.RUnlock()

	sort.SliceStable(sg.Nodes, func(i, j int) bool {
		a, b := sg.Nodes[i], sg.Nodes[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.ID < b.ID
	})
	sort.Slice(sg.Imports, func(i, j int) bool { return sg.Imports[i].Path < sg.Imports[j].Path })

	bw := bufio.NewWriter(w)
	if _, err := fmt.Fprintf(bw, "%s %d\n", fileMagic, fileVersion); err != nil {
		return fmt.Errorf("save symbol graph: %w", err)
	}
	if err := gob.NewEncoder(bw).Encode(&sg); err != nil {
		return fmt.Errorf("save symbol graph: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("save symbol graph: %w", err)
	}
	return nil
}

// Load reads a graph written by Save. Input that is not one (another file,
// another version, a corrupt or truncated body) yields an error wrapping
// ErrFormat and no graph.
func Load(r io.Reader) (*Graph, error) {
	br := bufio.NewReader(r)
	line, err := br.ReadSlice('\n') // bounded by the buffer: a binary file cannot make it read everything
	switch {
	case err == nil:
	case len(line) == 0 && errors.Is(err, io.EOF):
		return nil, fmt.Errorf("load symbol graph: empty input: %w", ErrFormat)
	case errors.Is(err, io.EOF) || errors.Is(err, bufio.ErrBufferFull):
		return nil, fmt.Errorf("load symbol graph: no header line: %w", ErrFormat)
	default:
		return nil, fmt.Errorf("load symbol graph: read header: %w", err)
	}
	header := string(line)
	var version int
	if n, _ := fmt.Sscanf(strings.TrimSpace(header), fileMagic+" %d", &version); n != 1 {
		return nil, fmt.Errorf("load symbol graph: header %.40q is not %q: %w", header, fileMagic, ErrFormat)
	}
	if version != fileVersion {
		return nil, fmt.Errorf("load symbol graph: format version %d, this build reads %d: %w", version, fileVersion, ErrFormat)
	}
	var sg savedGraph
	if err := gob.NewDecoder(br).Decode(&sg); err != nil {
		return nil, fmt.Errorf("load symbol graph: corrupt body (%v): %w", err, ErrFormat)
	}
	g := newGraph()
	for i, n := range sg.Nodes {
		if n.ID == "" || n.Name == "" || n.Path == "" {
			return nil, fmt.Errorf("load symbol graph: node %d has no ID, name or path: %w", i, ErrFormat)
		}
		g.add(&entry{Node: n.Node, dir: path.Dir(n.Path), pkg: n.Pkg, lang: n.Lang, refs: n.Refs})
	}
	for _, imp := range sg.Imports {
		g.addImports(imp.Path, imp.Imports)
	}
	return g, nil
}
