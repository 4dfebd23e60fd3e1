package drain

import (
	"io"
	"sort"
	"time"

	"github.com/devaiops/devai/memory/logparse"
)

// Summary is a log reduced to its templates.
type Summary struct {
	Lines     int            `json:"lines"`   // input lines read
	Records   int            `json:"records"` // events (a stack trace is one)
	Bytes     int64          `json:"bytes"`
	Formats   map[string]int `json:"formats"` // records by format
	Templates []Template     `json:"templates"`
	// LineTemplates, when asked for, gives each input line's template ID
	// (0: a blank line outside any event), in line order.
	LineTemplates []int  `json:"line_templates,omitempty"`
	Truncated     bool   `json:"truncated"` // stopped at the byte limit
	Note          string `json:"note,omitempty"`
}

// Template is one cluster with what the summary knows of its events.
type Template struct {
	ID        int            `json:"id"`
	Template  string         `json:"template"`
	Count     int            `json:"count"`
	Levels    map[string]int `json:"levels"`
	FirstLine int            `json:"first_line"`
	LastLine  int            `json:"last_line"`
	FirstSeen time.Time      `json:"first_seen,omitzero"`
	LastSeen  time.Time      `json:"last_seen,omitzero"`
	Example   string         `json:"example"` // the first event's message
	Error     bool           `json:"error"`   // some event was at error or fatal level
}

// SummaryOptions tune Summarize.
type SummaryOptions struct {
	Drain    Options
	MaxBytes int64 // stop after this many bytes (0: no limit)
	Lines    bool  // fill LineTemplates
	// Now places stamps written without a year (logparse.PlaceYear);
	// zero: the clock.
	Now time.Time
}

// Summarize streams r through the log scanner and the miner. Memory grows
// with the number of templates, not with the log (LineTemplates aside).
func Summarize(r io.Reader, opts SummaryOptions) (Summary, error) {
	sc := logparse.NewScanner(r, opts.MaxBytes)
	sc.NoFields = true
	sc.Now = opts.Now
	m := New(opts.Drain)
	s := Summary{Formats: map[string]int{}}
	var byID []*Template // by cluster ID
	lastFormat, formatCount := "", 0
	for sc.Scan() {
		rec := sc.Record()
		s.Records++
		if rec.Format != lastFormat { // formats come in runs: count a run at once
			if formatCount > 0 {
				s.Formats[lastFormat] += formatCount
			}
			lastFormat, formatCount = rec.Format, 0
		}
		formatCount++
		c := m.Add(rec.Pattern())
		for len(byID) <= c.ID {
			byID = append(byID, nil)
		}
		t := byID[c.ID]
		if t == nil {
			t = &Template{ID: c.ID, Levels: map[string]int{}, FirstLine: rec.Line, Example: rec.Message}
			byID[c.ID] = t
		}
		t.Count++
		t.LastLine = rec.Line
		lv := rec.Level
		if lv == "" {
			lv = "none"
		}
		t.Levels[lv]++
		t.Error = t.Error || rec.Level == "error" || rec.Level == "fatal"
		if !rec.Time.IsZero() {
			if t.FirstSeen.IsZero() || rec.Time.Before(t.FirstSeen) {
				t.FirstSeen = rec.Time
			}
			if rec.Time.After(t.LastSeen) {
				t.LastSeen = rec.Time
			}
		}
		if opts.Lines {
			for len(s.LineTemplates) < rec.Line-1 {
				s.LineTemplates = append(s.LineTemplates, 0)
			}
			for l := rec.Line; l <= rec.EndLine; l++ {
				s.LineTemplates = append(s.LineTemplates, c.ID)
			}
		}
	}
	if formatCount > 0 {
		s.Formats[lastFormat] += formatCount
	}
	s.Lines, s.Bytes, s.Truncated = sc.Lines(), sc.Bytes(), sc.Truncated
	if opts.Lines {
		for len(s.LineTemplates) < s.Lines {
			s.LineTemplates = append(s.LineTemplates, 0)
		}
	}
	if s.Truncated {
		s.Note = "stopped at the byte limit; the rest of the input was not read (raise --max-bytes)"
	}
	if m.Overflowed > 0 {
		s.Note += "; the template limit was reached and later messages joined their nearest template"
	}
	s.Templates = make([]Template, 0, len(byID))
	for _, c := range m.Clusters() {
		if c.ID < len(byID) && byID[c.ID] != nil {
			t := byID[c.ID]
			t.Template = c.Template()
			s.Templates = append(s.Templates, *t)
		}
	}
	// Errors first, then by count, the most frequent first: the log's
	// main patterns ("status unpacked" × 1383) come before its one-off
	// lines (issue 12: 50 one-offs were listed above them).
	sort.SliceStable(s.Templates, func(i, j int) bool {
		a, b := s.Templates[i], s.Templates[j]
		if a.Error != b.Error {
			return a.Error
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.FirstLine < b.FirstLine
	})
	return s, sc.Err()
}
