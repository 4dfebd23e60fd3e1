package memory

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/devaiops/devai/memory/chunk"
)

// ParseURI splits devai://<kind>/<path>[#L<start>[-L<end>]] into its parts.
// The path is cleaned and must stay inside the repository.
func ParseURI(uri string) (kind chunk.Kind, p string, start, end int, err error) {
	rest, ok := strings.CutPrefix(uri, "devai://")
	if !ok {
		return "", "", 0, 0, fmt.Errorf("%q is not a devai URI: want devai://<kind>/<path>[#Lstart-Lend]", uri)
	}
	rest, frag, _ := strings.Cut(rest, "#")
	k, p, ok := strings.Cut(rest, "/")
	kind, kindOK := chunk.ParseKind(k)
	if !ok || !kindOK || p == "" {
		return "", "", 0, 0, fmt.Errorf("%q: want devai://<kind>/<path> with kind spec, code, test or log", uri)
	}
	p = path.Clean(p)
	if p == "." || p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return "", "", 0, 0, fmt.Errorf("%q: the path must be relative to the repository and stay inside it", uri)
	}
	if frag != "" {
		start, end, err = parseLines(frag)
		if err != nil {
			return "", "", 0, 0, fmt.Errorf("%q: %w", uri, err)
		}
	}
	return kind, p, start, end, nil
}

// parseLines reads "L10-L20", "L10-20" or "L10".
func parseLines(frag string) (int, int, error) {
	a, b, hasEnd := strings.Cut(frag, "-")
	start, err := strconv.Atoi(strings.TrimPrefix(a, "L"))
	if err != nil || start < 1 || !strings.HasPrefix(a, "L") {
		return 0, 0, fmt.Errorf("bad line range %q: want #L<start>-L<end>", frag)
	}
	end := start
	if hasEnd {
		end, err = strconv.Atoi(strings.TrimPrefix(b, "L"))
		if err != nil || end < start {
			return 0, 0, fmt.Errorf("bad line range %q: want #L<start>-L<end> with end >= start", frag)
		}
	}
	return start, end, nil
}

// Read returns the text of a devai:// URI: a whole file, or its #Lx-Ly
// range, with credentials redacted. The path must be indexed under that kind.
func (ix *Index) Read(uri string) (Document, error) {
	kind, p, start, end, err := ParseURI(uri)
	if err != nil {
		return Document{}, err
	}
	ix.mu.RLock()
	f := ix.man.Files[p]
	ix.mu.RUnlock()
	if f == nil {
		return Document{}, fmt.Errorf("%s: %w; search_context finds indexed paths", uri, ErrNotFound)
	}
	if f.Kind != kind {
		return Document{}, fmt.Errorf("%s: %s is indexed as %s, not %s: read %s", uri, p, f.Kind, kind, chunk.URI(f.Kind, p, start, end))
	}
	data, err := os.ReadFile(filepath.Join(ix.repo, filepath.FromSlash(p)))
	if err != nil {
		return Document{}, fmt.Errorf("read %s: %w", p, err)
	}
	lines := splitLines(string(data))
	text := string(data)
	if start > 0 {
		if start > len(lines) {
			return Document{}, fmt.Errorf("%s: line %d is past the end of %s (%d lines)", uri, start, p, len(lines))
		}
		end = min(end, len(lines))
		text = sliceLines(lines, start, end)
	}
	return Document{URI: uri, Kind: string(kind), Path: p, Language: f.Language,
		StartLine: start, EndLine: end, Text: ix.redactor.String(text), MIMEType: mimeType(f.Language)}, nil
}

func mimeType(lang string) string {
	switch lang {
	case "Markdown":
		return "text/markdown"
	case "Go":
		return "text/x-go"
	case "OpenAPI", "YAML", "AsyncAPI":
		return "text/yaml"
	case "JSON":
		return "application/json"
	}
	return "text/plain"
}
