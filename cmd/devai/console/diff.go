package console

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	godiff "github.com/sourcegraph/go-diff/diff"
)

// seg is a run of text with chroma's class for its token type ("" plain).
// The template escapes Text; Class comes from chroma's fixed table.
type seg struct{ Class, Text string }

// line is one line of a diff: kind is ctx, add, del or hunk.
type line struct {
	Kind         string
	Old, New     int // line numbers; 0 where the side has none
	Segs         []seg
	NoNewlineEnd bool
}

// splitRow is one row of the side-by-side view.
type splitRow struct {
	Hunk        string
	Left, Right *line
}

// fileDiff is one file of a proposal's diff, ready to render.
type fileDiff struct {
	Path, Status string
	Lines        []line
	Split        []splitRow
	Anchor       string
}

// maxHighlightLines bounds the lines given to a lexer per page; past it a
// diff is shown plain (a 5 MiB diff stays quick to render).
const maxHighlightLines = 4000

// renderDiff parses a unified diff and highlights each line with the
// lexer of its file's language.
func renderDiff(text string) ([]fileDiff, error) {
	fds, err := godiff.ParseMultiFileDiff([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("parse the proposal's diff: %w", err)
	}
	budget := maxHighlightLines
	out := make([]fileDiff, 0, len(fds))
	for i, fd := range fds {
		f := fileDiff{Path: diffPath(fd), Status: "modified", Anchor: fmt.Sprintf("file-%d", i+1)}
		switch {
		case fd.OrigName == "/dev/null":
			f.Status = "added"
		case fd.NewName == "/dev/null":
			f.Status = "deleted"
		}
		lexer := lexers.Match(f.Path)
		if lexer == nil {
			lexer = lexers.Fallback
		}
		lexer = chroma.Coalesce(lexer)
		for _, h := range fd.Hunks {
			header := fmt.Sprintf("@@ -%d,%d +%d,%d @@ %s", h.OrigStartLine, h.OrigLines, h.NewStartLine, h.NewLines, h.Section)
			f.Lines = append(f.Lines, line{Kind: "hunk", Segs: []seg{{Text: strings.TrimSpace(header)}}})
			old, neu := int(h.OrigStartLine), int(h.NewStartLine)
			for _, raw := range strings.SplitAfter(string(h.Body), "\n") {
				if raw == "" {
					continue
				}
				body := strings.TrimSuffix(raw, "\n")
				if strings.HasPrefix(body, `\`) { // "\ No newline at end of file"
					if n := len(f.Lines); n > 0 {
						f.Lines[n-1].NoNewlineEnd = true
					}
					continue
				}
				l := line{Kind: "ctx"}
				switch body[0] {
				case '+':
					l.Kind, l.New = "add", neu
					neu++
				case '-':
					l.Kind, l.Old = "del", old
					old++
				default:
					l.Old, l.New = old, neu
					old++
					neu++
				}
				l.Segs = highlight(lexer, body[1:], &budget)
				f.Lines = append(f.Lines, l)
			}
		}
		f.Split = splitOf(f.Lines)
		out = append(out, f)
	}
	return out, nil
}

// diffPath is the file's repository path, without git's a/ and b/.
func diffPath(fd *godiff.FileDiff) string {
	name := fd.NewName
	if name == "/dev/null" || name == "" {
		name = fd.OrigName
	}
	if i := strings.IndexByte(name, '/'); i == 1 && (name[0] == 'a' || name[0] == 'b') {
		name = name[2:]
	}
	return name
}

// highlight splits one line of code into classed runs; budget counts the
// lines still allowed through a lexer.
func highlight(lexer chroma.Lexer, code string, budget *int) []seg {
	if *budget <= 0 {
		return []seg{{Text: code}}
	}
	*budget--
	it, err := lexer.Tokenise(nil, code+"\n")
	if err != nil {
		return []seg{{Text: code}}
	}
	var segs []seg
	for _, tok := range it.Tokens() {
		text := strings.TrimSuffix(tok.Value, "\n")
		if text == "" {
			continue
		}
		segs = append(segs, seg{Class: classOf(tok.Type), Text: text})
	}
	return segs
}

// classOf is chroma's CSS class for a token type (its own, or its nearest
// parent's), as the stylesheet chromaCSS writes names them.
func classOf(t chroma.TokenType) string {
	for ; t != 0; t = t.Parent() {
		if cls, ok := chroma.StandardTypes[t]; ok {
			return cls
		}
	}
	return ""
}

// splitOf pairs the lines of each hunk into side-by-side rows: context on
// both sides, a run of removed lines beside the added lines that follow.
func splitOf(lines []line) []splitRow {
	var rows []splitRow
	var dels, adds []*line
	flush := func() {
		for i := 0; i < max(len(dels), len(adds)); i++ {
			var r splitRow
			if i < len(dels) {
				r.Left = dels[i]
			}
			if i < len(adds) {
				r.Right = adds[i]
			}
			rows = append(rows, r)
		}
		dels, adds = nil, nil
	}
	for i := range lines {
		l := &lines[i]
		switch l.Kind {
		case "del":
			if len(adds) > 0 {
				flush()
			}
			dels = append(dels, l)
		case "add":
			adds = append(adds, l)
		case "hunk":
			flush()
			rows = append(rows, splitRow{Hunk: l.Segs[0].Text})
		default:
			flush()
			rows = append(rows, splitRow{Left: l, Right: l})
		}
	}
	flush()
	return rows
}

// chromaCSS is the stylesheet of chroma's classes: GitHub's colours, and
// GitHub dark's where the reader prefers a dark scheme.
func chromaCSS() ([]byte, error) {
	f := html.New(html.WithClasses(true))
	var b bytes.Buffer
	if err := f.WriteCSS(&b, styles.Get("github")); err != nil {
		return nil, fmt.Errorf("write the highlighting styles: %w", err)
	}
	b.WriteString("\n@media (prefers-color-scheme: dark) {\n")
	if err := f.WriteCSS(&b, styles.Get("github-dark")); err != nil {
		return nil, fmt.Errorf("write the highlighting styles: %w", err)
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}
