package trace

import (
	"strings"
	"testing"
)

// ptyRepo is a terminal whose pty reader thread unwraps a result, and
// whose config code holds the message's words.
var ptyRepo = map[string]string{
	"Cargo.toml": "[package]\nname = \"term\"\nversion = \"0.1.0\"\n",
	"src/event_loop.rs": `use std::thread;

pub struct EventLoop {
    pty: Pty,
}

impl EventLoop {
    pub fn spawn(mut self) -> thread::JoinHandle<()> {
        thread::Builder::new().name("pty reader".into()).spawn(move || {
            loop {
                if self.pty.read().is_err() {
                    break;
                }
            }
            self.pty.deregister().unwrap();
        }).unwrap()
    }
}
`,
	"src/config.rs": `use std::io;

/// Reads the config file; a missing file (NotFound, "No such file or
/// directory") is an error the caller unwraps.
pub fn read_config(path: &str) -> io::Result<String> {
    let text = std::fs::read_to_string(path).unwrap();
    Ok(text)
}
`,
}

// objectsRepo is a Python package whose module copies an import that a
// newer Python breaks, and whose other module names the same words.
var objectsRepo = map[string]string{
	"setup.py": "from setuptools import setup\nsetup(name=\"kombu\", packages=[\"kombu\"])\n",
	"kombu/utils/objects.py": `"""Object utilities."""
try:
    from functools import _NOT_FOUND
    from functools import cached_property as _cached_property
except ImportError:
    from cached_property import threaded_cached_property as _cached_property
    _NOT_FOUND = object()


class cached_property(_cached_property):
    def __get__(self, instance, owner=None):
        return super().__get__(instance, owner)
`,
	"kombu/transport/redis.py": `import functools


class Channel:
    def _get_client(self):
        # functools.lru_cache on a _NOT_FOUND sentinel
        return functools.partial(self._connect, "_NOT_FOUND")
`,
}

// When no frame of a trace is the repository's, the trace's own words for
// a place in the code lead there before the message's words do: the name
// of the thread that failed, where the code starts that thread, and a code
// line a frame prints, where the repository holds it verbatim.
func TestThreadAndCodeLineLeadToTheirCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		files map[string]string
		text  string
		path  string // of suspect #1
		why   string // its first reason starts so
	}{
		{
			name:  "panic in a named thread, pasted without its location (alacritty #1897)",
			files: ptyRepo,
			text:  "thread 'pty reader' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }'\n",
			path:  "src/event_loop.rs", why: `names the thread "pty reader"`,
		},
		{
			name:  "traceback of a copy of the repository's import (kombu 6ef88c34)",
			files: objectsRepo,
			text: "Traceback (most recent call last):\n  File \"/tmp/x.py\", line 2, in <module>\n    from functools import _NOT_FOUND\n" +
				"ImportError: cannot import name '_NOT_FOUND' from 'functools' (/usr/local/lib/python3.12/functools.py)\n",
			path: "kombu/utils/objects.py", why: `holds the line "from functools import _NOT_FOUND"`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ix := openFiles(t, c.files)
			out, err := Run(t.Context(), ix, Input{Text: c.text})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Suspects) == 0 || out.Suspects[0].Path != c.path || !strings.HasPrefix(out.Suspects[0].Why[0], c.why) {
				t.Fatalf("suspect #1 is not %s, led by %q:\n%s", c.path, c.why, Markdown(out))
			}
		})
	}
}
