package gaps

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strings"
)

// reachSet is what the tests reach through the symbol graph, keyed by
// qualified ID, and the method names reached code calls on values whose
// type the graph cannot tell.
type reachSet struct {
	ids    map[string]bool
	called map[string]bool // bare references of reached code
}

// testReach is every definition the tests reach through the symbol graph:
// the tests, what they reference, what that references, and so on, across
// packages and with no bound on the chain's length. A function stored in a
// map or a struct field, passed as an argument or returned in a closure is
// a reference of the code that stores, passes or returns it, so it is
// reached when that code is. A method called through an interface is
// reached when reached code calls a method of that name and arity and its
// type has the whole method set of an interface that reached code uses
// (see dispatch).
func (a *analysis) testReach() reachSet {
	r := reachSet{ids: map[string]bool{}, called: map[string]bool{}}
	var queue []string
	visit := func(id string) {
		if !r.ids[id] {
			r.ids[id] = true
			queue = append(queue, id)
		}
	}
	for _, t := range a.tests {
		visit(t.Symbol)
	}
	for _, id := range a.testedBinaryMains() {
		visit(id)
	}
	d := a.newDispatcher()
	for {
		for n := 0; len(queue) > 0; n++ {
			if n%256 == 0 && a.ctx.Err() != nil {
				return r
			}
			id := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			for _, c := range a.callees(id) {
				visit(c.ID)
			}
			for _, n := range a.g.Definitions(id) {
				for _, d := range a.jsDefaults(n.Path) {
					visit(d)
				}
			}
			for _, ref := range a.g.Refs(id) {
				if !strings.Contains(ref, ".") {
					r.called[ref] = true
				}
			}
		}
		found := d.implementations(r)
		if len(found) == 0 {
			return r
		}
		for _, id := range found {
			visit(id)
		}
	}
}

// goInterface is an interface type of the module, or a predeclared or
// standard one that every program uses.
type goInterface struct {
	id      string         // qualified ID; "" for error and fmt.Stringer
	methods map[string]int // name → number of parameters, embedded ones included
}

// goMethod is a method of the module.
type goMethod struct {
	id, name, typeKey, signature string
}

// dispatcher finds the methods reached through interfaces: an interface
// call x.M() is a bare reference "M", and when many types have a method M
// the graph resolves it to none of them.
type dispatcher struct {
	ifaces  []goInterface
	byName  map[string][]goMethod
	arity   map[string]int            // method ID → parameters, -1 unknown
	byType  map[string][]goMethod     // type key (dir:Type) → its methods
	methods map[string]map[string]int // type key → method name → parameters
	done    map[[2]string]bool        // (interface, method name) already dispatched
}

// builtinInterfaces are always in use: errors and fmt's verbs call them.
var builtinInterfaces = []goInterface{
	{methods: map[string]int{"Error": 0}},
	{methods: map[string]int{"String": 0}},
}

func (a *analysis) newDispatcher() *dispatcher {
	d := &dispatcher{byName: map[string][]goMethod{}, byType: map[string][]goMethod{}, arity: map[string]int{}, methods: map[string]map[string]int{}, done: map[[2]string]bool{}}
	ifaceFiles := map[string]bool{}
	for _, c := range a.code {
		if c.Language != "Go" {
			continue
		}
		switch {
		case c.SymbolKind == "method":
			i := strings.LastIndexByte(c.Symbol, '.')
			j := strings.IndexByte(c.Symbol, '.')
			if i <= j {
				continue
			}
			m := goMethod{id: c.Symbol, name: c.Symbol[i+1:], typeKey: path.Dir(c.Path) + ":" + c.Symbol[j+1:i], signature: c.Signature}
			d.byName[m.name] = append(d.byName[m.name], m)
			d.byType[m.typeKey] = append(d.byType[m.typeKey], m)
		case c.SymbolKind == "type" && strings.HasSuffix(c.Signature, " interface"):
			ifaceFiles[c.Path] = true
		}
	}
	d.ifaces = append(d.ifaces, builtinInterfaces...)
	d.ifaces = append(d.ifaces, a.goInterfaces(ifaceFiles)...)
	return d
}

