package walk

import (
	"context"
	"os/exec"
	"slices"
	"testing"
)

// A file git tracks is in the repository whatever .gitignore says (git's
// own rule: ignore files hide untracked files only), as express commits
// nothing under logs/ but ignores "*.log", and a repository that
// commits a log with `git add -f` still has it. A .devaiignore pattern
// still hides a tracked file: it says what devai must not read.
func TestTrackedFilesAreNotIgnored(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git binary to build the index")
	}
	root := t.TempDir()
	writeFile(t, root, ".gitignore", "*.log\nbuild/\n")
	writeFile(t, root, ".devaiignore", "secret.txt\n")
	writeFile(t, root, "main.go", "package main\n")
	writeFile(t, root, "logs/app.log", "ERROR boom\n")
	writeFile(t, root, "logs/local.log", "ERROR untracked\n")
	writeFile(t, root, "build/keep.go", "package build\n")
	writeFile(t, root, "build/out.go", "package build\n")
	writeFile(t, root, "secret.txt", "token\n")
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "main.go", ".gitignore", "secret.txt"},
		{"add", "-f", "logs/app.log", "build/keep.go"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	res, err := Walk(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Files {
		got = append(got, f.Path)
	}
	for _, want := range []string{"main.go", "logs/app.log", "build/keep.go"} {
		if !slices.Contains(got, want) {
			t.Errorf("%s is tracked but not walked: %v", want, got)
		}
	}
	for _, gone := range []string{"logs/local.log", "build/out.go", "secret.txt"} {
		if slices.Contains(got, gone) {
			t.Errorf("%s is walked: %v", gone, got)
		}
	}
	ig, err := NewIgnorer(root)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{"logs/app.log": false, "logs/local.log": true, "build/keep.go": false, "build/out.go": true, "secret.txt": true} {
		if got := ig.Ignored(path, false); got != want {
			t.Errorf("Ignored(%s) = %v, want %v", path, got, want)
		}
	}
}
