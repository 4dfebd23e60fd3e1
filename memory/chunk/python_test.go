package chunk

import (
	"reflect"
	"strings"
	"testing"
)

func pyFixture() string {
	var methods strings.Builder
	for i := 0; i < 14; i++ {
		methods.WriteString("    def helper_" + string(rune('a'+i)) + "(self, x):\n        \"\"\"Helper.\"\"\"\n        return self.store.get(x)\n\n")
	}
	return `"""Session store. Implements FR-050."""
import functools

TTL = 60


# Caches results.
@functools.lru_cache(
    maxsize=128,
)
def lookup(key: str,
           default=None) -> str:
    """Look a key up.

def not_a_def(): inside a docstring
"""
    def inner():
        return fetch(key)
    return inner()


class Small:
    x = 1

    def get(self):
        return self.x


class Store(Base):
    """A big store."""

    limit = 10

    @property
    def size(self):
        return len(self.items)

` + methods.String() + `    async def close(self):
        await self.conn.close()
`
}

func TestSplitPython(t *testing.T) {
	src := pyFixture()
	chunks := splitPython("app/store.py", []byte(src))
	checkChunks(t, []byte(src), chunks)
	tests := []struct {
		symbol, kind string
		start, end   int
		parents      []string
	}{
		{"lookup", "function", 7, 19, nil},
		{"Small", "class", 22, 26, nil},
		{"Store", "class", 29, 32, nil},
		{"size", "method", 34, 36, []string{"Store"}},
		{"helper_l", "method", 82, 84, []string{"Store"}},
		{"helper_n", "method", 90, 92, []string{"Store"}},
		{"close", "method", 94, 95, []string{"Store"}},
	}
	for _, tt := range tests {
		c := findChunk(t, chunks, tt.symbol)
		if c.SymbolKind != tt.kind || c.StartLine != tt.start || c.EndLine != tt.end || !reflect.DeepEqual(c.Parents, tt.parents) {
			t.Errorf("%s = %s %d-%d %q, want %s %d-%d %q", tt.symbol, c.SymbolKind, c.StartLine, c.EndLine, c.Parents, tt.kind, tt.start, tt.end, tt.parents)
		}
	}
	lk := findChunk(t, chunks, "lookup")
	if lk.Signature != "def lookup(key: str, default=None) -> str" || !contains(lk.Refs, "fetch") {
		t.Errorf("lookup sig %q refs %q", lk.Signature, lk.Refs)
	}
	for _, c := range chunks {
		if c.Symbol == "not_a_def" || c.Symbol == "get" {
			t.Errorf("unexpected chunk %q", c.Symbol)
		}
	}
	if c := chunks[0]; c.StartLine != 1 || !reflect.DeepEqual(c.Requirements, []string{"FR-050"}) {
		t.Errorf("module docstring chunk = %d %q", c.StartLine, c.Requirements)
	}
}

func TestSplitPythonTests(t *testing.T) {
	src := `import pytest


@pytest.mark.parametrize("n", [1, 2])
def test_total(n):
    """FR-012: totals add up."""
    assert total([n]) == n


def helper():
    pass


class TestLogin:
    def test_ok(self):
        assert login("a", "b")

    def test_locked(self):
        assert not login("a", "x")

    def _setup(self):
        pass


class LoginCase(unittest.TestCase):
    def test_legacy(self):
        self.assertTrue(True)
`
	chunks := splitPython("tests/test_login.py", []byte(src))
	checkChunks(t, []byte(src), chunks)
	tests := []struct {
		symbol string
		start  int
		names  []string
	}{
		{"test_total", 4, []string{"test_total"}},
		{"helper", 10, nil},
		{"TestLogin", 14, []string{"TestLogin.test_ok", "TestLogin.test_locked"}},
		{"LoginCase", 25, []string{"LoginCase.test_legacy"}},
	}
	for _, tt := range tests {
		c := findChunk(t, chunks, tt.symbol)
		if c.StartLine != tt.start || !reflect.DeepEqual(c.TestNames, tt.names) {
			t.Errorf("%s = %d %q, want %d %q", tt.symbol, c.StartLine, c.TestNames, tt.start, tt.names)
		}
	}
	if c := findChunk(t, chunks, "test_total"); !reflect.DeepEqual(c.Requirements, []string{"FR-012"}) {
		t.Errorf("reqs = %q", c.Requirements)
	}
}
