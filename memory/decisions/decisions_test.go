package decisions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// logDir is a fresh log folder; its key and anchor go beside it, in a
// folder of their own.
func logDir(t testing.TB) string { return filepath.Join(t.TempDir(), "decisions") }

func openLog(t testing.TB, dir string, opts Options) *Log {
	t.Helper()
	l, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func appendN(t testing.TB, l *Log, n int) []Record {
	t.Helper()
	var out []Record
	for i := 0; i < n; i++ {
		tool := "search_context"
		e := Entry{Tool: tool, Arguments: map[string]any{"query": fmt.Sprintf("q%d", i)}, Client: Client{Name: "test", Session: "s1"}, Summary: fmt.Sprintf("%d hits", i), Result: map[string]int{"i": i}, Duration: time.Millisecond}
		if i%3 == 2 {
			e.Err = "nothing found"
		}
		r, err := l.Append(context.Background(), e)
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		out = append(out, r)
	}
	return out
}

func mustVerify(t *testing.T, dir string) Report {
	t.Helper()
	rep, err := Verify(dir)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

func TestChainLinksRecords(t *testing.T) {
	dir := logDir(t)
	l := openLog(t, dir, Options{})
	recs := appendN(t, l, 5)
	for i, r := range recs {
		if r.ID != FormatID(int64(i+1)) || r.Seq != int64(i+1) {
			t.Errorf("record %d: id %s seq %d", i, r.ID, r.Seq)
		}
		if i == 0 && r.PrevHash != "" || i > 0 && r.PrevHash != recs[i-1].Hash {
			t.Errorf("record %d does not hold the previous hash", i)
		}
		if r.ResultSHA256 == "" || r.Writes == nil {
			t.Errorf("record %d: result hash %q writes %v", i, r.ResultSHA256, r.Writes)
		}
	}
	if recs[2].Outcome != OutcomeError || recs[2].Error != "nothing found" || recs[1].Outcome != OutcomeOK {
		t.Errorf("outcomes: %+v %+v", recs[1], recs[2])
	}
	rep := mustVerify(t, dir)
	if !rep.OK() || rep.Records != 5 || rep.LastID != "d000005" || rep.LastHash != recs[4].Hash {
		t.Fatalf("verify: %+v", rep)
	}
	// Reopening continues the chain.
	l.Close()
	l2 := openLog(t, dir, Options{})
	r6 := appendN(t, l2, 1)[0]
	if r6.Seq != 6 || r6.PrevHash != recs[4].Hash {
		t.Fatalf("after reopen: %+v", r6)
	}
	got, err := Get(dir, "6")
	if err != nil || got.Hash != r6.Hash {
		t.Fatalf("get 6: %v %+v", err, got)
	}
	if _, err := Get(dir, "d99"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get d99: %v", err)
	}
}

// TestTwoLogsShareOneChain: two writers on one folder (as the server and
// a CLI command are) take turns, and each goes on from the other's last
// record.
func TestTwoLogsShareOneChain(t *testing.T) {
	dir := logDir(t)
	a := openLog(t, dir, Options{MaxFileBytes: 4 << 10})
	b := openLog(t, dir, Options{MaxFileBytes: 4 << 10})
	const each = 40
	var wg sync.WaitGroup
	for _, l := range []*Log{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := l.Append(context.Background(), Entry{Tool: "search_context", Arguments: map[string]any{"i": i}}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	rep := mustVerify(t, dir)
	if !rep.OK() || rep.Records != 4*each || rep.Anchored != 4*each || rep.Files < 2 {
		t.Fatalf("verify: %+v %v", rep, rep.Break)
	}
}

// editLines rewrites the single log file through fn.
func editLines(t *testing.T, dir string, fn func(lines [][]byte) [][]byte) {
	t.Helper()
	path := filepath.Join(dir, fileName(1))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte{'\n'}), []byte{'\n'})
	lines = fn(lines)
	out := append(bytes.Join(lines, []byte{'\n'}), '\n')
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name       string
		edit       func(lines [][]byte) [][]byte
		line       int
		id, reason string
	}{
		{"edit a field", func(l [][]byte) [][]byte {
			l[2] = bytes.Replace(l[2], []byte(`"outcome":"error"`), []byte(`"outcome":"ok"`), 1)
			return l
		}, 3, "d000003", "does not match its MAC"},
		{"edit the summary", func(l [][]byte) [][]byte {
			l[1] = bytes.Replace(l[1], []byte(`"1 hits"`), []byte(`"9 hits"`), 1)
			return l
		}, 2, "d000002", "does not match its MAC"},
		{"add a field", func(l [][]byte) [][]byte {
			l[3] = bytes.Replace(l[3], []byte(`{"id"`), []byte(`{"note":"x","id"`), 1)
			return l
		}, 4, "d000004", "not the record as devai wrote it"},
		{"delete a line", func(l [][]byte) [][]byte { return append(l[:2:2], l[3:]...) }, 3, "d000004", "does not follow d000002"},
		{"swap two lines", func(l [][]byte) [][]byte { l[1], l[2] = l[2], l[1]; return l }, 2, "d000003", "does not follow d000001"},
		{"delete the first line", func(l [][]byte) [][]byte { return l[1:] }, 1, "d000002", "does not start here"},
		{"garbage line", func(l [][]byte) [][]byte { l[4] = []byte("hello"); return l }, 5, "", "not a record"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := logDir(t)
			l := openLog(t, dir, Options{})
			appendN(t, l, 6)
			l.Close()
			if rep := mustVerify(t, dir); !rep.OK() {
				t.Fatalf("before the edit: %+v", rep.Break)
			}
			editLines(t, dir, c.edit)
			rep := mustVerify(t, dir)
			if rep.OK() {
				t.Fatal("verify passed after the edit")
			}
			b := rep.Break
			if b.File != fileName(1) || b.Line != c.line || b.ID != c.id || !strings.Contains(b.Reason, c.reason) {
				t.Errorf("break = %s; want line %d id %q reason ~%q", b, c.line, c.id, c.reason)
			}
		})
	}
}