// goInterfaces parses the files that declare interfaces and returns them
// with their method sets (embedded interfaces of the module merged in).
func (a *analysis) goInterfaces(files map[string]bool) []goInterface {
	type raw struct {
		iface  goInterface
		embeds []string
	}
	var all []raw
	byName := map[string][]int{}
	for p := range files {
		f, err := parser.ParseFile(token.NewFileSet(), p, strings.Join(a.lines(p), "\n"), parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			it, ok := ts.Type.(*ast.InterfaceType)
			if !ok {
				return false
			}
			r := raw{iface: goInterface{id: f.Name.Name + "." + ts.Name.Name, methods: map[string]int{}}}
			for _, m := range it.Methods.List {
				switch t := m.Type.(type) {
				case *ast.FuncType:
					for _, name := range m.Names {
						r.iface.methods[name.Name] = params(t.Params)
					}
				case *ast.Ident:
					r.embeds = append(r.embeds, t.Name)
				case *ast.SelectorExpr:
					r.embeds = append(r.embeds, t.Sel.Name)
				}
			}
			byName[ts.Name.Name] = append(byName[ts.Name.Name], len(all))
			all = append(all, r)
			return false
		})
	}
	out := make([]goInterface, len(all))
	for i, r := range all {
		out[i] = r.iface
		seen := map[int]bool{i: true}
		queue := r.embeds
		for len(queue) > 0 {
			name := queue[0]
			queue = queue[1:]
			if len(byName[name]) != 1 || seen[byName[name][0]] {
				continue // unknown or ambiguous: its methods are not required
			}
			e := byName[name][0]
			seen[e] = true
			for m, n := range all[e].iface.methods {
				out[i].methods[m] = n
			}
			queue = append(queue, all[e].embeds...)
		}
	}
	return out
}

// params counts a parameter list's parameters (a, b int is two).
func params(fl *ast.FieldList) int {
	if fl == nil {
		return 0
	}
	n := 0
	for _, f := range fl.List {
		n += max(1, len(f.Names))
	}
	return n
}

// implementations returns the methods not yet reached that implement an
// interface in use: the interface is reached (or builtin), reached code
// calls the method's name, the method has the interface's arity for it,
// and its type has every method of the interface.
func (d *dispatcher) implementations(r reachSet) []string {
	var found []string
	for _, it := range d.ifaces {
		if it.id != "" && !r.ids[it.id] {
			continue
		}
		for name, n := range it.methods {
			key := [2]string{it.id, name}
			if !r.called[name] || d.done[key] {
				continue
			}
			d.done[key] = true
			for _, m := range d.byName[name] {
				if !r.ids[m.id] && d.arityOf(m) == n && d.satisfies(m.typeKey, it) {
					found = append(found, m.id)
				}
			}
		}
	}
	return found
}

func (d *dispatcher) satisfies(typeKey string, it goInterface) bool {
	set, ok := d.methods[typeKey]
	if !ok {
		set = map[string]int{}
		for _, m := range d.byType[typeKey] {
			set[m.name] = d.arityOf(m)
		}
		d.methods[typeKey] = set
	}
	for name, n := range it.methods {
		if got, ok := set[name]; !ok || got != n {
			return false
		}
	}
	return true
}

// arityOf counts a method's parameters from its signature; -1 when the
// signature does not parse.
func (d *dispatcher) arityOf(m goMethod) int {
	if n, ok := d.arity[m.id]; ok {
		return n
	}
	n := -1
	if f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+m.signature+" {}", parser.SkipObjectResolution); err == nil && len(f.Decls) == 1 {
		if fd, ok := f.Decls[0].(*ast.FuncDecl); ok {
			n = params(fd.Type.Params)
		}
	}
	d.arity[m.id] = n
	return n
}
