package server

import (
	"context"
	"errors"
	"fmt"
)

// JSON-RPC and LSP error codes.
const (
	CodeParseError           int64 = -32700
	CodeInvalidRequest       int64 = -32600
	CodeMethodNotFound       int64 = -32601
	CodeInvalidParams        int64 = -32602
	CodeInternalError        int64 = -32603
	CodeServerNotInitialized int64 = -32002
	CodeUnknownError         int64 = -32001
	CodeRequestFailed        int64 = -32803
	CodeServerCancelled      int64 = -32802
	CodeContentModified      int64 = -32801
	CodeRequestCancelled     int64 = -32800
)

// Error is an LSP error reply. A handler returns one (or wraps one) to choose
// the code the client sees; any other error becomes RequestFailed.
type Error struct {
	Code    int64  `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// Errorf builds an *Error with the given code.
func Errorf(code int64, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidParams is the error for params that do not decode or make no sense.
func InvalidParams(format string, args ...any) *Error {
	return Errorf(CodeInvalidParams, format, args...)
}

// RequestFailed is the error for a well-formed request the server could not
// carry out (e.g. the document is not open).
func RequestFailed(format string, args ...any) *Error {
	return Errorf(CodeRequestFailed, format, args...)
}

// toReplyError turns whatever a handler returned into the error sent to the
// client.
func toReplyError(ctx context.Context, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return Errorf(CodeRequestCancelled, "request cancelled")
	}
	return &Error{Code: CodeRequestFailed, Message: err.Error()}
}
