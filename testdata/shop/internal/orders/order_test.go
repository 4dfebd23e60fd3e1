package orders

import (
	"errors"
	"math"
	"testing"
)

// verifies: FR-013, FR-014, NFR-005
func TestTotal(t *testing.T) {
	tests := []struct {
		name    string
		items   []Item
		want    int64
		wantErr error
	}{
		{"one item", []Item{{SKU: "mug-01", Quantity: 2, UnitPriceCents: 1250}}, 2500, nil},
		{"several items", []Item{{SKU: "mug-01", Quantity: 1, UnitPriceCents: 1250}, {SKU: "tee-m", Quantity: 3, UnitPriceCents: 1999}}, 7247, nil},
		{"free item", []Item{{SKU: "sticker", Quantity: 5, UnitPriceCents: 0}}, 0, nil},
		{"empty", nil, 0, ErrNoItems},
		{"zero quantity", []Item{{SKU: "mug-01", Quantity: 0, UnitPriceCents: 1250}}, 0, ErrInvalidQuantity},
		{"huge quantity", []Item{{SKU: "mug-01", Quantity: 1000, UnitPriceCents: 1250}}, 0, ErrInvalidQuantity},
		{"negative price", []Item{{SKU: "mug-01", Quantity: 1, UnitPriceCents: -1}}, 0, ErrInvalidPrice},
		{"overflow", []Item{{SKU: "a", Quantity: 2, UnitPriceCents: math.MaxInt64 / 2}, {SKU: "b", Quantity: 1, UnitPriceCents: 2}}, 0, ErrTotalOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Total(tt.items)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Fatalf("Total = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestFormatCents(t *testing.T) {
	for cents, want := range map[int64]string{0: "0.00", 5: "0.05", 1250: "12.50", 123456: "1234.56", -5: "-0.05"} {
		if got := FormatCents(cents); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", cents, got, want)
		}
	}
}
