package tool

import (
	"errors"
	"fmt"
	"testing"
)

func TestIsInputError(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{Inputf("limit %d is out of range", 0), true},
		{fmt.Errorf("search: %w", Inputf("bad glob")), true},
		{Input(errors.New("edit 2: no match")), true},
		{errors.New("disk full"), false},
		{nil, false},
		{Input(nil), false},
	} {
		if got := IsInputError(tt.err); got != tt.want {
			t.Errorf("IsInputError(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if got := Inputf("limit %d: use 1 to %d", 0, 50).Error(); got != "limit 0: use 1 to 50" {
		t.Errorf("message %q", got)
	}
}
