// Package server is the only package of msls that speaks LSP. It owns the
// wire (Content-Length framing and JSON-RPC, see wire.go), the lifecycle
// (initialize / shutdown / exit), the document store and the publishing of
// diagnostics. Language features live in their own packages and are plugged in
// here, one file per feature (server/completion.go, server/navigation.go,
// server/codeaction.go, server/format.go, server/semantic.go, ...).
//
// # Adding a feature
//
// In server/<feature>.go, register handlers (and, for standard features,
// capabilities with registerCapability) from init(). This example is
// compiled and run by doc_example_test.go:
//
//	func init() {
//		registerRequest("msls/instructionAt", instructionAt)
//	}
//
//	// instructionAt answers which instruction is at a position: its keyword and
//	// its range (a custom request; a standard feature would also call
//	// registerCapability to announce itself in the initialize result).
//	func instructionAt(ctx context.Context, s *Server, raw json.RawMessage) (any, error) {
//		var p protocol.TextDocumentPositionParams
//		snap, err := s.openDocument(ctx, raw, &p, func() protocol.DocumentURI { return p.TextDocument.URI })
//		if snap == nil {
//			return nil, err // bad params (InvalidParams), or not open: null
//		}
//		f := snap.File()                       // parsed once per version, shared
//		off := PositionToOffset(f, p.Position) // UTF-16 position -> byte offset
//		in := f.InstructionAt(off)
//		if in == nil {
//			return nil, nil // JSON null
//		}
//		rng := SpanToRange(f, in.Span) // byte offsets -> UTF-16 range
//		return &protocol.Hover{Range: &rng, Contents: protocol.MarkupContent{Kind: protocol.PlainText, Value: in.Keyword}}, nil
//	}
//
// Rules for handlers:
//
//   - A request handler returns (result, nil) or (nil, err). Return an *Error
//     (Errorf, InvalidParams, RequestFailed) to choose the LSP error code; any
//     other error becomes RequestFailed. Errors never close the connection.
//     A nil result is sent as JSON null. Panics are recovered, logged and
//     answered with InternalError.
//   - Request handlers run on their own goroutine, so they may block and may
//     call the client (s.Call, s.Configuration, s.ApplyEdit). ctx is
//     cancelled by $/cancelRequest (the reply then becomes RequestCancelled)
//     or when the server exits; long handlers should check ctx.Err().
//   - s.Snapshot(ctx, uri) returns the document exactly as it was when the
//     request arrived, even if later changes were applied meanwhile. Snapshots
//     are immutable: never modify Text, the File or the Findings.
//   - Notification handlers (registerNotification) run on the read loop, in
//     order with document changes. They must not block and must not wait on
//     the client: s.Call from the loop fails with an error instead of
//     deadlocking. Start a goroutine (go func(){...}()) for such work, using
//     s.BaseContext() for its context.
//   - The built-in methods (initialize, initialized is free, shutdown, exit,
//     $/cancelRequest, textDocument/didOpen|didChange|didClose|didSave,
//     workspace/didChangeWorkspaceFolders) cannot be registered again; a
//     duplicate registration panics at start-up.
//
// Helpers for handlers: s.Snapshot / s.Latest / s.Documents (documents),
// s.ClientCapabilities, s.ClientCapabilitiesRaw, s.InitializationOptions,
// s.WorkspaceFolders, s.Logger, s.Notify / s.Call / s.ShowMessage /
// s.ApplyEdit / s.Configuration (talking to the client), SpanToRange,
// RangeToSpan, PositionToOffset, OffsetToPosition, EditsToTextEdits,
// Diagnostic(snap, finding) / Diagnostics(snap) (findings as the exact
// protocol.Diagnostics that were published, to match a client's
// context.diagnostics), s.BaseContext (for background work).
//
// # Diagnostics and configuration
//
// Diagnostics are computed by (*Server).computeFindings in findings.go; that
// is the single place rule configuration plugs in. After a configuration
// change call s.RefreshDiagnostics(): every open document is re-checked
// (without re-parsing) and republished. Publishing is coalesced per document:
// a burst of changes yields diagnostics for the newest version only, and a
// version is never published after a newer one.
package server

