package gaps

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// reachCases are small Go modules where a test reaches a symbol only
// through an interface, a method value, a function stored in a map or a
// struct field, or a returned closure. Each names the symbols that must
// not be reported untested (reached) and one that must (unreached: the
// rule does not reach everything).
var reachCases = []struct {
	name      string
	files     map[string]string
	reached   []string
	unreached []string
}{
	{
		name: "interface call with more implementations than the graph resolves by name",
		files: map[string]string{
			"mw/mw.go": `package mw

// Configurator builds a middleware.
type Configurator interface {
	Build() (func(), error)
}

func use(c Configurator) func() {
	f, err := c.Build()
	if err != nil {
		panic(err)
	}
	return f
}

type A struct{}
type B struct{}
type C struct{}
type D struct{}
type E struct{}
type F struct{}

func (A) Build() (func(), error) { return func() {}, nil }
func (B) Build() (func(), error) { return func() {}, nil }
func (C) Build() (func(), error) { return func() {}, nil }
func (D) Build() (func(), error) { return func() {}, nil }
func (E) Build() (func(), error) { return func() {}, nil }
func (F) Build() (func(), error) { return func() {}, nil }

func WithA() func() { return use(A{}) }
func WithB() func() { return use(B{}) }
func WithC() func() { return use(C{}) }
func WithD() func() { return use(D{}) }
func WithE() func() { return use(E{}) }
func WithF() func() { return use(F{}) }

// Other's Build takes an argument: it does not satisfy Configurator.
type Other struct{}

func (Other) Build(n int) (func(), error) { return nil, nil }
`,
			"mw/mw_test.go": `package mw

import "testing"

func TestAll(t *testing.T) {
	for _, f := range []func() func(){WithA, WithB, WithC, WithD, WithE, WithF} {
		f()()
	}
}
`,
		},
		reached:   []string{"mw.A.Build", "mw.F.Build"},
		unreached: []string{"mw.Other.Build"},
	},
	{
		name: "functions in a map and a struct field, reached from another package",
		files: map[string]string{
			"routes/routes.go": `package routes

var table = map[string]func() int{"x": HandleX}

type Router struct{ fallback func() int }

func New() *Router { return &Router{fallback: HandleY} }

func Dispatch(name string) int {
	if h, ok := table[name]; ok {
		return h()
	}
	return New().fallback()
}

func HandleX() int { return 1 }

func HandleY() int { return 2 }

func HandleZ() int { return 3 }
`,
			"app/app.go": `package app

import "example.com/m/routes"

func Run() int { return routes.Dispatch("x") }
`,
			"app/app_test.go": `package app

import "testing"

func TestRun(t *testing.T) {
	if Run() != 1 {
		t.Fatal()
	}
}
`,
		},
		reached:   []string{"routes.HandleX", "routes.HandleY"},
		unreached: []string{"routes.HandleZ"},
	},
	{
		name: "returned closure, reached from another package",
		files: map[string]string{
			"calc/calc.go": `package calc

func Make() func() int {
	return func() int { return Helper() }
}

func Helper() int { return 42 }

func Spare() int { return 0 }
`,
			"app/app.go": `package app

import "example.com/m/calc"

func Run() int { return calc.Make()() }
`,
			"app/app_test.go": `package app

import "testing"

func TestRun(t *testing.T) {
	if Run() != 42 {
		t.Fatal()
	}
}
`,
		},
		reached:   []string{"calc.Helper"},
		unreached: []string{"calc.Spare"},
	},
}

func TestReachPaths(t *testing.T) {
	for _, tc := range reachCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.22\n"}
			for p, src := range tc.files {
				files[p] = src
			}
			for p, src := range files {
				if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, p), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out, err := Run(context.Background(), openIndex(t, dir), Input{Kinds: []string{KindUntested}, Limit: MaxLimit}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			untested := byKey(out)
			for _, s := range tc.reached {
				if g, ok := untested["untested "+s]; ok {
					t.Errorf("%s is reached by a test but reported untested: %s", s, g.Why)
				}
			}
			for _, s := range tc.unreached {
				if _, ok := untested["untested "+s]; !ok {
					t.Errorf("%s is reached by no test but not reported untested", s)
				}
			}
		})
	}
}
