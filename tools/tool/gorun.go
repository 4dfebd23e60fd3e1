package tool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// GoRun is one run of the go command (build, test) over a repository.
type GoRun struct {
	Dir     string
	Args    []string
	Env     []string // added to this process's environment
	Timeout time.Duration
	Output  io.Writer // stdout and stderr together
}

// ErrTimedOut is the error of a go command that ran past its timeout.
var ErrTimedOut = errors.New("timed out")

// RunGo runs the go command as r says, in its own process group, so that
// at the timeout or when ctx ends the whole tree dies (go test's test
// binaries included, which killing the go command alone would leave
// running). It is the one runner of the repository's code.
func RunGo(ctx context.Context, r GoRun) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("the go command is not on PATH: %w", err)
	}
	runCtx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, goBin, r.Args...)
	cmd.Dir = r.Dir
	if len(r.Env) > 0 {
		cmd.Env = append(os.Environ(), r.Env...)
	}
	OwnProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdout, cmd.Stderr = r.Output, r.Output
	err = cmd.Run()
	if ctx.Err() == nil && errors.Is(runCtx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("go %s did not finish within %s and was killed with its process group: %w", r.Args[0], r.Timeout, ErrTimedOut)
	}
	return err
}
