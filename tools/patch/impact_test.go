package patch

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/devaiops/devai/memory/fixture"
)

// TestImpactedTestsAndRequirements: a change to auth.Service.Login reaches
// the tests that call it through the symbol graph, and the requirements
// those tests verify; static checks only, so nothing runs.
func TestImpactedTestsAndRequirements(t *testing.T) {
	t.Parallel()
	dir, _ := fixture.GitRepo(t)
	ix := openIndex(t, dir)
	before := snapshot(t, dir)
	out, err := Run(context.Background(), ix, Input{
		Title: "auth: name the lockout check",
		Edits: []Edit{{Path: "internal/auth/service.go", Search: "\tif until, locked := s.lockout.Locked(key, now); locked {", Replace: "\tif until, isLocked := s.lockout.Locked(key, now); isLocked {"}},
	}, RunOptions{Now: func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }}) // churn counts the fixture's commits of the 90 days before
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Symbols) != 1 || out.Symbols[0].Symbol != "auth.Service.Login" || !strings.HasPrefix(out.Symbols[0].URI, "devai://code/internal/auth/service.go#L") {
		t.Errorf("symbols %+v, want auth.Service.Login with its URI", out.Symbols)
	}
	var login *Test
	for i, tt := range out.Tests {
		if tt.Name == "TestLoginOpensSession" {
			login = &out.Tests[i]
		}
	}
	if login == nil || login.Package != "internal/auth" || login.Why != "references auth.Service.Login" {
		t.Fatalf("impacted tests %+v lack TestLoginOpensSession in internal/auth", out.Tests)
	}
	for _, req := range []string{"FR-005", "FR-006"} {
		if !contains(out.Requirements, req) {
			t.Errorf("requirements %v lack %s (verified by the impacted test)", out.Requirements, req)
		}
	}
	if out.Risk.LinesChanged != 2 || out.Risk.Files != 1 || out.Risk.Churn["internal/auth/service.go"] < 2 || out.Risk.Level == "" {
		t.Errorf("risk %+v", out.Risk)
	}
	if !strings.Contains(out.Exec, "static checks only") {
		t.Errorf("exec note %q", out.Exec)
	}
	assertUnchanged(t, dir, before)
}
