//go:build race

package chunk

// raceEnabled lets timing tests step aside under the race detector,
// which slows this code by an order of magnitude.
const raceEnabled = true
