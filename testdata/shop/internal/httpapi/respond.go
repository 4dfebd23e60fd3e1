package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxBodyBytes caps request bodies (NFR-008).
const maxBodyBytes = 64 << 10

// errorBody is the shape of every error response (api/openapi.yaml Error).
type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes the error body with the request's ID, so that a user
// report can be matched to the logs (FR-022).
func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	var body errorBody
	body.Error.Code = code
	body.Error.Message = msg
	body.Error.RequestID = RequestID(r.Context())
	writeJSON(w, status, body)
}

// decodeJSON reads a JSON body into v, refusing unknown fields, trailing
// data and bodies over maxBodyBytes.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fmt.Errorf("body larger than %d bytes", tooBig.Limit)
		}
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	if dec.More() {
		return errors.New("invalid JSON body: trailing data")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid JSON body: trailing data")
	}
	return nil
}
