package tool

import (
	"strings"
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{in: "", want: time.Time{}},
		{in: "2026-11-23T21:45:18Z", want: time.Date(2026, 11, 23, 21, 45, 18, 0, time.UTC)},
		{in: "2026-11-23T21:45:18.5Z", want: time.Date(2026, 11, 23, 21, 45, 18, 5e8, time.UTC)},
		{in: " 2026-11-23T23:45:18+02:00 ", want: time.Date(2026, 11, 23, 21, 45, 18, 0, time.UTC)},
		{in: "2026-11-23", want: time.Date(2026, 11, 23, 0, 0, 0, 0, time.Local)},
		{in: "15m", want: now.Add(-15 * time.Minute)},
		{in: "2h", want: now.Add(-2 * time.Hour)},
		{in: "90s", want: now.Add(-90 * time.Second)},
		{in: "7d", want: now.Add(-7 * 24 * time.Hour)},
		{in: "-5m", wantErr: "is not a time"},
		{in: "yesterday", wantErr: "is not a time"},
		{in: "21:45", wantErr: "RFC 3339"},
		// FuzzParseTimeRange: 24 × 200000h wrapped around into 2063.
		{in: "106751d", want: now.Add(-106751 * 24 * time.Hour)},
		{in: "200000d", wantErr: "give a date"},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, now)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseWhen(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTimeRange(t *testing.T) {
	now := time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)
	at := func(m, s int) time.Time { return time.Date(2026, 11, 23, 21, m, s, 0, time.UTC) }
	tests := []struct {
		name, since, until string
		want               TimeRange
		in, out            []time.Time
		wantErr            string
	}{
		{name: "closed", since: "2026-11-23T21:45:00Z", until: "2026-11-23T21:46:00Z",
			want: TimeRange{at(45, 0), at(46, 0)}, in: []time.Time{at(45, 0), at(45, 59)}, out: []time.Time{at(44, 59), at(46, 0)}},
		{name: "open end", since: "20m", want: TimeRange{Since: at(40, 0)}, in: []time.Time{at(40, 0), now.Add(time.Hour)}, out: []time.Time{at(39, 59)}},
		{name: "open start", until: "2026-11-23T21:45:00Z", want: TimeRange{Until: at(45, 0)}, in: []time.Time{at(0, 0)}, out: []time.Time{at(45, 0)}},
		{name: "inverted", since: "2026-11-23T21:46:00Z", until: "2026-11-23T21:45:00Z", wantErr: "not after since"},
		{name: "empty", since: "2026-11-23T21:46:00Z", until: "2026-11-23T21:46:00Z", wantErr: "inverted or empty"},
		{name: "relative inverted", since: "1h", until: "2h", wantErr: "swap them"},
		{name: "bad since", since: "soon", wantErr: "since: "},
		{name: "bad until", until: "later", wantErr: "until: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTimeRange(tt.since, tt.until, now)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !got.Since.Equal(tt.want.Since) || !got.Until.Equal(tt.want.Until) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
			for _, x := range tt.in {
				if !got.Contains(x) {
					t.Errorf("%v should be in %s", x, got)
				}
			}
			for _, x := range tt.out {
				if got.Contains(x) {
					t.Errorf("%v should not be in %s", x, got)
				}
			}
		})
	}
}
