package tool

import (
	"strings"
	"unicode"
)

// SnakeCase writes a CamelCase name in snake_case ("SummaryParser" →
// "summary_parser"), as Python and Rust name their tests.
func SnakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
