package orders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"
)

// Lookup and state errors. Handlers map ErrNotFound to 404 and
// ErrNotCancellable to 409.
var (
	ErrNotFound       = errors.New("order not found")
	ErrNotCancellable = errors.New("order can no longer be cancelled")
)

// Service keeps orders in memory. It is safe for concurrent use.
type Service struct {
	mu     sync.Mutex
	nextID int
	orders map[string]*Order
	now    func() time.Time
	log    *slog.Logger
}

// NewService returns an empty order service. now may be nil for time.Now.
func NewService(logger *slog.Logger, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{nextID: 5000, orders: make(map[string]*Order), now: now, log: logger}
}

// Create places a pending order for userID (FR-013, FR-014).
func (s *Service) Create(ctx context.Context, userID string, items []Item) (Order, error) {
	total, err := Total(items)
	if err != nil {
		return Order{}, fmt.Errorf("create order: %w", err)
	}
	now := s.now()
	s.mu.Lock()
	s.nextID++
	o := &Order{
		ID:         fmt.Sprintf("ord-%d", s.nextID),
		UserID:     userID,
		Items:      append([]Item(nil), items...),
		Status:     StatusPending,
		TotalCents: total,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	s.orders[o.ID] = o
	s.mu.Unlock()
	s.log.InfoContext(ctx, "order created", "order_id", o.ID, "user_id", userID, "items", len(items), "total_cents", total)
	return *o, nil
}

// Get returns userID's order id. Another user's order is reported as not
// found, so IDs cannot be probed (FR-016).
func (s *Service) Get(ctx context.Context, userID, id string) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok || o.UserID != userID {
		return Order{}, ErrNotFound
	}
	return *o, nil
}

// List returns one page of userID's orders, newest first, and how many
// orders the user has in all (FR-015).
func (s *Service) List(ctx context.Context, userID string, page Page) ([]Order, int) {
	s.mu.Lock()
	var mine []Order
	for _, o := range s.orders {
		if o.UserID == userID {
			mine = append(mine, *o)
		}
	}
	s.mu.Unlock()
	sort.Slice(mine, func(i, j int) bool {
		if !mine[i].CreatedAt.Equal(mine[j].CreatedAt) {
			return mine[i].CreatedAt.After(mine[j].CreatedAt)
		}
		return mine[i].ID > mine[j].ID
	})
	start, end := page.Bounds(len(mine))
	return mine[start:end], len(mine)
}

// Cancel cancels userID's order id if it has not shipped yet (FR-017,
// FR-018).
func (s *Service) Cancel(ctx context.Context, userID, id, reason string) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok || o.UserID != userID {
		return Order{}, ErrNotFound
	}
	if !o.Status.CanTransitionTo(StatusCancelled) {
		return Order{}, fmt.Errorf("cancel %s in status %s: %w", id, o.Status, ErrNotCancellable)
	}
	o.Status = StatusCancelled
	o.CancelReason = reason
	o.UpdatedAt = s.now()
	s.log.InfoContext(ctx, "order cancelled", "order_id", id, "user_id", userID, "reason", reason)
	return *o, nil
}

// Advance moves order id to next, for the payment and shipping back office.
func (s *Service) Advance(ctx context.Context, id string, next Status) (Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return Order{}, ErrNotFound
	}
	if !o.Status.CanTransitionTo(next) {
		return Order{}, fmt.Errorf("order %s: %s → %s is not allowed", id, o.Status, next)
	}
	o.Status = next
	o.UpdatedAt = s.now()
	s.log.InfoContext(ctx, "order status changed", "order_id", id, "status", string(next))
	return *o, nil
}
