package gaps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/devaiops/devai/tools/tool"
)

// RunGoCover runs `go test -coverprofile` over the Go module at the
// repository root (in its own process group, all killed at the timeout)
// and returns the profile's path (in the state directory,
// so it never lands in the work tree). Failing tests still write a profile;
// a build failure or the timeout does not, and is an error.
func RunGoCover(ctx context.Context, repo, state string, timeout time.Duration, progress io.Writer) (string, error) {
	if _, err := os.Stat(filepath.Join(repo, "go.mod")); err != nil {
		return "", fmt.Errorf("--run: no go.mod at %s; run your tests with coverage yourself and pass --coverage FILE", repo)
	}
	dir := filepath.Join(state, "coverage")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("--run: %w", err)
	}
	profile := filepath.Join(dir, "go.coverprofile")
	_ = os.Remove(profile)
	fmt.Fprintf(progress, "devai gaps: running go test -coverprofile ./... in %s (timeout %s)\n", repo, timeout)
	// Test output is for the person, not for stdout.
	runErr := tool.RunGo(ctx, tool.GoRun{Dir: repo, Args: []string{"test", "-count=1", "-coverprofile=" + profile, "./..."}, Timeout: timeout, Output: progress})
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("--run: go test stopped: %w", err)
	}
	if errors.Is(runErr, tool.ErrTimedOut) {
		return "", fmt.Errorf("--run: go test did not finish within %s; raise --run-timeout or pass a profile with --coverage", timeout)
	}
	if _, err := os.Stat(profile); err != nil {
		return "", fmt.Errorf("--run: go test wrote no profile (%v); fix the build, or pass --coverage FILE", runErr)
	}
	if runErr != nil {
		fmt.Fprintf(progress, "devai gaps: some tests failed (%v); using the coverage they produced\n", runErr)
	}
	return profile, nil
}
