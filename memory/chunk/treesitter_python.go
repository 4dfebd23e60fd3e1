//go:build cgo && !notreesitter

package chunk

import (
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// pyBlock finds the functions and classes of a module or a block; classes
// names the enclosing classes. Definitions under if/try/with (TYPE_CHECKING
// imports, version switches) are found too, where the scanner only sees
// those at the block's own indentation.
func (f *tsFile) pyBlock(block *sitter.Node, classes []string) []*node {
	var out []*node
	kids := f.kids(block)
	for i := range kids {
		k := &kids[i]
		def := k
		if k.Kind() == "decorated_definition" {
			def = k.ChildByFieldName("definition")
		}
		start, _ := f.prefixStart(kids, i, isComment)
		switch def.Kind() {
		case "function_definition":
			out = append(out, f.pyFunction(start, k, def, classes))
		case "class_definition":
			out = append(out, f.pyClass(start, k, def, classes))
		case "if_statement", "try_statement", "with_statement":
			for _, c := range f.kids(k) {
				switch {
				case c.Kind() == "block":
					out = append(out, f.pyBlock(&c, classes)...)
				case strings.HasSuffix(c.Kind(), "_clause"):
					out = append(out, f.pyClause(&c, classes)...)
				}
			}
		}
	}
	return out
}

// pyClause looks into the blocks of an elif, else, except or finally.
func (f *tsFile) pyClause(clause *sitter.Node, classes []string) []*node {
	var out []*node
	for _, c := range f.kids(clause) {
		if c.Kind() == "block" {
			out = append(out, f.pyBlock(&c, classes)...)
		}
	}
	return out
}

func (f *tsFile) pyFunction(start int, outer, def *sitter.Node, classes []string) *node {
	name := f.text(def.ChildByFieldName("name"))
	n := f.newNode(start, outer, def, pyColon(def), name, "function")
	if len(classes) > 0 {
		n.kind = "method"
	}
	if isPyTest(name, classes) {
		n.testName = strings.Join(append(cloneStrings(classes), name), ".")
	}
	return n
}

// pyClass follows the scanner's test naming: a unittest.TestCase subclass
// not named Test… still holds tests.
func (f *tsFile) pyClass(start int, outer, def *sitter.Node, classes []string) *node {
	name := f.text(def.ChildByFieldName("name"))
	body := def.ChildByFieldName("body")
	n := f.newNode(start, outer, def, pyColon(def), name, "class")
	inner := append(cloneStrings(classes), name)
	supers := f.text(def.ChildByFieldName("superclasses"))
	if strings.Contains(supers, "TestCase") && !strings.HasPrefix(name, "Test") {
		inner[len(inner)-1] = "Test" + name
		n.children = f.pyBlock(body, inner)
		renameTests(n.children, "Test"+name, name)
		return n
	}
	n.children = f.pyBlock(body, inner)
	return n
}

// pyColon is the colon that ends a def or class header: the signature
// stops there, before any comment between it and the body.
func pyColon(def *sitter.Node) *sitter.Node {
	var colon *sitter.Node
	for i := uint(0); i < def.ChildCount(); i++ {
		c := def.Child(i)
		if c.Kind() == ":" {
			colon = c
		}
	}
	return colon
}
