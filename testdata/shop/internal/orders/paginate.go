package orders

// Page sizes for listing orders (FR-015).
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Page asks for one page of a list; Number counts from 1.
type Page struct {
	Number int
	Size   int
}

// Normalize fills in defaults and clamps the size to MaxPageSize.
func (p Page) Normalize() Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Size < 1 {
		p.Size = DefaultPageSize
	}
	if p.Size > MaxPageSize {
		p.Size = MaxPageSize
	}
	return p
}

// Bounds returns the half-open range [start, end) of a list of n elements
// that the page covers. A page past the end is empty: start == end == n.
func (p Page) Bounds(n int) (start, end int) {
	p = p.Normalize()
	start = (p.Number - 1) * p.Size
	if start > n {
		start = n
	}
	end = start + p.Size
	if end > n {
		end = n
	}
	return start, end
}
