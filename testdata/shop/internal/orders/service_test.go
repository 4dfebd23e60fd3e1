package orders

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"
)

func newTestService() *Service {
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return NewService(slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	})
}

var mug = []Item{{SKU: "mug-01", Quantity: 1, UnitPriceCents: 1250}}

// verifies: FR-015
func TestListNewestFirstAndPaged(t *testing.T) {
	svc := newTestService()
	ctx := context.Background()
	var ids []string
	for i := 0; i < 5; i++ {
		o, err := svc.Create(ctx, "u-1", mug)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	svc.Create(ctx, "u-2", mug)

	got, total := svc.List(ctx, "u-1", Page{Number: 1, Size: 2})
	if total != 5 || len(got) != 2 || got[0].ID != ids[4] || got[1].ID != ids[3] {
		t.Fatalf("page 1 = %v (total %d)", got, total)
	}
	got, _ = svc.List(ctx, "u-1", Page{Number: 9, Size: 2})
	if len(got) != 0 {
		t.Fatalf("page past the end = %v, want empty", got)
	}
}

// verifies: FR-016
func TestOtherUsersOrderIsNotFound(t *testing.T) {
	svc := newTestService()
	ctx := context.Background()
	o, _ := svc.Create(ctx, "u-1", mug)
	if _, err := svc.Get(ctx, "u-2", o.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get by another user = %v, want ErrNotFound", err)
	}
	if _, err := svc.Cancel(ctx, "u-2", o.ID, "mine now"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Cancel by another user = %v, want ErrNotFound", err)
	}
}

// verifies: FR-017
func TestCancelPendingOrder(t *testing.T) {
	svc := newTestService()
	ctx := context.Background()
	o, _ := svc.Create(ctx, "u-1", mug)
	got, err := svc.Cancel(ctx, "u-1", o.ID, "changed my mind")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusCancelled || got.CancelReason != "changed my mind" {
		t.Fatalf("cancelled order = %+v", got)
	}
}
