package textindex

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// Writers, searchers and Close may overlap: calls after Close fail with
// ErrClosed instead of touching a closed bleve index.
func TestConcurrentUseAndClose(t *testing.T) {
	ix, _ := openTemp(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				err := ix.ReplacePath("f"+itoa(w)+".go", []Doc{{ID: "f" + itoa(w) + ".go#" + itoa(i%3), Path: "f" + itoa(w) + ".go", Text: "alpha beta " + itoa(i)}})
				if err != nil && !errors.Is(err, ErrClosed) {
					errs <- err
					return
				}
			}
		}(w)
	}
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				if _, err := ix.Search(context.Background(), Query{Text: "alpha", PathGlob: "*.go"}); err != nil && !errors.Is(err, ErrClosed) {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := ix.Close(); err != nil {
			errs <- err
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
