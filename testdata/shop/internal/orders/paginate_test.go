package orders

import "testing"

func TestPageBounds(t *testing.T) {
	tests := []struct {
		page       Page
		n          int
		start, end int
	}{
		{Page{}, 0, 0, 0},
		{Page{Number: 1, Size: 20}, 13, 0, 13},
		{Page{Number: 2, Size: 5}, 13, 5, 10},
		{Page{Number: 3, Size: 5}, 13, 10, 13},
		{Page{Number: 4, Size: 5}, 13, 13, 13},
		{Page{Number: 1, Size: 500}, 250, 0, 100},
	}
	for _, tt := range tests {
		start, end := tt.page.Bounds(tt.n)
		if start != tt.start || end != tt.end {
			t.Errorf("%+v.Bounds(%d) = %d, %d; want %d, %d", tt.page, tt.n, start, end, tt.start, tt.end)
		}
	}
}
