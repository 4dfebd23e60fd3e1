package walk

import (
	"bytes"
	"encoding/json"
	"strings"
)

// topLevelKeys returns the keys of the JSON object that data starts with,
// stopping quietly where the data ends or breaks: a head is usually cut in
// the middle of a document, and the keys seen before the cut still count.
func topLevelKeys(data []byte, limit int) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for len(keys) < limit && dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		key, ok := tok.(string)
		if !ok {
			return keys
		}
		keys = append(keys, key)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

// topLevelJSONKey returns the first of want that is a top-level key of the
// JSON object in head, or "".
func topLevelJSONKey(head []byte, want ...string) string {
	for _, k := range topLevelKeys(head, 64) {
		for _, w := range want {
			if k == w {
				return w
			}
		}
	}
	return ""
}

// Keys that make a JSON line a log record: structured loggers (zap, zerolog,
// logrus, slog, bunyan, pino, Serilog CLEF, Logstash/ECS, OpenTelemetry).
var (
	timeKeys    = map[string]bool{"time": true, "ts": true, "timestamp": true, "@timestamp": true, "@t": true, "datetime": true, "date": true, "t": true, "eventtime": true}
	messageKeys = map[string]bool{"msg": true, "message": true, "log": true, "body": true, "@m": true, "@mt": true, "@message": true, "event": true}
)

// isLogRecordLine reports whether the first line of head is a JSON object
// with both a time-ish and a message-ish key (case-insensitive).
func isLogRecordLine(head []byte) bool {
	line := bytes.TrimSpace(firstLine(head))
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	var hasTime, hasMsg bool
	for _, k := range topLevelKeys(line, 64) {
		k = strings.ToLower(k)
		hasTime = hasTime || timeKeys[k]
		hasMsg = hasMsg || messageKeys[k]
	}
	return hasTime && hasMsg
}
