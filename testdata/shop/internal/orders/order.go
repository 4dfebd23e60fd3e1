// Package orders creates, lists and cancels customer orders. Money is kept
// in integer cents throughout (NFR-005); an order moves through a fixed set
// of statuses (docs/specs/003-orders.md, FR-020).
package orders

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Status is where an order is in its life.
type Status string

// The statuses of an order.
const (
	StatusPending   Status = "pending"
	StatusPaid      Status = "paid"
	StatusShipped   Status = "shipped"
	StatusDelivered Status = "delivered"
	StatusCancelled Status = "cancelled"
)

// transitions lists the statuses each status may move to (FR-020).
var transitions = map[Status][]Status{
	StatusPending: {StatusPaid, StatusCancelled},
	StatusPaid:    {StatusShipped, StatusCancelled},
	StatusShipped: {StatusDelivered},
}

// CanTransitionTo reports whether an order in status s may move to next.
func (s Status) CanTransitionTo(next Status) bool {
	for _, allowed := range transitions[s] {
		if allowed == next {
			return true
		}
	}
	return false
}

// Item is one line of an order.
type Item struct {
	SKU            string `json:"sku"`
	Quantity       int    `json:"quantity"`
	UnitPriceCents int64  `json:"unit_price_cents"`
}

// Order is a customer's order. TotalCents is fixed at creation.
type Order struct {
	ID           string    `json:"id"`
	UserID       string    `json:"user_id"`
	Items        []Item    `json:"items"`
	Status       Status    `json:"status"`
	TotalCents   int64     `json:"total_cents"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	CancelReason string    `json:"cancel_reason,omitempty"`
}

// Validation errors; handlers map them to 422.
var (
	ErrNoItems         = errors.New("order has no items")
	ErrInvalidQuantity = errors.New("item quantity must be between 1 and 999")
	ErrInvalidPrice    = errors.New("item price must not be negative")
	ErrTotalOverflow   = errors.New("order total is too large")
)

// MaxQuantity is the largest quantity of one item in one order.
const MaxQuantity = 999

// Total sums quantity × unit price over items, in cents, refusing empty
// orders, bad quantities and overflow (FR-013, FR-014).
func Total(items []Item) (int64, error) {
	if len(items) == 0 {
		return 0, ErrNoItems
	}
	var total int64
	for i, it := range items {
		if it.SKU == "" {
			return 0, fmt.Errorf("item %d: empty sku", i)
		}
		if it.Quantity < 1 || it.Quantity > MaxQuantity {
			return 0, fmt.Errorf("item %d (%s): %w", i, it.SKU, ErrInvalidQuantity)
		}
		if it.UnitPriceCents < 0 {
			return 0, fmt.Errorf("item %d (%s): %w", i, it.SKU, ErrInvalidPrice)
		}
		line := it.UnitPriceCents * int64(it.Quantity)
		if it.UnitPriceCents != 0 && line/int64(it.Quantity) != it.UnitPriceCents || total > math.MaxInt64-line {
			return 0, ErrTotalOverflow
		}
		total += line
	}
	return total, nil
}

// FormatCents renders an amount of cents as a decimal string with two
// places, e.g. 123456 → "1234.56" and -5 → "-0.05".
func FormatCents(cents int64) string {
	sign := ""
	if cents < 0 {
		sign = "-"
		cents = -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}
