package tool

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestOwnProcessGroupKillsTheTree cancels a command whose child shares its
// output: the output ends only when both are dead, so unless the cancel
// kills the child too, it stays open until the child's own minute is up.
func TestOwnProcessGroupKillsTheTree(t *testing.T) {
	switch os.Getenv("TOOL_PROC_ROLE") {
	case "parent":
		child := exec.Command(os.Args[0], "-test.run=^TestOwnProcessGroupKillsTheTree$")
		child.Env = append(os.Environ(), "TOOL_PROC_ROLE=child")
		child.Stdout = os.Stdout
		if err := child.Start(); err != nil {
			os.Exit(2)
		}
		time.Sleep(time.Minute)
		os.Exit(0)
	case "child":
		os.Stdout.WriteString("child runs\n")
		time.Sleep(time.Minute) // an orphan left by a failure goes by itself
		os.Exit(0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestOwnProcessGroupKillsTheTree$")
	cmd.Env = append(os.Environ(), "TOOL_PROC_ROLE=parent")
	OwnProcessGroup(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	childRuns, outputEnds := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(outputEnds)
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if lines.Text() == "child runs" {
				close(childRuns)
			}
		}
	}()
	select {
	case <-childRuns:
	case <-time.After(time.Minute):
		t.Fatal("the child never said it runs")
	}
	cancel()
	select {
	case <-outputEnds:
	case <-time.After(30 * time.Second):
		t.Fatal("the output stayed open 30s after the cancel: the child outlived it")
	}
	_ = cmd.Wait()
}
