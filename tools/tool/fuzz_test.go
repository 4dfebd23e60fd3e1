package tool

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseTimeRange reads any since/until pair: an age (90s, 7d) is never
// after now, and a window that parses is not inverted.
func FuzzParseTimeRange(f *testing.F) {
	for _, s := range [][2]string{{"15m", ""}, {"2026-01-31T09:00:00Z", "2026-01-31T10:00:00.5+02:00"}, {"2026-01-31", "7d"},
		{"", "90s"}, {"1.5h", "0s"}, {"2562047h", ""}, {"106751d", ""}, {"200000d", ""}, {"-5m", "x"}} {
		f.Add(s[0], s[1])
	}
	now := time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, since, until string) {
		for _, s := range []string{since, until} {
			w, err := ParseWhen(s, now)
			if err == nil && w.After(now) && !isDate(s) {
				t.Errorf("ParseWhen(%q) = %v, after now %v: an age must reach back", s, w, now)
			}
		}
		r, err := ParseTimeRange(since, until, now)
		if err != nil {
			return
		}
		if !r.Since.IsZero() && !r.Until.IsZero() && !r.Until.After(r.Since) {
			t.Errorf("window %v..%v is inverted", r.Since, r.Until)
		}
		_ = r.String()
	})
}

// isDate reports whether s is one of the absolute forms, which may name
// the future.
func isDate(s string) bool {
	_, ok := parseAbsolute(strings.TrimSpace(s))
	return ok
}
