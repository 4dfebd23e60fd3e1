package chunk

import (
	"reflect"
	"strings"
	"testing"
)

func jsFixture() string {
	var methods strings.Builder
	for i := 0; i < 12; i++ {
		methods.WriteString("  helper" + string(rune('A'+i)) + "(x: number): number {\n    const y = x * 2;\n    return y + 1;\n  }\n\n")
	}
	return `import { Request } from "express";
import type { User } from "./user";

/**
 * Renders a greeting. Implements FR-020.
 */
export function greet(user: User): string {
  const css = ` + "`" + `.x { color: red; } ${user.name.length > 3 ? "}" : "{"}` + "`" + `;
  const re = /[{}]+/g;
  return ` + "`Hello, ${user.name} {`" + ` + css.replace(re, "");
}

export const handler = async (req: Request) => {
  if (req.body) {
    return validate(req.body);
  }
  return null;
};

export interface Session {
  id: string;
  user: User;
}

export type Role = "admin" | "user";

export const MAX = 5

@Injectable()
export class AuthService {
  private readonly ttl = 60;

  constructor(private store: Store) {}

  async login(name: string, pass: string): Promise<Session> {
    const s = await this.store.find(name);
    return s;
  }

  logout = (id: string) => {
    this.store.delete(id);
  };

` + methods.String() + `}
`
}

func TestSplitJS(t *testing.T) {
	src := jsFixture()
	chunks := splitJS("src/auth.ts", []byte(src))
	checkChunks(t, []byte(src), chunks)
	tests := []struct {
		symbol, kind string
		start, end   int
		parents      []string
	}{
		{"greet", "function", 4, 11, nil},
		{"handler", "function", 13, 18, nil},
		{"Session", "interface", 20, 23, nil},
		{"Role", "type", 25, 25, nil},
		{"MAX", "const", 27, 27, nil},
		{"AuthService", "class", 29, 31, nil},
		{"constructor", "method", 33, 33, []string{"AuthService"}},
		{"login", "method", 35, 38, []string{"AuthService"}},
		{"logout", "method", 40, 42, []string{"AuthService"}},
		{"helperL", "method", 99, 104, []string{"AuthService"}},
	}
	for _, tt := range tests {
		c := findChunk(t, chunks, tt.symbol)
		if c.SymbolKind != tt.kind || c.StartLine != tt.start || c.EndLine != tt.end || !reflect.DeepEqual(c.Parents, tt.parents) {
			t.Errorf("%s = %s %d-%d %q, want %s %d-%d %q", tt.symbol, c.SymbolKind, c.StartLine, c.EndLine, c.Parents, tt.kind, tt.start, tt.end, tt.parents)
		}
	}
	greet := findChunk(t, chunks, "greet")
	if !reflect.DeepEqual(greet.Requirements, []string{"FR-020"}) || greet.Signature != "export function greet(user: User): string" {
		t.Errorf("greet reqs %q sig %q", greet.Requirements, greet.Signature)
	}
	if h := findChunk(t, chunks, "handler"); !contains(h.Refs, "validate") {
		t.Errorf("handler refs = %q", h.Refs)
	}
	last := chunks[len(chunks)-1]
	if last.EndLine != 104 {
		t.Errorf("closing brace not covered by the last method: %d-%d", last.StartLine, last.EndLine)
	}
}

func TestSplitJSTests(t *testing.T) {
	src := `import { login } from "../src/auth";

describe("auth", () => {
  beforeEach(() => {
    reset();
  });

  it("logs in with a valid password (FR-012)", async () => {
    expect(await login("a", "b")).toBeTruthy();
  });

  describe("lockout", () => {
    test.each([[1], [2]])("locks after %i tries", (n) => {
      expect(n).toBe(n);
    });
    it('rejects "}" in names', () => {});
  });
});

test("top level", () => {});
`
	chunks := splitJS("test/auth.test.ts", []byte(src))
	checkChunks(t, []byte(src), chunks)
	suite := findChunk(t, chunks, "auth")
	want := []string{"auth logs in with a valid password (FR-012)", "auth lockout locks after %i tries", `auth lockout rejects "}" in names`}
	if suite.SymbolKind != "suite" || suite.StartLine != 3 || suite.EndLine != 18 || !reflect.DeepEqual(suite.TestNames, want) {
		t.Errorf("suite = %s %d-%d %q", suite.SymbolKind, suite.StartLine, suite.EndLine, suite.TestNames)
	}
	if !reflect.DeepEqual(suite.Requirements, []string{"FR-012"}) {
		t.Errorf("suite reqs = %q", suite.Requirements)
	}
	top := findChunk(t, chunks, "top level")
	if top.StartLine != 20 || !reflect.DeepEqual(top.TestNames, []string{"top level"}) {
		t.Errorf("top = %d %q", top.StartLine, top.TestNames)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
