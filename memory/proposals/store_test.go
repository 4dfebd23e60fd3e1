package proposals

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestStore(t *testing.T) {
	state := t.TempDir()
	if ids, err := IDs(state); err != nil || len(ids) != 0 {
		t.Fatalf("no proposals yet: %v %v", ids, err)
	}
	for _, id := range []string{"20261124-011502-6f0f6b", "20261123-090000-000aaa"} {
		dir, err := Create(state, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(dir, MetaFile, []byte(`{"id":"`+id+`"}`)); err != nil {
			t.Fatal(err)
		}
		for path, want := range map[string]os.FileMode{dir: 0o700, Root(state): 0o700, filepath.Join(dir, MetaFile): 0o600} {
			if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
				t.Errorf("%s: mode %v (%v), want %v", path, st.Mode().Perm(), err, want)
			}
		}
	}
	if err := os.Mkdir(filepath.Join(Root(state), "not-an-id"), 0o700); err != nil {
		t.Fatal(err)
	}
	ids, err := IDs(state)
	if err != nil || !slices.Equal(ids, []string{"20261123-090000-000aaa", "20261124-011502-6f0f6b"}) {
		t.Errorf("IDs = %v, %v", ids, err)
	}
	if data, err := ReadMeta(state, "20261124-011502-6f0f6b"); err != nil || string(data) != `{"id":"20261124-011502-6f0f6b"}` {
		t.Errorf("ReadMeta = %s, %v", data, err)
	}
	for _, id := range []string{"20261124-011502-ffffff", "../../etc", "not-an-id", ""} {
		if _, err := ReadMeta(state, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("ReadMeta(%q): %v, want ErrNotFound", id, err)
		}
		if id != "20261124-011502-ffffff" {
			if _, err := Create(state, id); !errors.Is(err, ErrNotFound) {
				t.Errorf("Create(%q): %v, want ErrNotFound", id, err)
			}
		}
	}
}
