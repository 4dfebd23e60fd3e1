package decisions

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCallerIsKeptAndChained (issue 14): the caller of an Entry is in its
// record, a record without one is written as before (no caller key), the
// chain verifies, and editing the caller breaks it like any other field.
func TestCallerIsKeptAndChained(t *testing.T) {
	dir := logDir(t)
	l := openLog(t, dir, Options{})
	alice := &Caller{Name: "alice", Via: ViaOAuth, Subject: "a1b2"}
	got, err := l.Append(context.Background(), Entry{Tool: "search_context", Caller: alice, Client: Client{Name: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Caller == nil || *got.Caller != *alice {
		t.Fatalf("record caller = %+v, want %+v", got.Caller, alice)
	}
	if _, err := l.Append(context.Background(), Entry{Tool: "search_context", Client: Client{Name: "test"}}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if rep := mustVerify(t, dir); !rep.OK() || rep.Records != 2 {
		t.Fatalf("verify: %+v", rep)
	}
	var lines [][]byte
	editLines(t, dir, func(l [][]byte) [][]byte { lines = l; return l })
	if !bytes.Contains(lines[0], []byte(`"caller":{"name":"alice","via":"oauth","subject":"a1b2"}`)) {
		t.Errorf("first record does not keep its caller: %s", lines[0])
	}
	if bytes.Contains(lines[1], []byte(`"caller"`)) {
		t.Errorf("a record without a caller has a caller key: %s", lines[1])
	}
	editLines(t, dir, func(l [][]byte) [][]byte {
		l[0] = bytes.Replace(l[0], []byte(`"name":"alice"`), []byte(`"name":"mallory"`), 1)
		return l
	})
	rep := mustVerify(t, dir)
	if rep.OK() || rep.Break.Line != 1 || !strings.Contains(rep.Break.Reason, "does not match its MAC") {
		t.Errorf("verify after editing the caller: %s", rep.Break)
	}
}

func TestCallerTravelsInContext(t *testing.T) {
	ctx := context.Background()
	if _, ok := CallerFrom(ctx); ok {
		t.Fatal("an empty context carries a caller")
	}
	c := Caller{Name: "ci", Via: ViaToken}
	if got, ok := CallerFrom(WithCaller(ctx, c)); !ok || got != c {
		t.Errorf("CallerFrom = %+v, %v", got, ok)
	}
	if lc := LocalCaller(); lc.Via != ViaLocal || lc.Name == "" {
		t.Errorf("LocalCaller = %+v", lc)
	}
}
