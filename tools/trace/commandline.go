package trace

import (
	"fmt"
	"math"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/chunk"
	"github.com/devaiops/devai/memory/stack"
)

// A report of a command-line program often starts with the command the
// user ran ("$ helm repo add name URL --username u") and ends with an
// error that no frame places. The command is the user's own word for the
// code that ran: a program of the repository's, its subcommand's words,
// and the file that the command layout of the repository gives those
// words (cmd/helm/repo_add.go, cmd/restic/cmd_list.go, commands/install.py,
// cmd/cat/cat.go). The function of that file that runs the command (its
// name says run, execute or handle) is a lead above a search for the
// message's words; a command that names several files is divided among
// them.
const (
	weightCommand   = 0.7
	maxCommandWords = 3
	maxCommandFiles = 3 // a command that names more files names none
)

var (
	// shellPrompt: a line as a terminal shows it, "$ cmd", "% cmd" or
	// "> cmd", the prompt possibly after user@host:dir.
	shellPrompt = regexp.MustCompile(`^\s*(?:[\w.@~:/-]*)[$%>]\s+(\S.*)$`)
	// commandWord: a subcommand ("repo", "add", "show-env"), not a flag,
	// path, URL or value.
	commandWord = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	// envAssignment: NAME=value before the program.
	envAssignment = regexp.MustCompile(`^[A-Za-z_]\w*=`)
)

// commandFolders are the folder names under which repositories keep the
// code of their commands.
var commandFolders = map[string]bool{"cmd": true, "cmds": true, "command": true, "commands": true, "cli": true, "subcommands": true}

// genericStems are file names that stand for their folder (cmd/cat/main.go
// is the command "cat").
var genericStems = map[string]bool{"main": true, "__init__": true, "cmd": true, "command": true, "index": true, "mod": true}

// commandRun is a command line of the input: the program and the words
// that follow it.
type commandRun struct {
	line  int // 1-based
	prog  string
	words []string
}

// commandLines finds the command lines of the input, each segment of a
// pipeline on its own.
func commandLines(lines []string) []commandRun {
	var out []commandRun
	for i, l := range lines {
		m := shellPrompt.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		for _, seg := range strings.FieldsFunc(m[1], func(r rune) bool { return r == '|' || r == ';' || r == '&' }) {
			if run, ok := commandOf(strings.Fields(seg)); ok {
				run.line = i + 1
				out = append(out, run)
			}
		}
	}
	return out
}

// commandOf reads one command: environment assignments and sudo are left
// out, "python -m pkg" runs pkg.
func commandOf(f []string) (commandRun, bool) {
	for len(f) > 0 && (envAssignment.MatchString(f[0]) || f[0] == "sudo" || f[0] == "env") {
		f = f[1:]
	}
	if len(f) == 0 {
		return commandRun{}, false
	}
	prog := path.Base(f[0])
	f = f[1:]
	if strings.HasPrefix(prog, "python") && len(f) > 1 && f[0] == "-m" {
		prog, f = f[1], f[2:]
	}
	var words []string
	for _, w := range f {
		if !commandWord.MatchString(w) || len(words) == maxCommandWords {
			break
		}
		words = append(words, w)
	}
	return commandRun{prog: prog, words: words}, true
}

// programNames are the names under which the repository's programs run:
// its Go modules', packages' and crates' last names, its Python packages,
// and the folders under a cmd/ folder.
func programNames(proj stack.Project, files []string) map[string]bool {
	names := map[string]bool{}
	for _, units := range [][]stack.Unit{proj.GoModules, proj.NodePkgs, proj.Crates} {
		for _, u := range units {
			names[programName(u.Name)] = true
		}
	}
	for _, p := range proj.PyPackages {
		names[p] = true
		names[strings.ReplaceAll(p, "_", "-")] = true
	}
	for _, f := range files {
		parts := strings.Split(f, "/")
		for i := 0; i+2 < len(parts); i++ {
			if parts[i] == "cmd" {
				names[parts[i+1]] = true
			}
		}
	}
	delete(names, "")
	return names
}

// programName is the last element of a module path or package name, past
// a major version suffix (helm.sh/helm/v3 → helm, @scope/pkg → pkg).
func programName(name string) string {
	parts := strings.Split(name, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = parts[len(parts)-2]
	}
	return last
}

