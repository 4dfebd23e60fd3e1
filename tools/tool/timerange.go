package tool

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// ParseWhen reads a point in time as people type it: RFC 3339
// (2026-01-31T09:00:00Z, fractions allowed), a date (2026-01-31, local
// midnight), RFC 3339 without a zone (2026-01-31T09:00:00, UTC), or an age
// before now (90s, 15m, 2h, 7d). The empty string is the zero time (no
// bound). It is the one parser of since/until for every tool and command
// (search_context, trace_root_cause, devai decisions), so all accept the
// same forms.
func ParseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, ok := parseAbsolute(s); ok {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := time.ParseDuration(days + "h"); err == nil && d >= 0 {
			if d > math.MaxInt64/24 { // 24*d would wrap into the future
				return time.Time{}, fmt.Errorf("%q reaches back further than a duration can (about 290 years): give a date (2026-01-31) instead", s)
			}
			return now.Add(-24 * d), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339 (2026-01-31T09:00:00Z), a date (2026-01-31) or an age before now (90s, 15m, 2h, 7d)", s)
}

// parseAbsolute reads the absolute forms ParseWhen takes, which may name
// the future: RFC 3339, a date (local midnight), a time without a zone.
func parseAbsolute(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// TimeRange is a window over the indexed logs: events at or after Since and
// before Until. A zero bound is open.
type TimeRange struct {
	Since, Until time.Time
}

// ParseTimeRange reads since and until with ParseWhen and checks that the
// window is not inverted or empty.
func ParseTimeRange(since, until string, now time.Time) (TimeRange, error) {
	var r TimeRange
	var err error
	if r.Since, err = ParseWhen(since, now); err != nil {
		return TimeRange{}, fmt.Errorf("since: %w", err)
	}
	if r.Until, err = ParseWhen(until, now); err != nil {
		return TimeRange{}, fmt.Errorf("until: %w", err)
	}
	if !r.Since.IsZero() && !r.Until.IsZero() && !r.Until.After(r.Since) {
		return TimeRange{}, fmt.Errorf("until (%s) is not after since (%s): the window is inverted or empty; swap them, or give only since",
			Stamp(r.Until), Stamp(r.Since))
	}
	return r, nil
}

// Contains reports whether t falls in the window.
func (r TimeRange) Contains(t time.Time) bool {
	return (r.Since.IsZero() || !t.Before(r.Since)) && (r.Until.IsZero() || t.Before(r.Until))
}

// String says the window in words, for notes and the output's source.
func (r TimeRange) String() string {
	switch {
	case r.Since.IsZero() && r.Until.IsZero():
		return "at any time"
	case r.Until.IsZero():
		return "since " + Stamp(r.Since)
	case r.Since.IsZero():
		return "until " + Stamp(r.Until)
	}
	return "from " + Stamp(r.Since) + " until " + Stamp(r.Until)
}

// Stamp is a time as RFC 3339 in UTC, with milliseconds only when it has them.
func Stamp(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format(time.RFC3339)
	}
	return t.Format("2006-01-02T15:04:05.000Z07:00")
}
