package chunk

import (
	"regexp"
	"strings"
)

var (
	rustLang = braceLang{rust: true, isPrefix: rustAttrOnly}

	rsVis   = `(?:pub(?:\s*\([^)]*\))?\s+)?`
	rsFn    = regexp.MustCompile(`^` + rsVis + `(?:(?:const|async|unsafe|default|extern\s+"[^"]*"|extern)\s+)*fn\s+(\w+)`)
	rsType  = regexp.MustCompile(`^` + rsVis + `(?:unsafe\s+)?(struct|enum|trait|union|type)\s+(\w+)`)
	rsImpl  = regexp.MustCompile(`^(?:unsafe\s+)?impl\b\s*(?:<.*?>\s+)?(?:(!?[\w:<>, ]+?)\s+for\s+)?(?:&(?:'\w+\s+)?(?:mut\s+)?)?([\w:]+)`)
	rsMod   = regexp.MustCompile(`^` + rsVis + `mod\s+(\w+)\s*\{`)
	rsMacro = regexp.MustCompile(`^(?:#\[macro_export\]\s*)?macro_rules!\s*(\w+)`)
	rsConst = regexp.MustCompile(`^` + rsVis + `(const|static)\s+(?:mut\s+)?(\w+)`)
	// rsInvocation opens an item-level macro call: define_rejection! {,
	// bitflags! {, lazy_static! {.
	rsInvocation = regexp.MustCompile(`^[\w:]+!\s*[{(\[]`)
	// rsMacroItem is the first item a macro call's body declares.
	rsMacroItem = regexp.MustCompile(`(?m)^\s*` + rsVis + `(?:(?:const|async|unsafe)\s+)*(struct|enum|trait|union|type|fn|const|static)\s+(?:ref\s+|mut\s+)?([A-Za-z_]\w*)`)
	rsTest      = regexp.MustCompile(`(?m)^\s*#\[(?:[\w:]+::)?(test|rstest|test_case|quickcheck)\b`)
	// rsCfgTest: an item compiled only for tests, #[cfg(test)] or
	// #[cfg(all(test, …))].
	rsCfgTest = regexp.MustCompile(`(?m)^\s*#\[cfg\((?:all\(\s*)?test\b`)
)

// splitRust cuts Rust into functions, structs, enums, traits, impl blocks
// (methods as their own chunks when the block is big, with the type in
// Parents) and inline modules; doc comments and attributes stay attached,
// and #[test] functions are named by module path in TestNames.
func splitRust(p string, content []byte) []Chunk {
	s := newSource(content)
	info := scanBraces(s, rustLang)
	return s.finishCode(rustNodes(s, info, 1, s.n(), 0, nil, ""))
}

// rustNodes turns the items of a file, a module, an impl or a trait into
// nodes; mods is the module path, owner the type of an impl or trait.
func rustNodes(s *source, info []lineInfo, lo, hi, base int, mods []string, owner string) []*node {
	var out []*node
	for _, it := range cItems(s, info, rustLang, lo, hi, base) {
		t := strings.TrimSpace(s.line(it.decl))
		n := &node{start: it.start, end: it.end, signature: signatureOf(s, it.decl, it.end, info, base)}
		switch {
		case rsFn.MatchString(t):
			n.symbol, n.kind = rsFn.FindStringSubmatch(t)[1], "function"
			if owner != "" {
				n.kind = "method"
			}
			if rsTest.MatchString(it.prefix) {
				n.testName = strings.Join(append(cloneStrings(mods), n.symbol), "::")
			}
		case rsImpl.MatchString(t):
			m := rsImpl.FindStringSubmatch(t)
			typ := m[2]
			if i := strings.LastIndex(typ, "::"); i >= 0 {
				typ = typ[i+2:]
			}
			n.symbol, n.kind, n.container = "impl "+typ, "impl", typ
			if m[1] != "" {
				n.symbol = "impl " + strings.TrimSpace(m[1]) + " for " + typ
			}
			if lo2, hi2, d, ok := interior(info, it, base); ok {
				n.children = rustNodes(s, info, lo2, hi2, d, mods, typ)
			}
		case rsType.MatchString(t):
			m := rsType.FindStringSubmatch(t)
			n.symbol, n.kind = m[2], m[1]
			if m[1] == "trait" {
				if lo2, hi2, d, ok := interior(info, it, base); ok {
					n.children = rustNodes(s, info, lo2, hi2, d, mods, m[2])
				}
			}
		case rsMod.MatchString(t):
			n.symbol, n.kind = rsMod.FindStringSubmatch(t)[1], "mod"
			if lo2, hi2, d, ok := interior(info, it, base); ok {
				n.children = rustNodes(s, info, lo2, hi2, d, append(cloneStrings(mods), n.symbol), "")
			}
			if rsCfgTest.MatchString(it.prefix) {
				n.markTestOnly()
			}
		case rsMacro.MatchString(t):
			n.symbol, n.kind = rsMacro.FindStringSubmatch(t)[1], "macro"
		case rsConst.MatchString(t):
			m := rsConst.FindStringSubmatch(t)
			n.symbol, n.kind = m[2], m[1]
		case rsInvocation.MatchString(t):
			var ok bool
			if n.symbol, n.kind, ok = rustMacroItem(s.text(it.decl, it.end)); !ok {
				continue
			}
		default:
			continue // use statements, inner attributes: gap blocks
		}
		out = append(out, n)
	}
	return out
}

// rustMacroItem names a macro call after the item its body declares
// (axum's define_rejection! { … pub struct MissingJsonContentType; },
// bitflags! { pub struct Flags: u32 { … } }, lazy_static! { static ref RE:
// Regex = … }), so that the call is found, traced and listed as that
// item; ok is false when the body declares none.
func rustMacroItem(body string) (symbol, kind string, ok bool) {
	m := rsMacroItem.FindStringSubmatch(body)
	if m == nil {
		return "", "", false
	}
	if m[1] == "fn" {
		return m[2], "function", true
	}
	return m[2], m[1], true
}
