package walk

import (
	"path"
	"strings"
)

// isTestFile applies each language's test conventions:
//
//	Go          *_test.go
//	Python      test_*.py, *_test.py, conftest.py
//	JS/TS       *.test.*, *.spec.*, *_test.* (Deno), files under __tests__/ or spec/
//	Java/Kotlin *Test, *Tests, *IT, *TestCase; files under src/test/
//	Rust        tests.rs, *_tests.rs, *_test.rs (a #[cfg(test)] mod's file)
//	Scala/Groovy the same plus *Spec, *Suite
//	Ruby        *_spec.rb, *_test.rb, test_*.rb, files under spec/
//	C#          *Test.cs, *Tests.cs
//	others      PHP *Test.php, Swift *Tests.swift, Elixir *_test.exs,
//	            Dart *_test.dart, C/C++ *_test.c*, *_unittest.c*, Shell *.bats
//
// and, for any programming language, files under a test/, tests/ or
// __tests__/ folder (Python's and Rust's crate-level tests/, Java's
// src/test/, Go's test/e2e). Files under testdata/ are fixtures, never
// tests; data and markup files in test folders keep their own kind.
func isTestFile(rel, lowerBase, ext, lang string) bool {
	dirs := strings.Split(path.Dir(rel), "/")
	for _, d := range dirs {
		if d == "testdata" {
			return false
		}
	}
	base := path.Base(rel)
	stem := strings.TrimSuffix(base, path.Ext(base))
	lowerStem := strings.ToLower(stem)

	switch ext {
	case ".go":
		if strings.HasSuffix(lowerBase, "_test.go") {
			return true
		}
	case ".py", ".pyi":
		if strings.HasPrefix(lowerStem, "test_") || strings.HasSuffix(lowerStem, "_test") || lowerStem == "conftest" {
			return true
		}
	case ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte":
		if strings.Contains(lowerBase, ".test.") || strings.Contains(lowerBase, ".spec.") ||
			strings.HasSuffix(lowerStem, "_test") || inDir(dirs, "spec") {
			return true
		}
	case ".java", ".kt", ".kts":
		if hasAnySuffix(stem, "Test", "Tests", "IT", "TestCase") {
			return true
		}
	case ".rs":
		if lowerStem == "tests" || strings.HasSuffix(lowerStem, "_tests") || strings.HasSuffix(lowerStem, "_test") {
			return true
		}
	case ".scala", ".groovy":
		if hasAnySuffix(stem, "Test", "Tests", "IT", "TestCase", "Spec", "Suite") {
			return true
		}
	case ".rb":
		if strings.HasSuffix(lowerStem, "_spec") || strings.HasSuffix(lowerStem, "_test") ||
			strings.HasPrefix(lowerStem, "test_") || inDir(dirs, "spec") {
			return true
		}
	case ".cs", ".vb", ".fs":
		if hasAnySuffix(stem, "Test", "Tests") {
			return true
		}
	case ".php":
		if strings.HasSuffix(stem, "Test") {
			return true
		}
	case ".swift":
		if hasAnySuffix(stem, "Test", "Tests") {
			return true
		}
	case ".exs":
		if strings.HasSuffix(lowerStem, "_test") {
			return true
		}
	case ".dart":
		if strings.HasSuffix(lowerStem, "_test") {
			return true
		}
	case ".c", ".cc", ".cpp", ".cxx", ".c++":
		if strings.HasSuffix(lowerStem, "_test") || strings.HasSuffix(lowerStem, "_unittest") ||
			strings.HasPrefix(lowerStem, "test_") {
			return true
		}
	case ".bats":
		return true
	}
	if !IsProgramming(lang) {
		return false
	}
	return inDir(dirs, "test") || inDir(dirs, "tests") || inDir(dirs, "__tests__")
}

// inDir reports whether one of the folders is named name.
func inDir(dirs []string, name string) bool {
	for _, d := range dirs {
		if d == name {
			return true
		}
	}
	return false
}

// hasAnySuffix is a case-sensitive suffix test: "Contest" is not a test,
// "ContestTest" is.
func hasAnySuffix(s string, suffixes ...string) bool {
	for _, suf := range suffixes {
		if len(s) > len(suf) && strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}
