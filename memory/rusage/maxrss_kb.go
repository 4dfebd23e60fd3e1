//go:build unix && !darwin && !ios

package rusage

// maxrssUnit: Linux and the BSDs count ru_maxrss in kilobytes.
const maxrssUnit = 1024
