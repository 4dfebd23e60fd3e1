// Command devai is the MCP server and CLI of devai: it keeps a persistent
// local index of a project's specs, code, tests and logs and offers it to AI
// assistants as tools and resources (devai serve), or to people at a
// terminal (devai index, devai search).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// errHelpShown ends a command after its --help was printed.
var errHelpShown = errors.New("help shown")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one devai command line and returns the exit status:
// 0 ok, 1 failure, 2 usage error.
func run(args []string, stdout, stderr io.Writer) int {
	cmds := commands(stdout, stderr)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 && args[0] == "help" {
			if c := find(cmds, args[1]); c != nil {
				printUsage(stdout, c)
				return 0
			}
		}
		printMainUsage(stdout, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" {
		args[0] = "version"
	}
	c := find(cmds, args[0])
	if c == nil {
		fmt.Fprintf(stderr, "devai: unknown command %q; commands: %s\nRun 'devai --help' for more.\n", args[0], commandNames(cmds))
		return 2
	}
	rest, err := parseCommand(c, args[1:], stdout)
	if errors.Is(err, errHelpShown) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "devai %s: %v\n", c.name, err)
		return 2
	}
	if err := c.run(rest); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "devai %s: %v\nRun 'devai %s --help' for the flags.\n", c.name, err, c.name)
			return 2
		}
		fmt.Fprintf(stderr, "devai %s: %v\n", c.name, err)
		return 1
	}
	return 0
}

// usageError is a mistake on the command line (exit status 2).
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func commands(stdout, stderr io.Writer) []*command {
	return []*command{
		serveCommand(stdout, stderr),
		indexCommand(stdout, stderr),
		searchCommand(stdout, stderr),
		fixLogCommand(os.Stdin, stdout, stderr),
		logsCommand(os.Stdin, stdout, stderr),
		planCommand(stdout, stderr),
		gapsCommand(stdout, stderr),
		prCommand(os.Stdin, stdout, stderr),
		changelogCommand(stdout, stderr),
		decisionsCommand(stdout, stderr),
		evalCommand(stdout, stderr),
		versionCommand(stdout),
	}
}

func find(cmds []*command, name string) *command {
	for _, c := range cmds {
		if c.name == name {
			return c
		}
	}
	return nil
}

func commandNames(cmds []*command) string {
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

func printMainUsage(w io.Writer, cmds []*command) {
	fmt.Fprintf(w, "devai keeps one index of a project's specs, code, tests and logs, and serves it to AI assistants over MCP.\n\nUsage: devai <command> [flags]\n\nCommands:\n")
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.name))
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'devai <command> --help' for its flags. Every flag also reads an environment variable\n(--state-dir: DEVAI_STATE_DIR); a flag on the command line wins.\n")
}