// commandKeys are the names a file gives the command it holds:
// repo_add.go → "repo_add"; cmd_list.go → "list"; cmd/cat/cat.go → "cat"
// and "cat_cat"; cmd/repo/add.go → "repo_add". Only files in a command
// folder, or named cmd_…, hold commands.
func commandKeys(file string) []string {
	dir, base := path.Split(file)
	stem := strings.ToLower(strings.TrimSuffix(base, path.Ext(base)))
	prefixed := false
	for _, p := range []string{"cmd_", "cmd-", "command_"} {
		if s, ok := strings.CutPrefix(stem, p); ok {
			stem, prefixed = s, true
		}
	}
	parts := strings.Split(strings.Trim(dir, "/"), "/")
	inFolder := false
	for _, p := range parts {
		inFolder = inFolder || commandFolders[p]
	}
	if !prefixed && !inFolder {
		return nil
	}
	stem = strings.ReplaceAll(stem, "-", "_")
	parent := strings.ReplaceAll(strings.ToLower(parts[len(parts)-1]), "-", "_")
	keys := []string{stem, parent + "_" + stem}
	if genericStems[stem] {
		keys = append(keys, parent)
	}
	return keys
}

// runsCommand matches the name of a function that runs a command: run,
// runList, RunE, execute, handle_args, _run (not prune).
var runsCommand = regexp.MustCompile(`^(?:run|exec|handle)|(?:Run|Exec|Handle)|_(?:run|exec|handle)`)

// commandLeads finds, for each command line of the repository's programs,
// the function that runs its subcommand.
func commandLeads(ix *memory.Index, proj stack.Project, lines []string) []Suspect {
	runs := commandLines(lines)
	if len(runs) == 0 {
		return nil
	}
	files := ownCodeFiles(ix)
	progs := programNames(proj, files)
	var out []Suspect
	for _, run := range runs {
		if !progs[run.prog] || len(run.words) == 0 {
			continue
		}
		matched, said := commandFiles(files, run.words)
		if len(matched) == 0 || len(matched) > maxCommandFiles {
			continue
		}
		w := weightCommand / math.Sqrt(float64(len(matched)))
		for _, f := range matched {
			c, ok := commandRunner(ix, f, said)
			if !ok {
				continue
			}
			out = append(out, Suspect{Path: c.Path, Line: c.StartLine, URI: c.URI, Symbol: c.Symbol, SymbolKind: c.SymbolKind,
				Requires: c.Requirements, Score: w, lastErr: -1,
				Why: []string{fmt.Sprintf("runs `%s %s`, the command line %d of the input ran (%s) %+.2f", run.prog, strings.Join(said, " "), run.line, f, w)}})
		}
	}
	return out
}

// commandFiles are the files that hold the longest run of the command's
// words, and those words.
func commandFiles(files, words []string) ([]string, []string) {
	for j := len(words); j > 0; j-- {
		key := strings.ReplaceAll(strings.Join(words[:j], "_"), "-", "_")
		var matched []string
		for _, f := range files {
			for _, k := range commandKeys(f) {
				if k == key {
					matched = append(matched, f)
					break
				}
			}
		}
		if len(matched) > 0 {
			return matched, words[:j]
		}
	}
	return nil, nil
}

// commandRunner is the file's function that runs the command: the first
// whose name says run, execute or handle, one that also names the
// command's last word before others.
func commandRunner(ix *memory.Index, file string, words []string) (memory.ChunkInfo, bool) {
	var runners []memory.ChunkInfo
	for _, c := range ix.ChunksOf(file) {
		if c.Kind == chunk.Code && c.Symbol != "" && runsCommand.MatchString(lastName(c.Symbol)) {
			runners = append(runners, c)
		}
	}
	if len(runners) == 0 {
		return memory.ChunkInfo{}, false
	}
	last := strings.ReplaceAll(words[len(words)-1], "-", "")
	sort.SliceStable(runners, func(i, j int) bool {
		return strings.Contains(strings.ToLower(runners[i].Symbol), last) && !strings.Contains(strings.ToLower(runners[j].Symbol), last)
	})
	return runners[0], true
}
