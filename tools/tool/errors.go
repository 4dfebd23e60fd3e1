// Package tool holds what every devai tool shares, so that no tool writes
// it again: the error a caller can fix by changing the input. It imports
// nothing of ours; each tools/<name> package may import it (it is not a
// tool), and cmd/devai maps its errors to isError results and exit codes.
package tool

import (
	"errors"
	"fmt"
)

// InputError is a mistake in a tool's input that the caller can fix: a bad
// argument, nothing found where something was named, a path outside the
// repository. Its message says what to do. Other errors are devai's faults.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

// Inputf returns an InputError with a formatted message.
func Inputf(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}

// Input wraps err as an InputError with its message, or returns nil.
func Input(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{msg: err.Error()}
}

// IsInputError reports whether err, or an error it wraps, is an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
