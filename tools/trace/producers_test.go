package trace

import (
	"strings"
	"testing"
)

// poolRepo defines an error value once and returns it from one function;
// another only tests for it, a test returns it, and a second name for it
// lives in the package above.
var poolRepo = map[string]string{
	"go.mod": "module example.com/pool\n\ngo 1.22\n",
	"pool/pool.go": `package pool

import "errors"

// ErrPoolTimeout is returned when no connection frees up in time.
var ErrPoolTimeout = errors.New("pool: timed out waiting for a free connection")

type Pool struct{ free chan struct{} }

func (p *Pool) waitTurn() error {
	select {
	case <-p.free:
		return nil
	default:
		return ErrPoolTimeout
	}
}

// Get takes a connection, retrying once after a timeout.
func (p *Pool) Get() error {
	if err := p.waitTurn(); err == ErrPoolTimeout {
		return p.waitTurn()
	}
	return nil
}
`,
	"pool/pool_test.go": `package pool

import "testing"

func TestTimeout(t *testing.T) {
	if ErrPoolTimeout == nil {
		t.Fatal("no error")
	}
}
`,
	"client.go": `package client

import "example.com/pool/pool"

// ErrPoolTimeout is pool.ErrPoolTimeout, for callers of this package.
var ErrPoolTimeout = pool.ErrPoolTimeout
`,
}

// An error line with no stack whose text an error value holds leads to
// the code that returns that value, above the value's own definition; code
// that only tests for it, tests, and other names for it are no leads. The
// hypothesis quotes the log line's message, not its timestamp.
func TestErrorValueLeadsToItsProducers(t *testing.T) {
	t.Parallel()
	ix := openFiles(t, poolRepo)
	log := "2024-05-01T10:00:01Z ERROR request failed: pool: timed out waiting for a free connection\n"
	out, err := Run(t.Context(), ix, Input{Text: log})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Suspects) < 2 || out.Suspects[0].Symbol != "pool.Pool.waitTurn" || out.Suspects[1].Symbol != "pool.ErrPoolTimeout" {
		t.Fatalf("want waitTurn, then ErrPoolTimeout:\n%s", Markdown(out))
	}
	first := out.Suspects[0]
	if !strings.HasPrefix(first.Why[0], "produces pool.ErrPoolTimeout") || first.Line != 15 {
		t.Errorf("waitTurn's lead = %q at line %d, want produces pool.ErrPoolTimeout at line 15", first.Why[0], first.Line)
	}
	for _, s := range out.Suspects {
		for _, why := range s.Why {
			if strings.HasPrefix(why, "produces") && s.Symbol != "pool.Pool.waitTurn" {
				t.Errorf("%s is no producer of the value: %q", s.Symbol, why)
			}
		}
	}
	if strings.Contains(first.Hypothesis, "2024-05-01") || !strings.Contains(first.Hypothesis, "timed out waiting for a free connection") {
		t.Errorf("the hypothesis should quote the message without its time: %q", first.Hypothesis)
	}
}

func TestHandlerUse(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		line    string
		handles bool
	}{
		{"\t\treturn ErrPoolTimeout", false},
		{"\terr := p.sem.Acquire(ctx, timeout, ErrPoolTimeout)", false},
		{"\treturn fmt.Errorf(\"get: %w\", pool.ErrPoolTimeout)", false},
		{"\traise ErrPoolTimeout(\"no connection\")", false},
		{"\tif err == ErrPoolTimeout {", true},
		{"\tif pool.ErrPoolTimeout != err {", true},
		{"\tif errors.Is(err, pool.ErrPoolTimeout) {", true},
		{"\tcase ErrPoolTimeout:", true},
		{"    except ErrPoolTimeout:", true},
		{"  if (e instanceof errors.ErrPoolTimeout) {", true},
		{"        Error::ErrPoolTimeout => retry(),", true},
		{"\treturn err == nil || err == pool.ErrPoolTimeout", true},
	} {
		if got := handlerUse("ErrPoolTimeout").MatchString(c.line); got != c.handles {
			t.Errorf("handlerUse matches %q: %v, want %v", c.line, got, c.handles)
		}
	}
}
