package memory

import (
	"strings"
	"testing"
)

// TestOverloadsShareAHit: a method overloaded four times is one hit that
// names the other three's lines, and the places after it go to other code.
func TestOverloadsShareAHit(t *testing.T) {
	var b strings.Builder
	b.WriteString("package com.x;\n\npublic final class JsonObject {\n")
	for _, typ := range []string{"String", "Number", "Boolean", "Character"} {
		b.WriteString("  /** Adds a property whose value is a " + typ + ". */\n  public void addProperty(String property, " + typ + " value) {\n    add(property, value == null ? JsonNull.INSTANCE : new JsonPrimitive(value));\n  }\n\n")
	}
	for _, name := range []string{"size", "isEmpty", "hashCode", "keySet", "entrySet", "deepCopy", "asMap", "toString"} {
		b.WriteString("  /** Returns the " + name + " of the members. */\n  public Object " + name + "() {\n    return members." + name + "();\n  }\n\n")
	}
	b.WriteString("  /** Removes a property. */\n  public JsonElement remove(String property) {\n    return members.remove(property);\n  }\n}\n")
	ix := openSynced(t, writeRepo(t, map[string]string{
		"src/main/java/com/x/JsonObject.java": b.String(),
		"src/main/java/com/x/Reader.java":     "package com.x;\n\npublic final class Reader {\n  /** Skips a property the type does not declare. */\n  void skipUnknownProperty(String property) {\n    in.skipValue();\n  }\n}\n",
	}))
	res := search(t, ix, Query{Text: "add a property value", Limit: 5})
	count := 0
	for _, h := range res.Hits {
		if strings.HasSuffix(h.Symbol, "addProperty") {
			count++
			if !strings.Contains(h.Why, "3 more of this name in the file") {
				t.Errorf("why %q does not name the three other overloads", h.Why)
			}
		}
	}
	if count != 1 {
		t.Errorf("%d hits for addProperty, want 1 standing for its overloads: %v", count, paths(res.Hits))
	}
	if !strings.Contains(strings.Join(paths(res.Hits), " "), "Reader.java") {
		t.Errorf("hits %v: the places after the overloads should go to other code", paths(res.Hits))
	}
	file := search(t, ix, Query{Text: "add a property value", Limit: 5, FileLevel: true})
	if len(file.Hits) == 0 || strings.Contains(file.Hits[0].Why, "more of this name") {
		t.Errorf("file-level hits %+v should be unchanged", file.Hits)
	}
}
