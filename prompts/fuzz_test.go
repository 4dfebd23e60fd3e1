package prompts

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse reads any prompt file (a repository's override is outside
// input): it parses or says why; a prompt that parses has a valid name and
// version, its hash is the file's, and rendering it with its own arguments
// ends without a panic or a hang.
func FuzzParse(f *testing.F) {
	names, _ := filepath.Glob("*.md")
	for _, name := range names {
		if name == "README.md" {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "value")
	}
	f.Add([]byte("---\nname: x\nversion: 1.0.0\ndescription: d\narguments:\n  - name: a\n    description: b\n    required: true\n---\n{{.a}} {{if .a}}yes{{end}}\n"), "")
	f.Fuzz(func(t *testing.T, raw []byte, value string) {
		p, err := Parse(raw)
		again, err2 := Parse(raw)
		if (err == nil) != (err2 == nil) || p.Hash != again.Hash || !reflect.DeepEqual(p.Arguments, again.Arguments) {
			t.Fatalf("not deterministic: %v / %v", err, err2)
		}
		if err != nil {
			return
		}
		if !promptName.MatchString(p.Name) || !semver.MatchString(p.Version) || p.Hash != HashOf(raw) {
			t.Fatalf("parsed prompt %q version %q hash %q", p.Name, p.Version, p.Hash)
		}
		args := map[string]string{}
		for _, a := range p.Arguments {
			args[a.Name] = value
		}
		stop := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("rendering %s did not end in 10s", p.Name)) })
		out, err := p.Render(args)
		stop.Stop()
		if err == nil && (!strings.HasSuffix(out, "\n") || !utf8.ValidString(out) && utf8.Valid(raw) && utf8.ValidString(value)) {
			t.Errorf("rendered %q", out)
		}
	})
}
