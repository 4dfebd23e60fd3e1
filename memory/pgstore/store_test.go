package pgstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devaiops/devai/memory/decisions"
	"github.com/devaiops/devai/memory/pgstore"
	"github.com/devaiops/devai/memory/pgstore/pgtest"
)

// Replicas starting together apply each migration once, and a store opened
// again applies none.
func TestMigrationsApplyOnce(t *testing.T) {
	pg := pgtest.Start(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := pgstore.Open(context.Background(), pg.URL, pgstore.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			s.Close()
		}()
	}
	wg.Wait()
	openStore(t, pg.URL)
	conn, err := pgx.Connect(context.Background(), pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n, distinct int
	if err := conn.QueryRow(context.Background(), "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	files, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if n != len(files) || distinct != len(files) {
		t.Fatalf("schema_migrations holds %d rows (%d versions), want each of the %d migrations once", n, distinct, len(files))
	}
}

// While PostgreSQL is down an append retries, then fails with an error
// that says the store cannot be reached; once it is back, appends go on
// and the chain holds every record that was acknowledged.
func TestAppendWhileTheServerIsDown(t *testing.T) {
	pg := pgtest.Start(t)
	s, err := pgstore.Open(context.Background(), pg.URL, pgstore.Options{RetryFor: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l := openLog(t, s, "shop", filepath.Join(t.TempDir(), "decisions.key"))
	defer l.Close()
	ctx := context.Background()
	if _, err := l.Append(ctx, decisions.Entry{Tool: "search_context"}); err != nil {
		t.Fatal(err)
	}
	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	_, err = l.Append(ctx, decisions.Entry{Tool: "search_context"})
	if err == nil || !strings.Contains(err.Error(), "cannot be reached") || !strings.Contains(err.Error(), "is PostgreSQL running?") {
		t.Fatalf("an append while the server is down: %v", err)
	}
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	rec, err := l.Append(ctx, decisions.Entry{Tool: "search_context"})
	if err != nil || rec.Seq != 2 {
		t.Fatalf("the append after the restart: %v %+v", err, rec)
	}
	if rep, err := l.Verify(ctx); err != nil || !rep.OK() || rep.Records != 2 {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

// Each replica's row says the last commit it indexed of a repository; a
// later sync replaces it, other repositories and replicas keep theirs.
func TestReplicaCommits(t *testing.T) {
	pg := pgtest.Start(t)
	s := openStore(t, pg.URL)
	ctx := context.Background()
	r := s.Replicas()
	for _, w := range []struct{ replica, repo, commit string }{
		{"web-1", "shop", "aaa"}, {"web-2", "shop", "aaa"}, {"web-1", "billing", "ccc"}, {"web-1", "shop", "bbb"},
	} {
		if err := r.Indexed(ctx, w.replica, w.repo, w.commit); err != nil {
			t.Fatal(err)
		}
	}
	got, err := r.List(ctx, "shop")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Replica != "web-1" || got[0].Commit != "bbb" || got[1].Replica != "web-2" || got[1].Commit != "aaa" ||
		got[0].Indexed.Before(got[1].Indexed) || time.Since(got[0].Indexed) > time.Minute {
		t.Fatalf("shop's replicas: %+v", got)
	}
	if got, err := r.List(ctx, "billing"); err != nil || len(got) != 1 || got[0].Commit != "ccc" {
		t.Fatalf("billing's replicas: %+v %v", got, err)
	}
	if got, err := r.List(ctx, "none"); err != nil || len(got) != 0 {
		t.Fatalf("a repository nobody indexed: %+v %v", got, err)
	}
}
