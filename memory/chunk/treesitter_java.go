//go:build cgo && !notreesitter

package chunk

import (
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// javaTypeKinds maps Java's type declarations to the scanner's kinds.
var javaTypeKinds = map[string]string{
	"class_declaration":           "class",
	"interface_declaration":       "interface",
	"enum_declaration":            "enum",
	"record_declaration":          "record",
	"annotation_type_declaration": "annotation",
}

// javaBody turns the declarations of a file or a type body into nodes;
// classes names the enclosing types, outermost first. @Test methods are
// tests whether the annotation stands on its own line or not.
func (f *tsFile) javaBody(body *sitter.Node, classes []string) []*node {
	var out []*node
	kids := f.kids(body)
	for i := range kids {
		k := &kids[i]
		start, prefix := f.prefixStart(kids, i, isComment)
		switch kind := k.Kind(); {
		case javaTypeKinds[kind] != "":
			name := f.text(k.ChildByFieldName("name"))
			b := k.ChildByFieldName("body")
			n := f.newNode(start, k, k, b, name, javaTypeKinds[kind])
			n.children = f.javaBody(b, append(cloneStrings(classes), name))
			out = append(out, n)
		case kind == "enum_body_declarations":
			out = append(out, f.javaBody(k, classes)...)
		case len(classes) > 0 && (kind == "method_declaration" || kind == "constructor_declaration" || kind == "compact_constructor_declaration"):
			name := f.text(k.ChildByFieldName("name"))
			n := f.newNode(start, k, k, k.ChildByFieldName("body"), name, "method")
			mods := ""
			if m := firstNamed(f.kids(k)); m != nil && m.Kind() == "modifiers" {
				mods = f.text(m)
			}
			if javaTest.MatchString(prefix+"\n"+mods) || isJUnit3Test(name, classes) {
				n.testName = strings.Join(append(cloneStrings(classes), name), ".")
			}
			out = append(out, n)
		}
	}
	return out
}
