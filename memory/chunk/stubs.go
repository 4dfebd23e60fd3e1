package chunk

// The splitters below are filled in by their own files; each returns nil
// when it cannot parse the input, and Split falls back to splitLines.

