package locset

import (
	"context"
	"reflect"
	"testing"
)

func TestClosedIssues(t *testing.T) {
	tests := []struct {
		msg  string
		want []int
	}{
		{"Fix dual-option arbitration\n\nFixes #3403", []int{3403}},
		{"fix: closes gh-12 and resolves #13", []int{12, 13}},
		{"Resolves https://github.com/o/r/issues/7", []int{7}},
		{"Resolves https://github.com/other/r/issues/7", nil},
		{"Add feature (#1234)", nil},
		{"Fixes #5: again fixes #5", []int{5}},
	}
	for _, tt := range tests {
		if got := ClosedIssues(tt.msg, "o/r"); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ClosedIssues(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
}

func TestMineIssueFixes(t *testing.T) {
	r := newTestRepo(t)
	r.commit("init", map[string]string{"a.go": "package a\n", "b.go": "package a\n", "a_test.go": "package a\n"})
	fix := r.commit("Handle empty body\n\nFixes #10", map[string]string{"a.go": "package a // x\n", "a_test.go": "package a // t\n", "new.go": "package a\n"})
	r.commit("Fix #11 partly", map[string]string{"b.go": "package a // 1\n"})
	r.commit("Fix #11 for good", map[string]string{"b.go": "package a // 2\n"})
	r.commit("Closes #12", map[string]string{"a_test.go": "package a // only a test\n"})

	fixes, err := MineIssueFixes(context.Background(), r.dir, "o/r", "HEAD", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(fixes) != 1 {
		t.Fatalf("fixes %+v, want only #10: #11 has two fixes, #12 changes no source", fixes)
	}
	got := fixes[0]
	if got.Issue != 10 || got.Fix != fix || !reflect.DeepEqual(got.Files, []string{"a.go"}) {
		t.Errorf("fix %+v, want #10 by %s changing a.go (the test and the added file left out)", got, fix)
	}
}
