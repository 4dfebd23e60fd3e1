package gaps

// testReach is every definition the tests reach through the symbol graph:
// the tests, what they reference, what that references, and so on, across
// packages and with no bound on the chain's length. A function stored in a
// map or a struct field, passed as an argument or returned in a closure is
// a reference of the code that stores, passes or returns it, so it is
// reached when that code is. Keyed by qualified ID.
func (a *analysis) testReach() map[string]bool {
	seen := map[string]bool{}
	var queue []string
	visit := func(id string) {
		if !seen[id] {
			seen[id] = true
			queue = append(queue, id)
		}
	}
	for _, t := range a.tests {
		visit(t.Symbol)
	}
	for n := 0; len(queue) > 0; n++ {
		if n%256 == 0 && a.ctx.Err() != nil {
			return seen
		}
		id := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, c := range a.callees(id) {
			visit(c.ID)
		}
	}
	return seen
}
