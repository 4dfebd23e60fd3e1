// Package prompts holds devai's agent roles as versioned prompt files:
// SpecAgent (plan), DesignAgent (design), CodeAgent (pr), TestAgent
// (test-gaps), MonitorAgent (fix-log) and ReleaseBot (release-notes). Each
// file is Markdown with a front matter (name, version, description,
// arguments) and a body that tells the assistant which devai tools to call,
// in what order, what to check, and where to stop for a human.
//
// The files are embedded in the binary; a repository can replace one or add
// its own in <repo>/.devai/prompts/*.md. Every prompt carries its semver
// version and the hash of its file, so a decision made under a prompt can
// name exactly which text led to it.
package prompts

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

//go:embed *.md
var embedded embed.FS

// Source of the prompts built into the binary.
const SourceEmbedded = "embedded"

// OverrideDir is where a repository keeps its own prompts, relative to its root.
var OverrideDir = filepath.Join(".devai", "prompts")

// maxFileBytes bounds a prompt file: a prompt is instructions, not data.
const maxFileBytes = 256 << 10

// hashLen is the length of the short hash, in hex digits (48 bits).
const hashLen = 12

// Prompt is one agent role, parsed and ready to render.
type Prompt struct {
	Name        string
	Title       string
	Version     string // semver: MAJOR.MINOR.PATCH
	Description string
	Arguments   []Argument
	Hash        string // first 12 hex digits of the SHA-256 of the file's bytes
	Source      string // SourceEmbedded, or the path of the repository's file
	Overrides   bool   // a repository file that replaces the embedded prompt of the same name

	body *template.Template
}

// Argument is one argument a prompt takes.
type Argument struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Required    bool     `yaml:"required"`
	Values      []string `yaml:"values"`   // a closed set: Render refuses others, completion offers them
	Complete    string   `yaml:"complete"` // spec, code, test or log: completion offers indexed paths of that kind
}

// Set is the prompts in effect for one repository, by name.
type Set struct {
	byName map[string]Prompt
}

// Get returns the prompt called name.
func (s Set) Get(name string) (Prompt, bool) {
	p, ok := s.byName[name]
	return p, ok
}

// List returns the prompts sorted by name.
func (s Set) List() []Prompt {
	out := make([]Prompt, 0, len(s.byName))
	for _, p := range s.byName {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Load returns the embedded prompts with the repository's overrides and
// additions from <repoDir>/.devai/prompts applied (repoDir "" loads the
// embedded ones only). A file that cannot be read or parsed is skipped and
// reported in the returned errors, each naming its file; the rest load.
func Load(repoDir string) (Set, []error) {
	set := Set{byName: map[string]Prompt{}}
	var errs []error
	for _, p := range readEmbedded(&errs) {
		set.byName[p.Name] = p
	}
	if repoDir == "" {
		return set, errs
	}
	seen := map[string]string{} // name → file, within the repository
	for _, p := range readDir(filepath.Join(repoDir, OverrideDir), &errs) {
		if first, dup := seen[p.Name]; dup {
			errs = append(errs, fmt.Errorf("prompt file %s: name %q is already defined by %s; skipped", p.Source, p.Name, first))
			continue
		}
		seen[p.Name] = p.Source
		_, p.Overrides = set.byName[p.Name]
		set.byName[p.Name] = p
	}
	return set, errs
}

func readEmbedded(errs *[]error) []Prompt {
	names, err := fs.Glob(embedded, "*.md")
	if err != nil {
		*errs = append(*errs, fmt.Errorf("embedded prompts: %w", err))
		return nil
	}
	var out []Prompt
	for _, name := range names {
		if isReadme(name) {
			continue
		}
		raw, err := embedded.ReadFile(name)
		if err == nil {
			var p Prompt
			if p, err = Parse(raw); err == nil {
				p.Source = SourceEmbedded
				out = append(out, p)
				continue
			}
		}
		*errs = append(*errs, fmt.Errorf("embedded prompt %s: %w", name, err))
	}
	return out
}

// readDir parses the *.md files of dir, in name order. A missing dir is
// no error: most repositories have no prompts of their own.
func readDir(dir string, errs *[]error) []Prompt {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		*errs = append(*errs, fmt.Errorf("read the repository's prompts in %s: %w", dir, err))
		return nil
	}
	var out []Prompt
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".md") || isReadme(e.Name()) || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		p, err := readFile(path)
		if err != nil {
			*errs = append(*errs, fmt.Errorf("prompt file %s: %w; skipped", path, err))
			continue
		}
		out = append(out, p)
	}
	return out
}

func readFile(path string) (Prompt, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Prompt{}, err
	}
	if !st.Mode().IsRegular() {
		return Prompt{}, errors.New("not a regular file")
	}
	if st.Size() > maxFileBytes {
		return Prompt{}, fmt.Errorf("%d bytes, more than the %d a prompt may have", st.Size(), maxFileBytes)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return Prompt{}, err
	}
	p, err := Parse(raw)
	p.Source = path
	return p, err
}

// isReadme tells a folder's README from its prompts.
func isReadme(name string) bool { return strings.EqualFold(name, "README.md") }

// HashOf is the short content hash of a prompt file.
func HashOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])[:hashLen]
}

var blankRuns = regexp.MustCompile(`\n{3,}`)

// Render fills the body with args. A required argument that is missing or
// blank, an argument the prompt does not take, or a value outside an
// argument's closed set is an error that says what to pass.
func (p Prompt) Render(args map[string]string) (string, error) {
	data := map[string]string{}
	for k, v := range args {
		a, ok := p.argument(k)
		if !ok {
			return "", fmt.Errorf("prompt %s takes no argument %q; it takes: %s", p.Name, k, p.argumentNames())
		}
		v = strings.TrimSpace(v)
		if v != "" && len(a.Values) > 0 && !contains(a.Values, v) {
			return "", fmt.Errorf("prompt %s: %s %q is not one of: %s", p.Name, k, v, strings.Join(a.Values, ", "))
		}
		data[k] = v
	}
	for _, a := range p.Arguments {
		if a.Required && data[a.Name] == "" {
			return "", fmt.Errorf("prompt %s: the required argument %q is missing (%s)", p.Name, a.Name, a.Description)
		}
	}
	var b strings.Builder
	if err := p.body.Execute(&b, data); err != nil {
		return "", fmt.Errorf("render prompt %s: %w", p.Name, err)
	}
	return strings.TrimSpace(blankRuns.ReplaceAllString(b.String(), "\n\n")) + "\n", nil
}

func (p Prompt) argument(name string) (Argument, bool) {
	for _, a := range p.Arguments {
		if a.Name == name {
			return a, true
		}
	}
	return Argument{}, false
}

func (p Prompt) argumentNames() string {
	if len(p.Arguments) == 0 {
		return "nothing"
	}
	names := make([]string, len(p.Arguments))
	for i, a := range p.Arguments {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
