package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/devaiops/devai/bench/internal/locset"
)

// TestQuestionFilesAreWellFormed reads the committed question set as
// `locset questions` does: every question parses, asks for code or tests,
// names a full snapshot, has a unique id and a repository of the split
// file, and a code question's answers are not test files.
func TestQuestionFilesAreWellFormed(t *testing.T) {
	dir := filepath.Join("questions")
	if m, _ := filepath.Glob(filepath.Join(dir, "*.jsonl")); len(m) == 0 {
		t.Skip("no question file committed yet")
	}
	set, err := readQuestions(dir)
	if err != nil {
		t.Fatal(err)
	}
	split, err := readSplits(filepath.Join(dir, "splits.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keepHalf(set, split, ""); err != nil {
		t.Fatal(err)
	}
	for _, q := range set {
		for _, f := range q.Files {
			if q.Asks == "code" && locset.IsTest(f) {
				t.Errorf("%s asks for code but answers with the test file %s", q.Commit, f)
			}
		}
	}
}

func TestReadQuestionsRefusesBadLines(t *testing.T) {
	snap := "05489dc1730161df26b72d1ae2a3ba6fb8178fc7"
	good := `{"commit":"a-q01","repo":"o/r","snapshot":"` + snap + `","asks":"code","query":"q","files":["a.go"]}`
	tests := []struct{ name, lines string }{
		{"asks missing", `{"commit":"a-q01","repo":"o/r","snapshot":"` + snap + `","query":"q","files":["a.go"]}`},
		{"short snapshot", `{"commit":"a-q01","repo":"o/r","snapshot":"05489dc","asks":"code","query":"q","files":["a.go"]}`},
		{"duplicate id", good + "\n" + good},
		{"no repository", `{"commit":"a-q01","snapshot":"` + snap + `","asks":"code","query":"q","files":["a.go"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "o+r.jsonl"), []byte(tt.lines), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := readQuestions(dir); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "o+r.jsonl"), []byte(good), 0o644)
	set, err := readQuestions(dir)
	if err != nil || len(set) != 1 || !slices.Equal(set[0].Files, []string{"a.go"}) {
		t.Fatalf("good line: %v %v", set, err)
	}
}
