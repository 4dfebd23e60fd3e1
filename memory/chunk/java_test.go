package chunk

import (
	"reflect"
	"strings"
	"testing"
)

func javaTestFixture() string {
	var more strings.Builder
	for i := 0; i < 10; i++ {
		more.WriteString("    @Test\n    void extra" + string(rune('A'+i)) + "() {\n        assertTrue(service.ready());\n    }\n\n")
	}
	return `package com.acme.shop;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.*;

/**
 * Verifies FR-030: orders are placed once.
 */
@DisplayName("orders")
class OrderServiceTest {
    private final OrderService service = new OrderService(new Pool());
    private static final String JSON = """
        { "id": "}" }
        """;

    @BeforeEach
    void setUp() {
        service.reset();
    }

    @Test
    @DisplayName("places an order {once}")
    void placesOrder() {
        Order o = service.place("sku-1", '}');
        assertEquals("sku-1", o.sku());
    }

    @ParameterizedTest
    @ValueSource(ints = {
        1, 2, 3
    })
    void rejectsBadQuantity(int q) {
        assertThrows(IllegalArgumentException.class, () -> service.place("x", q));
    }

    @Nested
    class WhenClosed {
        @Test
        void refuses() {
            assertFalse(service.open());
        }
    }

` + more.String() + `}
`
}

func TestSplitJava(t *testing.T) {
	src := javaTestFixture()
	chunks := splitJava("src/test/java/com/acme/shop/OrderServiceTest.java", []byte(src))
	checkChunks(t, []byte(src), chunks)
	tests := []struct {
		symbol, kind string
		start, end   int
		parents      []string
		tests        []string
	}{
		{"OrderServiceTest", "class", 7, 15, nil, nil},
		{"setUp", "method", 17, 20, []string{"OrderServiceTest"}, nil},
		{"placesOrder", "method", 22, 27, []string{"OrderServiceTest"}, []string{"OrderServiceTest.placesOrder"}},
		{"rejectsBadQuantity", "method", 29, 35, []string{"OrderServiceTest"}, []string{"OrderServiceTest.rejectsBadQuantity"}},
		{"WhenClosed", "class", 37, 43, []string{"OrderServiceTest"}, []string{"OrderServiceTest.WhenClosed.refuses"}},
		{"extraJ", "method", 90, 95, []string{"OrderServiceTest"}, []string{"OrderServiceTest.extraJ"}},
	}
	for _, tt := range tests {
		c := findChunk(t, chunks, tt.symbol)
		if c.SymbolKind != tt.kind || c.StartLine != tt.start || c.EndLine != tt.end || !reflect.DeepEqual(c.Parents, tt.parents) || !reflect.DeepEqual(c.TestNames, tt.tests) {
			t.Errorf("%s = %s %d-%d %q %q, want %s %d-%d %q %q", tt.symbol, c.SymbolKind, c.StartLine, c.EndLine, c.Parents, c.TestNames, tt.kind, tt.start, tt.end, tt.parents, tt.tests)
		}
	}
	cls := findChunk(t, chunks, "OrderServiceTest")
	if !reflect.DeepEqual(cls.Requirements, []string{"FR-030"}) || cls.Signature != `class OrderServiceTest` {
		t.Errorf("class reqs %q sig %q", cls.Requirements, cls.Signature)
	}
	if c := findChunk(t, chunks, "placesOrder"); !contains(c.Refs, "place") || !contains(c.Refs, "assertEquals") {
		t.Errorf("refs = %q", c.Refs)
	}
}

func TestSplitKotlin(t *testing.T) {
	src := "package shop\n\n" +
		"data class Order(val sku: String, val qty: Int)\n\n" +
		"fun total(orders: List<Order>): Int =\n    orders.sumOf { it.qty }\n\n" +
		"class OrderTest {\n    @Test\n    fun `places an order`() {\n        assertEquals(1, total(listOf(Order(\"a\", 1))))\n    }\n\n    companion object {\n        const val X = \"${1}\"\n    }\n}\n"
	chunks := splitJava("src/test/kotlin/OrderTest.kt", []byte(src))
	checkChunks(t, []byte(src), chunks)
	if c := findChunk(t, chunks, "Order"); c.StartLine != 3 || c.EndLine != 3 || c.SymbolKind != "class" {
		t.Errorf("Order = %d-%d %s", c.StartLine, c.EndLine, c.SymbolKind)
	}
	if c := findChunk(t, chunks, "total"); c.StartLine != 5 || c.EndLine != 6 {
		t.Errorf("total = %d-%d", c.StartLine, c.EndLine)
	}
	if c := findChunk(t, chunks, "OrderTest"); c.StartLine != 8 || c.EndLine != 17 || !reflect.DeepEqual(c.TestNames, []string{"OrderTest.places an order"}) {
		t.Errorf("OrderTest = %d-%d %q", c.StartLine, c.EndLine, c.TestNames)
	}
}
