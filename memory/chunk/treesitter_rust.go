//go:build cgo && !notreesitter

package chunk

import (
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// rustTypeKinds maps Rust's items to the scanner's kinds.
var rustTypeKinds = map[string]string{
	"struct_item": "struct",
	"enum_item":   "enum",
	"union_item":  "union",
	"type_item":   "type",
	"trait_item":  "trait",
	"const_item":  "const",
	"static_item": "static",
}

func isRustPrefix(kind string) bool { return isComment(kind) || kind == "attribute_item" }

// rustItems turns the items of a file, a module, an impl or a trait into
// nodes; mods is the module path, owner the type of an impl or trait.
func (f *tsFile) rustItems(list *sitter.Node, mods []string, owner string) []*node {
	var out []*node
	kids := f.kids(list)
	for i := range kids {
		k := &kids[i]
		start, prefix := f.prefixStart(kids, i, isRustPrefix)
		body := k.ChildByFieldName("body")
		switch kind := k.Kind(); {
		case kind == "function_item" || kind == "function_signature_item":
			name := f.text(k.ChildByFieldName("name"))
			n := f.newNode(start, k, k, body, name, "function")
			if owner != "" {
				n.kind = "method"
			}
			if rsTest.MatchString(prefix) {
				n.testName = strings.Join(append(cloneStrings(mods), name), "::")
			}
			out = append(out, n)
		case kind == "impl_item":
			out = append(out, f.rustImpl(start, k, mods))
		case rustTypeKinds[kind] != "":
			name := f.text(k.ChildByFieldName("name"))
			n := f.newNode(start, k, k, body, name, rustTypeKinds[kind])
			if kind == "trait_item" && body != nil {
				n.children = f.rustItems(body, mods, name)
			}
			out = append(out, n)
		case kind == "mod_item" && body != nil:
			name := f.text(k.ChildByFieldName("name"))
			n := f.newNode(start, k, k, body, name, "mod")
			n.children = f.rustItems(body, append(cloneStrings(mods), name), "")
			if rsCfgTest.MatchString(prefix) {
				n.markTestOnly()
			}
			out = append(out, n)
		case kind == "macro_definition":
			out = append(out, f.newNode(start, k, k, nil, f.text(k.ChildByFieldName("name")), "macro"))
		case kind == "macro_invocation":
			if name, itemKind, ok := rustMacroItem(f.text(k)); ok {
				out = append(out, f.newNode(start, k, k, nil, name, itemKind))
			}
		}
	}
	return out
}

// rustImpl names an impl block "impl Type" or "impl Trait for Type"; its
// methods carry the bare type in Parents.
func (f *tsFile) rustImpl(start int, k *sitter.Node, mods []string) *node {
	typ := rustTypeName(f, k.ChildByFieldName("type"))
	body := k.ChildByFieldName("body")
	n := f.newNode(start, k, k, body, "impl "+typ, "impl")
	if tr := k.ChildByFieldName("trait"); tr != nil {
		n.symbol = "impl " + f.text(tr) + " for " + typ
	}
	n.container = typ
	if body != nil {
		n.children = f.rustItems(body, mods, typ)
	}
	return n
}

// rustTypeName is a type's last path segment without generics or
// references: Foo for &'a mut crate::x::Foo<T>, Sleep for dyn Sleep.
func rustTypeName(f *tsFile, t *sitter.Node) string {
	for t != nil {
		switch t.Kind() {
		case "generic_type", "reference_type", "pointer_type":
			t = t.ChildByFieldName("type")
		case "dynamic_type", "abstract_type":
			t = t.ChildByFieldName("trait")
		case "scoped_type_identifier":
			t = t.ChildByFieldName("name")
		default:
			return f.text(t)
		}
	}
	return ""
}
