package memory

import (
	"context"
	"testing"
)

// routerRepo is shaped like echo's router: the type whose doc comment says
// what it does, among code whose names say "route" over and over.
var routerRepo = map[string]string{
	"go.mod": "module example.com/web\n\ngo 1.22\n",
	"router.go": `package web

// Router is the registry of all registered routes for request matching
// and URL path parameter parsing.
type Router struct {
	tree   *node
	routes map[string]*Route
}

type node struct{ children []*node }
`,
	"route.go": `package web

// Route holds what a route was registered with.
type Route struct {
	Method string
	Path   string
	Name   string
}

// Routes lists the registered routes.
func (r *Router) Routes() []*Route {
	routes := make([]*Route, 0, len(r.routes))
	for _, route := range r.routes {
		routes = append(routes, route)
	}
	return routes
}

// RouteNotFound registers a handler for when no route matches.
func (r *Router) RouteNotFound(path string) *Route {
	route := &Route{Method: "NOT_FOUND", Path: path}
	r.routes[path] = route
	return route
}

// Reverse builds a URL from a route name and its parameters.
func (r *Router) Reverse(name string, params ...string) string {
	for _, route := range r.routes {
		if route.Name == name {
			return route.Path
		}
	}
	return ""
}
`,
}

// packRepo is shaped like go-git's packfile code: the parser's comment says
// it decodes a packfile; other code is named Decoder, Decode and Packfile.
var packRepo = map[string]string{
	"go.mod": "module example.com/git\n\ngo 1.22\n",
	"packfile/parser.go": `package packfile

// Parser decodes a packfile and calls any observer associated to it.
type Parser struct {
	scanner *Scanner
	count   uint32
}

type Scanner struct{ pos int64 }
`,
	"packfile/packfile.go": `package packfile

// Packfile allows retrieving information from inside a packfile.
type Packfile struct {
	Index   map[string]int64
	scanner *Scanner
}

// Close closes the packfile.
func (p *Packfile) Close() error { return nil }
`,
	"idxfile/decoder.go": `package idxfile

// Decoder reads and decodes idx files from an input stream.
type Decoder struct{ r []byte }

// Decode reads from the stream and decodes the content into the Index.
func (d *Decoder) Decode(idx *Index) error { return nil }

type Index struct{ Count uint32 }
`,
	"packp/updreq_decode.go": `package packp

type updReqDecoder struct{ packfile []byte }

func (d *updReqDecoder) setPackfile(p []byte) { d.packfile = p }
`,
}

// TestCommentsSayWhatCodeDoes: a question in plain words finds the code
// whose comment answers it before code that only repeats its words in
// identifiers. Without the comments field, Route, Routes and Reverse come
// first.
func TestCommentsSayWhatCodeDoes(t *testing.T) {
	for _, c := range []struct {
		name, query, want string
		repo              map[string]string
	}{
		{"route parameters", "where are route parameters parsed", "web.Router", routerRepo},
		{"packfiles", "how are packfiles decoded", "packfile.Parser", packRepo},
	} {
		for _, weight := range []float64{DefaultWeights.Comments, 0} {
			w := DefaultWeights
			w.Comments = weight
			res := searchWeighted(t, writeRepo(t, c.repo), w, Query{Text: c.query, Mode: ModeText})
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Symbol)
			}
			if first := len(got) > 0 && got[0] == c.want; first != (weight > 0) {
				t.Errorf("%s, comments weight %g: %s first = %v, want %v (hits %v)", c.name, weight, c.want, first, weight > 0, got)
			}
		}
	}
}

// searchWeighted indexes repo afresh with weights w and runs q once.
func searchWeighted(t *testing.T, repo string, w Weights, q Query) Result {
	t.Helper()
	ix, err := Open(context.Background(), Options{Repo: repo, StateDir: t.TempDir(), Weights: &w})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return search(t, ix, q)
}
