//go:build cgo && !notreesitter

package chunk

import (
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// jsBlock turns the statements of a program, namespace or describe
// callback into nodes; ctx is "top" or "describe", path the enclosing
// describe names. Beyond what the scanner sees it names CommonJS
// definitions: exports.foo = function…, module.exports = {…},
// app.use = function use(…), Foo.prototype.bar = function….
func (f *tsFile) jsBlock(block *sitter.Node, ctx string, path []string) []*node {
	var out []*node
	kids := f.kids(block)
	for i := range kids {
		k := &kids[i]
		start, _ := f.prefixStart(kids, i, isComment)
		if n := f.jsTest(start, k, path); n != nil {
			out = append(out, n)
			continue
		}
		if ctx == "describe" {
			continue // hooks and helpers stay in the suite's own chunk
		}
		if n := f.jsDecl(start, k, k); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// jsDecl names one statement; outer is the statement (export included),
// decl the declaration inside it.
func (f *tsFile) jsDecl(start int, outer, decl *sitter.Node) *node {
	name := func() string { return orDefault(f.text(decl.ChildByFieldName("name"))) }
	switch decl.Kind() {
	case "export_statement":
		if d := decl.ChildByFieldName("declaration"); d != nil {
			return f.jsDecl(start, outer, d)
		}
		if v := decl.ChildByFieldName("value"); v != nil {
			return f.jsValue(start, outer, decl, v, "default", "const")
		}
	case "ambient_declaration":
		for _, c := range f.kids(decl) {
			if n := f.jsDecl(start, outer, &c); n != nil {
				return n
			}
		}
	case "function_declaration", "generator_function_declaration", "function_signature":
		return f.newNode(start, outer, decl, decl.ChildByFieldName("body"), name(), "function")
	case "class_declaration", "abstract_class_declaration", "class":
		return f.jsClass(start, outer, decl, name())
	case "interface_declaration":
		return f.newNode(start, outer, decl, decl.ChildByFieldName("body"), name(), "interface")
	case "type_alias_declaration":
		return f.newNode(start, outer, decl, nil, name(), "type")
	case "enum_declaration":
		return f.newNode(start, outer, decl, decl.ChildByFieldName("body"), name(), "enum")
	case "internal_module", "module":
		body := decl.ChildByFieldName("body")
		n := f.newNode(start, outer, decl, body, name(), "namespace")
		if body != nil {
			n.children = f.jsBlock(body, "top", nil)
		}
		return n
	case "lexical_declaration", "variable_declaration":
		return f.jsVariable(start, outer, decl)
	case "expression_statement":
		if a := firstNamed(f.kids(decl)); a != nil && a.Kind() == "assignment_expression" {
			return f.jsAssignment(start, outer, decl, a)
		}
	}
	return nil
}

// jsVariable names const/let/var declarations after their first
// declarator; a function or class value makes it a function or class.
func (f *tsFile) jsVariable(start int, outer, decl *sitter.Node) *node {
	kind := "var"
	if c := decl.Child(0); c != nil {
		kind = f.text(c)
	}
	for _, d := range f.kids(decl) {
		if d.Kind() != "variable_declarator" {
			continue
		}
		name := d.ChildByFieldName("name")
		if name == nil || name.Kind() != "identifier" {
			return nil
		}
		return f.jsValue(start, outer, decl, d.ChildByFieldName("value"), f.text(name), kind)
	}
	return nil
}

// jsValue names a definition by what is assigned: a function, a class
// (with its methods), an object of functions, or a plain value of kind.
func (f *tsFile) jsValue(start int, outer, decl, value *sitter.Node, name, kind string) *node {
	if value == nil {
		return f.newNode(start, outer, decl, nil, name, kind)
	}
	value = guardedValue(value)
	switch value.Kind() {
	case "arrow_function", "function_expression", "function", "generator_function":
		if own := f.text(value.ChildByFieldName("name")); own != "" && name == "default" {
			name = own // export default function httpAdapter(…) {…} as an expression
		}
		return f.newNode(start, outer, decl, value.ChildByFieldName("body"), name, "function")
	case "class":
		return f.jsClass(start, outer, value, name)
	}
	return f.newNode(start, outer, decl, nil, name, kind)
}

// jsAssignment names CommonJS and prototype definitions; assignments of
// anything but functions, classes and module.exports objects stay gaps.
func (f *tsFile) jsAssignment(start int, outer, decl, a *sitter.Node) *node {
	left, right := a.ChildByFieldName("left"), a.ChildByFieldName("right")
	if left == nil || right == nil || left.Kind() != "member_expression" {
		return nil
	}
	for right.Kind() == "assignment_expression" && right.ChildByFieldName("right") != nil {
		right = right.ChildByFieldName("right") // res.contentType = res.type = function contentType…
	}
	obj, prop := f.text(left.ChildByFieldName("object")), f.text(left.ChildByFieldName("property"))
	own := f.text(right.ChildByFieldName("name")) // function foo() / class Foo
	switch right.Kind() {
	case "arrow_function", "function_expression", "function", "generator_function", "class":
	case "object":
		if obj == "module" && prop == "exports" {
			n := f.newNode(start, outer, decl, right, "exports", "object")
			n.container = "exports"
			n.children = f.jsObject(right)
			return n
		}
		return nil
	default:
		return nil
	}
	if obj == "module" && prop == "exports" {
		if own == "" {
			own = "exports"
		}
		return f.jsValue(start, outer, decl, right, own, "var")
	}
	n := f.jsValue(start, outer, decl, right, prop, "var")
	switch {
	case obj == "exports" || obj == "module.exports":
	case strings.HasSuffix(obj, ".prototype"):
		n.qualifier, n.kind = []string{strings.TrimSuffix(obj, ".prototype")}, "method"
	default:
		n.qualifier, n.kind = []string{obj}, "method"
	}
	return n
}

// jsClass is a class with its methods and function-valued fields as
// children.
func (f *tsFile) jsClass(start int, outer, class *sitter.Node, name string) *node {
	body := class.ChildByFieldName("body")
	n := f.newNode(start, outer, class, body, name, "class")
	kids := f.kids(body)
	for i := range kids {
		m := &kids[i]
		s, _ := f.prefixStart(kids, i, isComment)
		if c := f.jsMember(s, m); c != nil {
			n.children = append(n.children, c)
		}
	}
	return n
}

// jsMember names a method, a method signature or a field holding a
// function.
func (f *tsFile) jsMember(start int, m *sitter.Node) *node {
	switch m.Kind() {
	case "method_definition", "method_signature", "abstract_method_signature":
		return f.newNode(start, m, m, m.ChildByFieldName("body"), f.text(m.ChildByFieldName("name")), "method")
	case "public_field_definition", "field_definition":
		key := m.ChildByFieldName("name")
		if key == nil {
			key = m.ChildByFieldName("property")
		}
		v := m.ChildByFieldName("value")
		if key == nil || v == nil || (v.Kind() != "arrow_function" && v.Kind() != "function_expression" && v.Kind() != "function") {
			return nil
		}
		return f.newNode(start, m, m, v.ChildByFieldName("body"), f.text(key), "method")
	}
	return nil
}

// jsObject names the functions of an object literal (module.exports = {…}).
func (f *tsFile) jsObject(obj *sitter.Node) []*node {
	var out []*node
	kids := f.kids(obj)
	for i := range kids {
		m := &kids[i]
		start, _ := f.prefixStart(kids, i, isComment)
		switch m.Kind() {
		case "method_definition":
			out = append(out, f.newNode(start, m, m, m.ChildByFieldName("body"), f.text(m.ChildByFieldName("name")), "method"))
		case "pair":
			v := m.ChildByFieldName("value")
			if v == nil || (v.Kind() != "arrow_function" && v.Kind() != "function_expression" && v.Kind() != "function") {
				continue
			}
			key := strings.Trim(f.text(m.ChildByFieldName("key")), `'"`)
			out = append(out, f.newNode(start, m, m, v.ChildByFieldName("body"), key, "method"))
		}
	}
	return out
}

// jsTest recognises describe/it/test calls (with .only, .skip, .each(…))
// as the scanner does; a describe's callback holds its children.
func (f *tsFile) jsTest(start int, stmt *sitter.Node, path []string) *node {
	if stmt.Kind() != "expression_statement" {
		return nil
	}
	call := firstNamed(f.kids(stmt))
	if call == nil || call.Kind() != "call_expression" {
		return nil
	}
	fn := call.ChildByFieldName("function")
	for fn != nil && (fn.Kind() == "member_expression" || fn.Kind() == "call_expression") {
		if fn.Kind() == "member_expression" {
			fn = fn.ChildByFieldName("object")
		} else {
			fn = fn.ChildByFieldName("function")
		}
	}
	if fn == nil || fn.Kind() != "identifier" {
		return nil
	}
	which := f.text(fn)
	args := f.kids(call.ChildByFieldName("arguments"))
	if len(args) == 0 || (args[0].Kind() != "string" && args[0].Kind() != "template_string") {
		return nil
	}
	title := f.text(&args[0])
	if len(title) >= 2 {
		title = title[1 : len(title)-1]
	}
	n := &node{start: start, end: endLine(stmt), symbol: title}
	switch which {
	case "it", "test", "specify":
		n.kind, n.testName = "test", strings.Join(append(cloneStrings(path), title), " ")
	case "describe", "context", "suite":
		n.kind = "suite"
		cb := &args[len(args)-1]
		if body := cb.ChildByFieldName("body"); body != nil && body.Kind() == "statement_block" {
			n.children = f.jsBlock(body, "describe", append(cloneStrings(path), title))
		}
	default:
		return nil
	}
	return n
}

func firstNamed(kids []sitter.Node) *sitter.Node {
	if len(kids) == 0 {
		return nil
	}
	return &kids[0]
}

// guardedValue is the function or class a value holds behind a guard or
// parentheses — `supported && function adapter(…) {…}`, `(function …)` —
// or the value itself.
func guardedValue(value *sitter.Node) *sitter.Node {
	for {
		switch value.Kind() {
		case "parenthesized_expression":
			inner := value.NamedChild(0)
			if inner == nil {
				return value
			}
			value = inner
		case "binary_expression":
			op := value.ChildByFieldName("operator")
			right := value.ChildByFieldName("right")
			if op == nil || right == nil || (op.Kind() != "&&" && op.Kind() != "||" && op.Kind() != "??") {
				return value
			}
			value = right
		default:
			return value
		}
	}
}