func TestTornLastLineIsSetAside(t *testing.T) {
	for _, tail := range []string{`{"id":"d000004","seq":4,"ti`, "{\"id\":\"d000004\",\x00\x00\x00\n"} {
		dir := logDir(t)
		l := openLog(t, dir, Options{})
		recs := appendN(t, l, 3)
		l.Close()
		path := filepath.Join(dir, fileName(1))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(tail)
		f.Close()
		if rep := mustVerify(t, dir); strings.HasSuffix(tail, "\n") == rep.OK() {
			t.Errorf("verify before recovery: %+v", rep)
		}
		var torn string
		l2 := openLog(t, dir, Options{OnTorn: func(p string) { torn = p }})
		if torn != path+".torn" {
			t.Fatalf("torn tail set aside at %q", torn)
		}
		saved, _ := os.ReadFile(torn)
		if !bytes.Contains(saved, []byte(`"d000004"`)) {
			t.Errorf(".torn holds %q", saved)
		}
		r4 := appendN(t, l2, 1)[0]
		if r4.Seq != 4 || r4.PrevHash != recs[2].Hash {
			t.Fatalf("chain after the torn line: %+v", r4)
		}
		rep := mustVerify(t, dir)
		if !rep.OK() || rep.Records != 4 || len(rep.Torn) != 1 {
			t.Fatalf("verify after recovery: %+v", rep)
		}
	}
}

