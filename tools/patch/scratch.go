package patch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/devaiops/devai/tools/tool"
)

// Scratch folders. Every folder propose_patch makes outside the state
// directory (the scratch copy a build runs in, the throwaway index of git
// apply --check) is os.TempDir()/devai-scratch-<kind>-<random>, with an
// owner file naming the process and host that made it. A process killed
// with SIGKILL cannot remove its folder, so each proposal first removes
// the folders whose owner is gone (cleanStaleScratch).
const (
	scratchPrefix = "devai-scratch-"
	ownerFile     = ".devai-owner"
	// scratchGrace is how long a folder without a readable owner file is
	// left alone: its maker may be between creating it and writing the
	// file.
	scratchGrace = 10 * time.Minute
	// foreignScratchAge is how old a folder must be before it is removed
	// when its owner ran on another host (a /tmp shared between machines
	// or containers, whose processes this one cannot see).
	foreignScratchAge = 24 * time.Hour
)

// legacyScratchPrefixes are the names devai gave its scratch folders before
// they had owner files; those are removed once they are a day old.
var legacyScratchPrefixes = []string{"devai-proposal-", "devai-apply-"}

// newScratch creates a scratch folder under root (os.TempDir() in use, a
// test's folder in tests) and writes its owner file.
func newScratch(root, kind string) (string, error) {
	dir, err := os.MkdirTemp(root, scratchPrefix+kind+"-")
	if err != nil {
		return "", fmt.Errorf("create a scratch folder: %w", err)
	}
	owner := strconv.Itoa(os.Getpid()) + " " + hostname() + "\n"
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(owner), 0o600); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("create a scratch folder: %w", err)
	}
	return dir, nil
}

// cleanStaleScratch removes the scratch folders under root that no live
// process owns: the owner's pid is not running on this host; or, without
// an owner file, the folder is older than scratchGrace (a day for the
// folders of an older devai). A folder of another host is removed only
// after foreignScratchAge. It returns what it removed; a folder it cannot
// read or remove is left for the next time.
func cleanStaleScratch(root string, now time.Time) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if stale(dir, e.Name(), now) && os.RemoveAll(dir) == nil {
			removed = append(removed, dir)
		}
	}
	return removed
}

// stale decides for one entry of the temporary folder.
func stale(dir, name string, now time.Time) bool {
	info, err := os.Lstat(dir)
	if err != nil || !info.IsDir() {
		return false
	}
	age := now.Sub(info.ModTime())
	if !strings.HasPrefix(name, scratchPrefix) {
		for _, p := range legacyScratchPrefixes {
			if strings.HasPrefix(name, p) {
				return age > foreignScratchAge
			}
		}
		return false
	}
	pid, host, err := readOwner(dir)
	switch {
	case err != nil:
		return age > scratchGrace
	case host != hostname():
		return age > foreignScratchAge
	case pid == os.Getpid():
		return false
	}
	return !tool.ProcessAlive(pid)
}

func readOwner(dir string) (int, string, error) {
	data, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return 0, "", err
	}
	fields := strings.Fields(string(data))
	if len(fields) != 2 {
		return 0, "", errors.New("malformed owner file")
	}
	pid, err := strconv.Atoi(fields[0])
	if err != nil || pid <= 0 {
		return 0, "", errors.New("malformed owner file")
	}
	return pid, fields[1], nil
}

// hostname names this machine in owner files; "-" where it has no name.
func hostname() string {
	h, err := os.Hostname()
	if err != nil || strings.TrimSpace(h) == "" || strings.ContainsAny(h, " \t\n") {
		return "-"
	}
	return h
}
