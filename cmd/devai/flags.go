package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// envPrefix prefixes the environment variable of every flag: --state-dir is
// DEVAI_STATE_DIR. A flag given on the command line wins over its variable.
const envPrefix = "DEVAI_"

// envName is the environment variable that stands in for flag name.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// listFlag is a string list flag: repeatable, and each value may itself be a
// comma-separated list (--logs a.log --logs b,c).
type listFlag struct{ values *[]string }

func (l listFlag) String() string {
	if l.values == nil {
		return ""
	}
	return strings.Join(*l.values, ",")
}

func (l listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l.values = append(*l.values, v)
		}
	}
	return nil
}

// command is one devai subcommand with its own flag set.
type command struct {
	name    string
	summary string
	usage   string // the argument synopsis after the name
	details string
	flags   *flag.FlagSet
	run     func(args []string) error
}

// applyEnv sets every flag that the command line left unset from its
// environment variable, so flags win. getenv is os.Getenv outside tests.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if setErr := fs.Set(f.Name, v); setErr != nil {
				err = fmt.Errorf("environment variable %s=%q: %w", envName(f.Name), v, setErr)
			}
		}
	})
	return err
}

// printUsage writes a command's help: synopsis, details, and every flag with
// its environment variable and default.
func printUsage(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: devai %s %s\n\n%s\n", c.name, c.usage, c.summary)
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.details))
	}
	fmt.Fprintf(w, "\nFlags (each also read from its environment variable; a flag on the command line wins):\n")
	var all []*flag.Flag
	c.flags.VisitAll(func(f *flag.Flag) { all = append(all, f) })
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	for _, f := range all {
		name, usage := flag.UnquoteUsage(f)
		if p, ok := f.Value.(interface{ placeholder() string }); ok {
			name = p.placeholder()
		}
		head := "  --" + f.Name
		if name != "" {
			head += " " + name
		}
		fmt.Fprintf(w, "%s\n      %s\n      env %s", head, usage, envName(f.Name))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(w, "; default %s", f.DefValue)
		}
		fmt.Fprintln(w)
	}
	if c.name != "version" {
		fmt.Fprintf(w, "\nEnvironment only:\n  DEVAI_EMBED_API_KEY\n      API key for --embedder openai (never a flag, so it stays out of process lists)\n")
	}
}

// parseCommand parses args for c, then fills unset flags from the environment.
func parseCommand(c *command, args []string, stdout io.Writer) ([]string, error) {
	c.flags.SetOutput(io.Discard)
	c.flags.Usage = func() {}
	// Flags may come after positional arguments (devai search "login" --json):
	// parse, take one positional, and parse the rest again.
	var positional []string
	for {
		if err := c.flags.Parse(args); err != nil {
			if err == flag.ErrHelp {
				printUsage(stdout, c)
				return nil, errHelpShown
			}
			return nil, fmt.Errorf("%w\nRun 'devai %s --help' for the flags", err, c.name)
		}
		rest := c.flags.Args()
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	if err := applyEnv(c.flags, os.Getenv); err != nil {
		return nil, err
	}
	return positional, nil
}
