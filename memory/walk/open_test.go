package walk

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenInRepo(t *testing.T) {
	t.Parallel()
	repo, outside := t.TempDir(), t.TempDir()
	write := func(p, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(repo, "logs", "app.log"), "inside\n")
	write(filepath.Join(outside, "secret.log"), "outside\n")
	if err := os.Symlink(filepath.Join(outside, "secret.log"), filepath.Join(repo, "logs", "escape.log")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	for _, tt := range []struct {
		p, wantRel, wantErr string
		outside             bool
	}{
		{p: "logs/app.log", wantRel: "logs/app.log"},
		{p: filepath.Join(repo, "logs", "app.log"), wantRel: "logs/app.log"},
		{p: "logs/../logs/app.log", wantRel: "logs/app.log"},
		{p: "../elsewhere.log", wantErr: "outside the repository", outside: true},
		{p: filepath.Join(outside, "secret.log"), wantErr: "outside the repository", outside: true},
		{p: "logs/escape.log", wantErr: "resolves to", outside: true},
		{p: "logs", wantErr: "is a folder"},
		{p: "logs/nope.log", wantErr: "cannot read logs/nope.log"},
	} {
		f, rel, err := OpenInRepo(repo, tt.p)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, ErrOutsideRepo) != tt.outside {
				t.Errorf("%s: error %v, want one saying %q (outside: %v)", tt.p, err, tt.wantErr, tt.outside)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.p, err)
			continue
		}
		data, _ := io.ReadAll(f)
		f.Close()
		if rel != tt.wantRel || string(data) != "inside\n" {
			t.Errorf("%s: rel %q, read %q", tt.p, rel, data)
		}
	}
}
