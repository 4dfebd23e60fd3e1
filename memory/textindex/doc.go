// Package textindex is devai's full-text channel: a bleve v2 (scorch) index
// of chunks scored with BM25 over a lean, static mapping.
//
// Why a custom analyzer: code search has to match both the identifier a user
// pastes (cleanupExpiredSessions) and the words a user types ("how are
// expired sessions cleaned up"). The "devai_code" analyzer therefore keeps
// every token whole and adds its camelCase, snake_case, digit, dotted and
// acronym parts at the same position, then lowercases, drops a short list of
// English stop words and applies the Porter stemmer, so "expired" and
// "expire", "sessions" and "session" meet.
//
// Why a lean mapping: chunk text lives outside bleve (the caller keeps it), so
// nothing is stored, there are no term vectors and no _all field. That makes
// the index about a tenth of bleve's default size and three times faster to
// build, at the price of phrase queries and highlighting, which we do not use.
// Which fields a hit matched (the "why it matched" of a search) is found with
// one cheap filtered query per field over the returned hits instead.
//
// Scoring: BM25 (k1 1.2, b 0.75) over the body, plus the same query terms on
// the symbol (boost 3), path words (2), test names (2) and signature (1.5),
// and requirement IDs found in the query as exact terms (4). The document
// count and field lengths BM25 uses are the caller's (SetStats, summed from
// Doc.Lengths), not bleve's own, which are no lengths and move as segments
// merge (see stats.go). There are no
// phrase queries: without term vectors bleve cannot run them. Query terms
// that occur in more than 5% of the bodies (and 500 docs) only add to the
// score of docs a rarer term found, so "close" or "err" in a question does
// not make the search walk the whole index. Kind, language, path glob and
// time filters are bleve filter clauses: they never change the scores.
//
// One writer per index directory: root.bolt is held with an exclusive lock for
// as long as the index is open, and a read-only open takes a shared lock, so
// it also waits while a writer holds the index. Open never blocks longer than
// Options.OpenTimeout; it fails with ErrLocked instead.
package textindex