func TestRotationKeepsTheChain(t *testing.T) {
	dir := logDir(t)
	l := openLog(t, dir, Options{MaxFileBytes: 1500})
	recs := appendN(t, l, 20)
	l.Close()
	files, _ := listFiles(dir)
	if len(files) < 3 {
		t.Fatalf("%d files, want rotation", len(files))
	}
	for _, f := range files {
		if st, _ := os.Stat(f.path); st.Size() > 1500 {
			t.Errorf("%s is %d bytes, over the limit", f.path, st.Size())
		}
	}
	first := firstRecord(t, files[1].path)
	prevLast, _, _ := lastRecord(files[0].path)
	if first.PrevHash != prevLast.Hash {
		t.Errorf("file 2 starts with prev_hash %s, want %s", first.PrevHash, prevLast.Hash)
	}
	l2 := openLog(t, dir, Options{MaxFileBytes: 1500})
	if r := appendN(t, l2, 1)[0]; r.PrevHash != recs[19].Hash {
		t.Fatal("reopen after rotation lost the chain")
	}
	l2.Close()
	if rep := mustVerify(t, dir); !rep.OK() || rep.Records != 21 || rep.Files != len(files) {
		t.Fatalf("verify: %+v", rep)
	}
	// Deleting the newest file leaves a log shorter than its anchor.
	lastFile := files[len(files)-1].path
	if err := os.Rename(lastFile, lastFile+".aside"); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, dir); rep.OK() || rep.Break.Kind != BreakTruncated {
		t.Fatalf("deleted last file: %+v", rep.Break)
	}
	if err := os.Rename(lastFile+".aside", lastFile); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(files[1].path); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, dir)
	if rep.OK() || rep.Break.File != filepath.Base(files[2].path) || rep.Break.Line != 1 {
		t.Fatalf("deleted middle file: %+v", rep.Break)
	}
}

func firstRecord(t *testing.T, path string) Record {
	t.Helper()
	var out Record
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	line, _, _ := bytes.Cut(data, []byte{'\n'})
	if err := json.Unmarshal(line, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestConcurrentAppends(t *testing.T) {
	dir := logDir(t)
	l := openLog(t, dir, Options{MaxFileBytes: 8 << 10})
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := l.Append(context.Background(), Entry{Tool: "search_context", Arguments: map[string]any{"w": w, "i": i}}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	rep := mustVerify(t, dir)
	if !rep.OK() || rep.Records != workers*each {
		t.Fatalf("verify: %+v %v", rep, rep.Break)
	}
}

func TestSecretsInArgumentsAreRedacted(t *testing.T) {
	dir := logDir(t)
	l := openLog(t, dir, Options{})
	key := "AKIA" + "QYLPMN5HHHFPZAM2"
	r, err := l.Append(context.Background(), Entry{
		Tool:      "trace_root_cause",
		Arguments: map[string]any{"log_text": "boot failed with AWS_ACCESS_KEY_ID=" + key, "db_password": "hunter2", "limit": 3},
		Summary:   "connect postgres://app:Wq8zLr2vT@db:5432/shop refused",
		Err:       "auth failed for token " + "ghp_" + "R7uXb2kLq9ZtW4vN8cYp3mHs6dFj1aGe0oQi",
	})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, fileName(1)))
	for _, leak := range []string{key, "hunter2", "Wq8zLr2vT", "R7uXb2kLq9"} {
		if bytes.Contains(data, []byte(leak)) {
			t.Errorf("%s leaks into the log: %s", leak, data)
		}
	}
	for _, want := range []string{"[REDACTED:aws-access-token]", "[REDACTED:field-db_password]", "[REDACTED:url-password]", "[REDACTED:github-pat]", `"limit":3`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("log lacks %s: %s", want, data)
		}
	}
	if r.Outcome != OutcomeError {
		t.Errorf("outcome %s", r.Outcome)
	}
}

