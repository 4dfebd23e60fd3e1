package trace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/devaiops/devai/memory"
	"github.com/devaiops/devai/memory/walk"
	"github.com/devaiops/devai/tools/tool"
)

// load returns the text to analyse, with a note when it was cut short:
// pasted text, a log file, or the indexed logs' events in a time range.
func load(ctx context.Context, ix *memory.Index, in Input, maxBytes int64) (loaded, error) {
	hasText, hasPath := strings.TrimSpace(in.Text) != "", strings.TrimSpace(in.Path) != ""
	hasWindow := strings.TrimSpace(in.Since) != "" || strings.TrimSpace(in.Until) != ""
	var ld loaded
	switch {
	case hasWindow && (hasText || hasPath):
		return loaded{}, tool.Inputf("trace_root_cause: give text, path, or since/until, not several; since/until read the indexed logs (narrow them with logs), text and path read what you give")
	case in.Logs != "" && !hasWindow:
		return loaded{}, tool.Inputf("trace_root_cause: logs narrows a time range; give since (e.g. 15m or 2026-01-31T09:00:00Z) and/or until with it, or pass one log file as path")
	case hasText && hasPath:
		return loaded{}, tool.Inputf("trace_root_cause: give text or path, not both")
	case hasWindow:
		r, err := tool.ParseTimeRange(in.Since, in.Until, time.Now())
		if err != nil {
			return loaded{}, tool.Inputf("trace_root_cause: %v", err)
		}
		if ld, err = gatherWindow(ctx, ix, r, strings.TrimSpace(in.Logs), maxBytes); err != nil {
			return loaded{}, err
		}
	case !hasText && !hasPath:
		if in.Text != "" {
			return loaded{}, tool.Inputf("trace_root_cause: the text is empty (only whitespace); paste the log lines or stack trace of the failure")
		}
		return loaded{}, tool.Inputf("trace_root_cause: nothing to analyse; pass text (a pasted stack trace or log lines), path (a log file in the repository), or since/until (a time range over the indexed logs)")
	case hasText:
		ld.text = in.Text
		if int64(len(ld.text)) > maxBytes {
			ld.text = ld.text[:maxBytes]
			ld.note = fmt.Sprintf("only the first %d bytes of the text were read; paste the part around the failure", maxBytes)
		}
		ld.source = "text"
	default:
		var err error
		ld.text, ld.source, ld.note, err = readLog(ctx, ix, strings.TrimSpace(in.Path), maxBytes)
		if err != nil {
			return loaded{}, err
		}
	}
	if looksBinary(ld.text) {
		return loaded{}, tool.Inputf("trace_root_cause: %s looks binary, not a log (NUL bytes or mostly invalid UTF-8); pass a text log or paste the stack trace", ld.source)
	}
	return ld, nil
}

// readLog reads an indexed log URI, or a file inside the repository, up to
// maxBytes. Paths that leave the repository are refused.
func readLog(ctx context.Context, ix *memory.Index, p string, maxBytes int64) (text, source, note string, err error) {
	if strings.HasPrefix(p, "devai://") {
		doc, err := ix.Read(p)
		if err != nil {
			return "", "", "", tool.Inputf("trace_root_cause: cannot read %s: %v; pass a devai://log/... URI from search_context, or a repo-relative path", p, err)
		}
		return doc.Text, p, "", nil
	}
	f, rel, err := walk.OpenInRepo(ix.Repo(), p)
	if errors.Is(err, walk.ErrOutsideRepo) {
		return "", "", "", tool.Inputf("trace_root_cause: %v; devai reads only files inside it. Paste the log's text instead", err)
	}
	if err != nil {
		return "", "", "", tool.Inputf("trace_root_cause: %v; pass a log file inside the repository (repo-relative), or paste its text", err)
	}
	defer f.Close()
	// A crash is at the end of its log: of a file over the limit, the
	// last maxBytes are read, from the first whole line on.
	var skipped int64
	if st, err := f.Stat(); err == nil && st.Size() > maxBytes {
		skipped = st.Size() - maxBytes
		if _, err := f.Seek(skipped, io.SeekStart); err != nil {
			return "", "", "", fmt.Errorf("read %s: %w", p, err)
		}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxBytes))
	if err != nil {
		return "", "", "", fmt.Errorf("read %s: %w", p, err)
	}
	if skipped > 0 {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
		note = fmt.Sprintf("%s is larger than %d bytes; only its last %d bytes were read (line numbers count from there). Pass the part around the failure as text, or a devai://log URI with a #L range", p, maxBytes, len(b))
	}
	if err := ctx.Err(); err != nil {
		return "", "", "", err
	}
	return string(b), rel, note, nil
}

// looksBinary: NUL bytes, or more than a tenth of the sample not UTF-8.
func looksBinary(s string) bool {
	sample := s[:min(len(s), 8192)]
	if strings.IndexByte(sample, 0) >= 0 {
		return true
	}
	bad := 0
	for i := 0; i < len(sample); {
		r, n := utf8.DecodeRuneInString(sample[i:])
		if r == utf8.RuneError && n == 1 {
			bad++
		}
		i += n
	}
	return bad*10 > len(sample)
}
