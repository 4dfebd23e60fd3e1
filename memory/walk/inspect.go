package walk

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/devaiops/devai/memory/chunk"
	"github.com/go-enry/go-enry/v2"
)

// Inspect classifies one file exactly as Walk would, for the file watcher:
// the File, or why it is skipped. It does not apply ignore rules (ask an
// Ignorer first). The error wraps fs.ErrNotExist when the file is gone, and
// is also returned for folders and invalid log paths.
func Inspect(root, relPath string, opts Options) (File, *Skipped, error) {
	r, err := openRoot(root)
	if err != nil {
		return File{}, nil, err
	}
	logs, err := resolveLogPaths(r, opts.LogPaths)
	if err != nil {
		return File{}, nil, fmt.Errorf("inspect %s: %w", relPath, err)
	}
	rel := cleanRel(relPath)
	if rel == "" {
		return File{}, nil, errors.New("inspect: empty path")
	}
	info, err := os.Lstat(filepath.Join(r.abs, filepath.FromSlash(rel)))
	if err != nil {
		return File{}, nil, fmt.Errorf("inspect %s: %w", rel, err)
	}
	if info.IsDir() {
		return File{}, nil, fmt.Errorf("inspect %s: is a directory", rel)
	}
	c := candidate{rel: rel, typ: info.Mode().Type(), isLog: logRelationOf(rel, logs) == logInside}
	f, s := inspect(r, c, opts.maxFileSize(), make([]byte, headSize))
	return f, s, nil
}

// inspect runs one file through the skip rules, cheapest first (name, then
// metadata, then the head of the content), and classifies what is left.
// buf is scratch space of headSize bytes.
func inspect(r root, c candidate, maxSize int64, buf []byte) (File, *Skipped) {
	skip := func(reason string) (File, *Skipped) {
		return File{}, &Skipped{Path: c.rel, Reason: reason}
	}
	if !c.isLog {
		if isLockFile(c.rel) {
			return skip(ReasonLockFile)
		}
		if isVendoredFile(c.rel) {
			return skip(ReasonVendored)
		}
	}
	abs := filepath.Join(r.abs, filepath.FromSlash(c.rel))
	var info fs.FileInfo
	var err error
	if c.typ&fs.ModeSymlink != 0 {
		info, err = os.Stat(abs)
		switch {
		case errors.Is(err, syscall.ELOOP):
			return skip("unreadable: symlink loop")
		case errors.Is(err, fs.ErrNotExist):
			return skip("unreadable: broken symlink")
		case err != nil:
			return skip(unreadableReason(err))
		case info.IsDir():
			return skip(ReasonSymlinkDir)
		}
		target, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return skip(unreadableReason(err))
		}
		if _, inside := r.insideRel(target); !inside {
			return skip(ReasonSymlinkEscape)
		}
	} else {
		info, err = os.Lstat(abs)
		if err != nil {
			return skip(unreadableReason(err))
		}
	}
	if !info.Mode().IsRegular() {
		return skip(ReasonNotRegular) // FIFOs, sockets, devices: reading could block
	}
	if info.Size() > maxSize {
		return skip(fmt.Sprintf("too large (%d bytes > %d)", info.Size(), maxSize))
	}
	head, err := readHead(abs, buf)
	if err != nil {
		return skip(unreadableReason(err))
	}
	if enry.IsBinary(head) { // a NUL byte in the head, as git decides
		return skip(ReasonBinary)
	}
	f := File{Path: c.rel, Abs: abs, Size: info.Size(), ModTime: info.ModTime()}
	if c.isLog {
		f.Kind, f.Language = chunk.Log, LangLog
		return f, nil
	}
	if isGenerated(c.rel, head) {
		return skip(ReasonGenerated)
	}
	f.Kind, f.Language = Classify(c.rel, head)
	return f, nil
}

// readHead reads up to len(buf) bytes from the start of a file.
func readHead(abs string, buf []byte) ([]byte, error) {
	fh, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	n, err := io.ReadFull(fh, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}