func TestListFilters(t *testing.T) {
	dir := logDir(t)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tick := now
	l := openLog(t, dir, Options{Now: func() time.Time { tick = tick.Add(time.Minute); return tick }})
	for i, tool := range []string{"search_context", "draft_spec", "search_context", "propose_patch"} {
		e := Entry{Tool: tool, Arguments: map[string]any{"query": fmt.Sprintf("query %d", i)}}
		if tool == "draft_spec" {
			e.Err = "spec conflicts"
		}
		if _, err := l.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		f    Filter
		want []string
	}{
		{"all", Filter{}, []string{"d000001", "d000002", "d000003", "d000004"}},
		{"tool", Filter{Tool: "search_context"}, []string{"d000001", "d000003"}},
		{"outcome", Filter{Outcome: OutcomeError}, []string{"d000002"}},
		{"since", Filter{Since: now.Add(3 * time.Minute)}, []string{"d000003", "d000004"}},
		{"until", Filter{Until: now.Add(2 * time.Minute)}, []string{"d000001"}},
		{"grep", Filter{Grep: "QUERY 2"}, []string{"d000003"}},
		{"limit keeps the newest", Filter{Limit: 2}, []string{"d000003", "d000004"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := List(dir, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range got {
				ids = append(ids, r.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", ids, c.want)
			}
		})
	}
}

func TestLongArgumentsAreClipped(t *testing.T) {
	dir := logDir(t)
	l := openLog(t, dir, Options{})
	long := strings.Repeat("é panic: runtime error\n", 2000)
	r, err := l.Append(context.Background(), Entry{Tool: "trace_root_cause", Arguments: map[string]any{"log_text": long, "limit": 3}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Arguments) > 2*MaxArgumentString {
		t.Errorf("arguments kept %d bytes", len(r.Arguments))
	}
	if !strings.Contains(string(r.Arguments), fmt.Sprintf("[%d bytes in all, sha256:", len(long))) || !json.Valid(r.Arguments) {
		t.Errorf("clipped argument: %.200s…", r.Arguments)
	}
	if rep := mustVerify(t, dir); !rep.OK() {
		t.Fatal(rep.Break)
	}
}

// TestConcurrentAppendsShareSyncs: records that arrive while a commit is
// in flight are made durable and anchored together by the next commit, not
// one fsync and one anchor each under the lock (issue 11 row 12: with a
// sync per record under the lock, 50 MCP sessions got 0.7× the throughput
// of one); no Append returns before a sync of the log and an anchor cover
// its record, and no anchor names a record before a sync of the log did.
func TestConcurrentAppendsShareSyncs(t *testing.T) {
	dir := logDir(t)
	l := openLog(t, dir, Options{})
	const writers = 20
	path := filepath.Join(dir, fileName(1))
	lines := func() int64 {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Error(err)
		}
		return int64(bytes.Count(data, []byte{'\n'}))
	}
	var (
		mu          sync.Mutex
		logSyncs    int
		anchorSyncs int
		durable     int64 // records written before the last sync of the log that ended began
	)
	l.syncFile = func(f *os.File) error {
		if f.Name() != path { // an anchor's temp file, about to be renamed into place
			a, err := loadAnchor(f.Name())
			mu.Lock()
			defer mu.Unlock()
			anchorSyncs++
			if err != nil || a == nil || a.Records > durable {
				t.Errorf("anchor %+v (%v) written with the log synced through %d", a, err, durable)
			}
			return f.Sync()
		}
		mu.Lock()
		logSyncs++
		first := logSyncs == 1
		mu.Unlock()
		covered := lines() // what the sync is sure to cover: written before it began
		if first {         // hold the first sync until every writer has written, or 5 s
			for deadline := time.Now().Add(5 * time.Second); lines() < writers && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
		}
		if err := f.Sync(); err != nil {
			return err
		}
		mu.Lock()
		durable = max(durable, covered)
		mu.Unlock()
		return nil
	}
	anchorFile := Trust{}.withDefaults(dir).AnchorFile
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := l.Append(context.Background(), Entry{Tool: "search_context", Arguments: map[string]any{"w": w}})
			if err != nil {
				t.Error(err)
				return
			}
			a, err := loadAnchor(anchorFile)
			if err != nil || a == nil || a.Records < rec.Seq {
				t.Errorf("Append returned record %d before the anchor covered it (anchor %+v, %v)", rec.Seq, a, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if durable < rec.Seq {
				t.Errorf("Append returned record %d before it was synced (synced through %d)", rec.Seq, durable)
			}
		}()
	}
	wg.Wait()
	if logSyncs > 2 || anchorSyncs > 2 {
		t.Errorf("%d concurrent appends took %d syncs of the log and %d anchors; want at most 2 of each (one commit in flight, one for all that came meanwhile)", writers, logSyncs, anchorSyncs)
	}
	if rep := mustVerify(t, dir); !rep.OK() || rep.Records != writers || rep.Anchored != writers {
		t.Fatalf("verify: %+v %v", rep, rep.Break)
	}
}

// TestAnchorNeverMovesBack: a commit that ends after another writer (here
// a second Log, as another process would) anchored later records leaves
// the anchor where it is, rather than moving it back to its own newest
// record. Open and Verify take an anchor behind the log for a crash, so
// only the anchor file itself shows it.
func TestAnchorNeverMovesBack(t *testing.T) {
	dir := logDir(t)
	ctx := context.Background()
	slow, fast := openLog(t, dir, Options{}), openLog(t, dir, Options{})
	anchorFile := Trust{}.withDefaults(dir).AnchorFile
	path := filepath.Join(dir, fileName(1))
	release, syncing := make(chan struct{}), make(chan struct{})
	slow.syncFile = func(f *os.File) error {
		if f.Name() == path {
			close(syncing)
			<-release
		}
		return f.Sync()
	}
	done := make(chan error)
	go func() {
		_, err := slow.Append(ctx, Entry{Tool: "search_context"})
		done <- err
	}()
	<-syncing // slow's record 1 is written, its commit is syncing
	appendN(t, fast, 2)
	if a, err := loadAnchor(anchorFile); err != nil || a.Records != 3 {
		t.Fatalf("after the second writer's appends: anchor %+v, %v; want it on record 3", a, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if a, err := loadAnchor(anchorFile); err != nil || a.Records != 3 {
		t.Fatalf("after the first writer's commit of record 1 ended: anchor %+v, %v; want it still on record 3", a, err)
	}
	if rep := mustVerify(t, dir); !rep.OK() || rep.Records != 3 || rep.Anchored != 3 {
		t.Fatalf("verify: %+v %v", rep, rep.Break)
	}
}

// TestFailedSyncIsFinal: a failed fsync fails the appends it covered and
// every later one, since a retried fsync could succeed without the pages
// the kernel dropped; the log reopens with its chain whole.
func TestFailedSyncIsFinal(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 2)
	l.syncFile = func(*os.File) error { return errors.New("input/output error") }
	if _, err := l.Append(ctx, Entry{Tool: "search_context"}); err == nil || !strings.Contains(err.Error(), "could not be synced") {
		t.Fatalf("append over a failing disk: got %v, want a sync failure", err)
	}
	l.syncFile = (*os.File).Sync
	if _, err := l.Append(ctx, Entry{Tool: "search_context"}); err == nil || !strings.Contains(err.Error(), "restart devai") {
		t.Fatalf("append after a failed sync: got %v, want a refusal that says to restart", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	l2 := openLog(t, dir, Options{})
	rec, err := l2.Append(ctx, Entry{Tool: "search_context"})
	if err != nil {
		t.Fatalf("append after reopening: %v", err)
	}
	// The record whose sync failed was written whole, so it may stay.
	if rep := mustVerify(t, dir); !rep.OK() || rep.Records != int(rec.Seq) {
		t.Fatalf("verify: %+v %v (last seq %d)", rep, rep.Break, rec.Seq)
	}
}
