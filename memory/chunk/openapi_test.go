package chunk

import (
	"reflect"
	"testing"
)

const petAPI = `openapi: 3.0.3
info:
  title: Shop API
  version: 1.2.0
  description: |
    Implements FR-001 and FR-002.
servers:
  - url: https://api.example.com
paths:
  /login:
    post:
      summary: Log in
      operationId: loginUser
      description: >
        The service SHALL lock the account after five failures (FR-012).
      x-requirements: [REQ-AUTH-3]
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Credentials'
      responses:
        '200':
          description: OK
  /orders/{id}:
    parameters:
      - name: id
        in: path
        required: true
        schema: {type: string}
    get:
      operationId: getOrder
      responses:
        '200':
          description: The order
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Order'
    delete:
      operationId: deleteOrder
      responses:
        '204': {description: Deleted}
components:
  schemas:
    Credentials:
      type: object
      properties:
        user: {type: string}
        password: {type: string}
    Order:
      type: object
      description: An order (FR-020).
      properties:
        id: {type: string}
`

func TestSplitOpenAPI(t *testing.T) {
	chunks := splitOpenAPI("api/openapi.yaml", []byte(petAPI))
	checkChunks(t, []byte(petAPI), chunks)
	tests := []struct {
		symbol, kind string
		start, end   int
		reqs, refs   []string
	}{
		{"Shop API", "info", 2, 6, []string{"FR-001", "FR-002"}, nil},
		{"POST /login", "operation", 11, 24, []string{"FR-012", "REQ-AUTH-3"}, []string{"loginUser", "Credentials"}},
		{"GET /orders/{id}", "operation", 31, 39, nil, []string{"getOrder", "Order"}},
		{"DELETE /orders/{id}", "operation", 40, 43, nil, []string{"deleteOrder"}},
		{"Credentials", "schema", 46, 50, nil, nil},
		{"Order", "schema", 51, 55, []string{"FR-020"}, nil},
	}
	for _, tt := range tests {
		c := findChunk(t, chunks, tt.symbol)
		if c.SymbolKind != tt.kind || c.StartLine != tt.start || c.EndLine != tt.end || !reflect.DeepEqual(c.Requirements, tt.reqs) || !reflect.DeepEqual(c.Refs, tt.refs) {
			t.Errorf("%s = %s %d-%d reqs %q refs %q, want %s %d-%d %q %q", tt.symbol, c.SymbolKind, c.StartLine, c.EndLine, c.Requirements, c.Refs, tt.kind, tt.start, tt.end, tt.reqs, tt.refs)
		}
	}
	if c := findChunk(t, chunks, "POST /login"); len(c.Shall) != 1 {
		t.Errorf("shall = %q", c.Shall)
	}
}

func TestSplitOpenAPIJSONAndAsyncAPI(t *testing.T) {
	jsonDoc := `{
  "openapi": "3.1.0",
  "info": {"title": "J", "version": "1"},
  "paths": {
    "/ping": {
      "get": {
        "operationId": "ping",
        "responses": {"200": {"description": "pong"}}
      }
    }
  }
}
`
	chunks := splitOpenAPI("api.json", []byte(jsonDoc))
	checkChunks(t, []byte(jsonDoc), chunks)
	if c := findChunk(t, chunks, "GET /ping"); c.StartLine != 6 || c.EndLine < 8 {
		t.Errorf("GET /ping = %d-%d", c.StartLine, c.EndLine)
	}

	async := `asyncapi: 2.6.0
info:
  title: Events
  version: 1.0.0
channels:
  user/signedup:
    subscribe:
      message:
        $ref: '#/components/messages/UserSignedUp'
components:
  messages:
    UserSignedUp:
      payload: {type: object}
`
	chunks = splitOpenAPI("asyncapi.yaml", []byte(async))
	checkChunks(t, []byte(async), chunks)
	if c := findChunk(t, chunks, "SUBSCRIBE user/signedup"); c.StartLine != 7 || c.EndLine != 9 || !reflect.DeepEqual(c.Refs, []string{"UserSignedUp"}) {
		t.Errorf("subscribe = %d-%d %q", c.StartLine, c.EndLine, c.Refs)
	}
	if c := findChunk(t, chunks, "UserSignedUp"); c.SymbolKind != "message" {
		t.Errorf("message kind = %q", c.SymbolKind)
	}

	if got := splitOpenAPI("bad.yaml", []byte("openapi: [unclosed\n  : : :\n")); got != nil {
		t.Errorf("invalid YAML gave %d chunks", len(got))
	}
	if got := Split("bad.yaml", Spec, "OpenAPI", []byte("openapi: [unclosed\n")); len(got) != 1 || got[0].SymbolKind != "block" {
		t.Errorf("Split did not fall back to lines: %+v", got)
	}
}
