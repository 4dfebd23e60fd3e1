package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestDocQuestion(t *testing.T) {
	tests := []struct {
		name string
		doc  []string
		want string
	}{
		{"CleanupExpired", []string{"CleanupExpired removes sessions whose deadline has passed. It runs", "every minute."},
			"removes sessions whose deadline has passed"},
		{"Open", []string{"Open opens the head block and replays its write-ahead log"}, "opens the head block and replays its write-ahead log"},
		{"Short", []string{"Short is short."}, ""},
		{"Other", []string{"Different names a different function entirely here ok"}, ""},
		{"Old", []string{"Old is deprecated: use New instead of this old one"}, ""},
		{"None", nil, ""},
	}
	for _, tt := range tests {
		if got := docQuestion(tt.name, tt.doc); got != tt.want {
			t.Errorf("docQuestion(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestScanTreeAndPick(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"store/store.go":        "package store\n\n// CleanupExpired removes sessions whose deadline has passed.\nfunc (s *Store) CleanupExpired() {}\n\nfunc run() {}\n",
		"store/store_test.go":   "package store\n\n// TestCleanup checks that the cleanup really removes sessions.\nfunc TestCleanup(t *testing.T) {}\n",
		"vendor/x/x.go":         "package x\n\n// VendoredThing does something that is not ours at all.\nfunc VendoredThing() {}\n",
		"api/generic.go":        "package api\n\n// MapValues applies the function to every value of the map.\nfunc MapValues[K comparable, V any](m map[K]V) {}\n",
		"testdata/fixture/f.go": "package fixture\n\nfunc FixtureFunction() {}\n",
		"web/ui/app.ts":         "export function notGo() {}\n",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := scanTree(root)
	if err != nil {
		t.Fatal(err)
	}
	want := treeScan{
		funcs:   []string{"MapValues", "CleanupExpired"},
		docs:    []string{"applies the function to every value of the map", "removes sessions whose deadline has passed"},
		goFiles: []string{"api/generic.go", "store/store.go"},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("scanTree = %+v, want %+v", s, want)
	}
	a := pickQueries(s, 4, rand.New(rand.NewPCG(seed, seed)))
	b := pickQueries(s, 4, rand.New(rand.NewPCG(seed, seed)))
	if len(a) != 4 || !reflect.DeepEqual(a, b) {
		t.Errorf("pickQueries = %v then %v, want the same 4 queries twice", a, b)
	}
	classes := map[string]int{}
	for _, q := range a {
		classes[q.Class]++
	}
	if classes["identifier"] != 2 || classes["question"] != 2 {
		t.Errorf("classes = %v, want 2 of each", classes)
	}
}
