package pgstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/pgstore"
	"github.com/devaiops/devai/memory/pgstore/pgtest"
)

func openStore(t *testing.T, url string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), url, pgstore.Options{RetryFor: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func openLog(t *testing.T, s *pgstore.Store, repo, keyFile string) *pgstore.DecisionLog {
	t.Helper()
	l, err := s.Decisions(context.Background(), repo, pgstore.DecisionOptions{KeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Two stores (two replicas' pools) append concurrently to one repository's
// chain: every record lands once, in one unbroken chain that verifies, and
// another repository's chain is separate.
func TestConcurrentAppendsFormOneChain(t *testing.T) {
	pg := pgtest.Start(t)
	key := filepath.Join(t.TempDir(), "decisions.key")
	a, b := openStore(t, pg.URL), openStore(t, pg.URL)
	la, lb := openLog(t, a, "shop", key), openLog(t, b, "shop", key)
	other := openLog(t, a, "billing", key)
	ctx := context.Background()
	const writers, each = 10, 20
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		l := la
		if w%2 == 1 {
			l = lb
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := l.Append(ctx, decisions.Entry{Tool: "search_context", Arguments: map[string]any{"query": fmt.Sprintf("w%d-%d", w, i)}}); err != nil {
					errs <- err
				}
			}
		}()
	}
	if _, err := other.Append(ctx, decisions.Entry{Tool: "draft_spec"}); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep, err := lb.Verify(ctx)
	if err != nil || !rep.OK() || rep.Records != writers*each || rep.Anchored != writers*each {
		t.Fatalf("verify: %v %+v %v", err, rep, rep.Break)
	}
	recs, err := la.List(ctx, decisions.Filter{})
	if err != nil || len(recs) != writers*each {
		t.Fatalf("list: %v, %d records", err, len(recs))
	}
	seen := map[string]bool{}
	for i, r := range recs {
		if r.Seq != int64(i+1) || seen[string(r.Arguments)] {
			t.Fatalf("record %d: seq %d, arguments %s (seen before: %v)", i, r.Seq, r.Arguments, seen[string(r.Arguments)])
		}
		seen[string(r.Arguments)] = true
	}
	if rep, err := other.Verify(ctx); err != nil || !rep.OK() || rep.Records != 1 {
		t.Fatalf("the other repository's chain: %v %+v", err, rep)
	}
	last, err := la.List(ctx, decisions.Filter{Limit: 3})
	if err != nil || len(last) != 3 || last[2].Seq != writers*each {
		t.Fatalf("the last 3: %v %+v", err, last)
	}
	got, err := lb.Get(ctx, "d7")
	if err != nil || got.Seq != 7 || got.Hash != recs[6].Hash {
		t.Fatalf("get d7: %v %+v", err, got)
	}
}

// Edits made in the database without the key are found, as in the files.
func TestVerifyFindsTampering(t *testing.T) {
	pg := pgtest.Start(t)
	key := filepath.Join(t.TempDir(), "decisions.key")
	s := openStore(t, pg.URL)
	l := openLog(t, s, "shop", key)
	ctx := context.Background()
	for i := range 5 {
		if _, err := l.Append(ctx, decisions.Entry{Tool: "search_context", Summary: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tests := []struct {
		name, sql, kind string
	}{
		{"edited", `UPDATE decisions SET line = replace(line, '"summary":"2"', '"summary":"X"') WHERE seq = 3`, decisions.BreakEdited},
		{"deleted in the middle", `DELETE FROM decisions WHERE seq = 3`, decisions.BreakMoved},
		{"newest deleted", `DELETE FROM decisions WHERE seq = 5`, decisions.BreakTruncated},
		{"head edited", `UPDATE decision_heads SET seq = 4`, decisions.BreakAnchor},
		{"head deleted", `DELETE FROM decision_heads`, decisions.BreakAnchorMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, tt.sql); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			rep, err := l.Verify(ctx)
			if err != nil || rep.OK() || rep.Break.Kind != tt.kind {
				t.Errorf("verify after %s: %v, break %v, want kind %s", tt.name, err, rep.Break, tt.kind)
			}
			restore(t, conn, s, l)
		})
	}
}

// restore rebuilds the chain of TestVerifyFindsTampering: five records.
func restore(t *testing.T, conn *pgx.Conn, s *pgstore.Store, l *pgstore.DecisionLog) {
	t.Helper()
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "DELETE FROM decisions; DELETE FROM decision_heads"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := l.Append(ctx, decisions.Entry{Tool: "search_context", Summary: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// A repository no replica has appended to verifies, with a note.
func TestVerifyEmptyChain(t *testing.T) {
	pg := pgtest.Start(t)
	l := openLog(t, openStore(t, pg.URL), "shop", filepath.Join(t.TempDir(), "decisions.key"))
	rep, err := l.Verify(context.Background())
	if err != nil || !rep.OK() || rep.Records != 0 || len(rep.Notes) != 1 {
		t.Fatalf("verify of an empty chain: %v %+v %v", err, rep, rep.Break)
	}
}

// A replica whose key differs from the one the chain was signed with is
// refused at open, with the reason.
func TestWrongKeyIsRefused(t *testing.T) {
	pg := pgtest.Start(t)
	s := openStore(t, pg.URL)
	l := openLog(t, s, "shop", filepath.Join(t.TempDir(), "a.key"))
	if _, err := l.Append(context.Background(), decisions.Entry{Tool: "search_context"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Decisions(context.Background(), "shop", pgstore.DecisionOptions{KeyFile: filepath.Join(t.TempDir(), "b.key")})
	if err == nil {
		t.Fatal("a replica without the chain's key opened it")
	}
	t.Log(err)
}
