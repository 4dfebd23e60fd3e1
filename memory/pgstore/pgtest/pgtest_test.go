package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestStartRestart(t *testing.T) {
	s := Start(t)
	ctx := context.Background()
	query := func() int {
		c, err := pgx.Connect(ctx, s.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		var n int
		if err := c.QueryRow(ctx, "select 41 + 1").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := query(); n != 42 {
		t.Fatalf("got %d", n)
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if n := query(); n != 42 {
		t.Fatalf("after restart: got %d", n)
	}
}