import (
	"context"
	"encoding/json"
	"fmt"

	sjson "github.com/segmentio/encoding/json"
	"go.lsp.dev/protocol"
)

// RequestHandler answers a request. See the package documentation.
type RequestHandler func(ctx context.Context, s *Server, params json.RawMessage) (any, error)

// NotificationHandler handles a notification on the read loop. A returned
// error is logged.
type NotificationHandler func(ctx context.Context, s *Server, params json.RawMessage) error

// CapabilityFunc fills in the capabilities of one feature in the initialize
// result; client is what the client announced.
type CapabilityFunc func(caps *protocol.ServerCapabilities, client *protocol.ClientCapabilities)

var (
	requestHandlers      = map[string]RequestHandler{}
	notificationHandlers = map[string]NotificationHandler{}
	capabilityFuncs      []CapabilityFunc
)

// registerRequest installs the handler for a request method. Call it from
// init().
func registerRequest(method string, h RequestHandler) {
	if _, dup := requestHandlers[method]; dup || isBuiltin(method) {
		panic(fmt.Sprintf("server: request %q registered twice", method))
	}
	requestHandlers[method] = h
}

// registerNotification installs the handler for a notification method. Call
// it from init().
func registerNotification(method string, h NotificationHandler) {
	if _, dup := notificationHandlers[method]; dup || isBuiltin(method) {
		panic(fmt.Sprintf("server: notification %q registered twice", method))
	}
	notificationHandlers[method] = h
}

// registerCapability adds a contributor to the initialize result's
// capabilities. Call it from init().
func registerCapability(f CapabilityFunc) { capabilityFuncs = append(capabilityFuncs, f) }

// extraCapabilities are server capabilities protocol v0.12.0 has no field
// for (LSP 3.17's inlayHintProvider, ...): name -> value from the client's
// raw capabilities (nil leaves the capability out).
var extraCapabilities = map[string]func(clientRaw json.RawMessage) any{}

// registerExtraCapability adds a capability by its JSON name. Call it from
// init().
func registerExtraCapability(name string, f func(clientRaw json.RawMessage) any) {
	if _, dup := extraCapabilities[name]; dup {
		panic(fmt.Sprintf("server: capability %q registered twice", name))
	}
	extraCapabilities[name] = f
}

// withExtraCapabilities returns the initialize result with the extra
// capabilities merged into its capabilities object.
func withExtraCapabilities(res protocol.InitializeResult, clientRaw json.RawMessage) any {
	if len(extraCapabilities) == 0 {
		return res
	}
	b, err := json.Marshal(res.Capabilities)
	if err != nil {
		return res
	}
	caps := map[string]any{}
	if json.Unmarshal(b, &caps) != nil {
		return res
	}
	for name, f := range extraCapabilities {
		if v := f(clientRaw); v != nil {
			caps[name] = v
		}
	}
	return struct {
		Capabilities map[string]any       `json:"capabilities"`
		ServerInfo   *protocol.ServerInfo `json:"serverInfo,omitempty"`
	}{caps, res.ServerInfo}
}

func isBuiltin(method string) bool {
	switch method {
	case "initialize", "shutdown", "exit", "$/cancelRequest",
		"textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "textDocument/didSave",
		"workspace/didChangeWorkspaceFolders":
		return true
	}
	return false
}

// decodeParams unmarshals params into v, turning a failure into an
// InvalidParams error. Missing params decode as an empty object.
// openDocument decodes a request's params into p and returns the snapshot of
// the open document they name (uri reads it from p once decoded). A nil
// snapshot with a nil error means the document is not open: answer null.
func (s *Server) openDocument(ctx context.Context, raw json.RawMessage, p any, uri func() protocol.DocumentURI) (*Snapshot, error) {
	if err := decodeParams(raw, p); err != nil {
		return nil, err
	}
	snap, ok := s.Snapshot(ctx, uri())
	if !ok {
		return nil, nil
	}
	return snap, nil
}

func decodeParams(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	if err := sjson.Unmarshal(raw, v); err != nil {
		return InvalidParams("invalid params: %v", err)
	}
	return nil
}
