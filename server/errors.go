package server

import (
	"context"
	"errors"
	"fmt"

	"go.lsp.dev/jsonrpc2"
)

// JSON-RPC and LSP error codes, as go.lsp.dev/jsonrpc2's Code; the LSP codes
// jsonrpc2 v0.10.0 does not name (-32803 to -32800) are added here.
const (
	CodeParseError           = jsonrpc2.ParseError
	CodeInvalidRequest       = jsonrpc2.InvalidRequest
	CodeMethodNotFound       = jsonrpc2.MethodNotFound
	CodeInvalidParams        = jsonrpc2.InvalidParams
	CodeInternalError        = jsonrpc2.InternalError
	CodeServerNotInitialized = jsonrpc2.ServerNotInitialized
	CodeUnknownError         = jsonrpc2.UnknownError
	CodeRequestFailed        = jsonrpc2.Code(-32803)
	CodeServerCancelled      = jsonrpc2.Code(-32802)
	CodeContentModified      = jsonrpc2.Code(-32801)
	CodeRequestCancelled     = jsonrpc2.Code(-32800)
)

// Error is an LSP error reply. A handler returns one (or wraps one) to choose
// the code the client sees; any other error becomes RequestFailed. It is
// jsonrpc2.Error with Data of any type (jsonrpc2's is raw JSON), so a handler
// can attach a value without encoding it first.
type Error struct {
	Code    jsonrpc2.Code `json:"code"`
	Message string        `json:"message"`
	Data    any           `json:"data,omitempty"`
}

func (e *Error) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// Errorf builds an *Error with the given code.
func Errorf(code jsonrpc2.Code, format string, args ...any) *Error {
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
	var je *jsonrpc2.Error
	if errors.As(err, &je) {
		out := &Error{Code: je.Code, Message: je.Message}
		if je.Data != nil {
			out.Data = je.Data
		}
		return out
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return Errorf(CodeRequestCancelled, "request cancelled")
	}
	return &Error{Code: CodeRequestFailed, Message: err.Error()}
}
