package memory

import (
	"fmt"
	"reflect"
	"testing"
)

func TestQueryTitle(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"backoff between retries too short", ""},
		{"  backoff too short  \n", ""},
		{"# Backoff too short\n\n### Issue Description\nthe uploader retries at once", "Backoff too short"},
		{"upload: grow the backoff\nRetries came too fast behind a proxy.", "upload: grow the backoff"},
		{"upload: grow the backoff\r\n\r\nRetries came too fast.", "upload: grow the backoff"},
		{"title only\n\n---\n", ""},
	} {
		if got := queryTitle(c.text); got != c.want {
			t.Errorf("queryTitle(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestTitleWeighting: an issue's title outweighs its body's words when the
// title is weighted, and a one-line query ranks exactly alike either way.
func TestTitleWeighting(t *testing.T) {
	repo := writeRepo(t, map[string]string{
		"go.mod":          "module example.com/up\n\ngo 1.22\n",
		"upload/retry.go": "package upload\n\n// backoff is the delay between retries.\nfunc backoff(n int) int { return n * 100 }\n",
		"proxy/log.go":    "package proxy\n\n// logConnection writes the connection log of the uploader behind the proxy.\nfunc logConnection(uploader string) {}\n",
	})
	issue := "# Backoff between retries too short\n\nWe run the uploader behind a proxy; the proxy connection log shows the uploader reconnecting."
	for _, c := range []struct {
		title float64
		first string
	}{
		{2, "upload/retry.go"},
		{0, "proxy/log.go"},
	} {
		w := DefaultWeights
		w.Title = c.title
		wantFirstFile(t, repo, w, issue, c.first, fmt.Sprintf("title %g", c.title))
	}
	one := "backoff between retries behind the proxy"
	var runs []Result
	for _, title := range []float64{0, 2} {
		w := DefaultWeights
		w.Title = title
		runs = append(runs, searchWeighted(t, repo, w, Query{Text: one, Mode: ModeText}))
	}
	if !reflect.DeepEqual(runs[0].Hits, runs[1].Hits) {
		t.Errorf("a one-line query ranks differently with the title weighted:\n%v\n%v", runs[0].Hits, runs[1].Hits)
	}
}
