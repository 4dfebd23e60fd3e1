//go:build darwin || ios

package rusage

// maxrssUnit: Darwin counts ru_maxrss in bytes.
const maxrssUnit = 1
