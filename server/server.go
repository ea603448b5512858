package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	sjson "github.com/segmentio/encoding/json"
	"io"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/msls-dev/msls/internal/engine"
)

// Options configure a Server.
type Options struct {
	// Name and Version are reported as serverInfo.
	Name    string
	Version string
	// Logger receives the server's logs; nil discards them.
	Logger *zap.Logger
}

const (
	stateNew int32 = iota
	stateRunning
	stateShutdown
)

// Server is one LSP session over one connection.
type Server struct {
	opts Options
	log  *zap.Logger
	out  *frameWriter
	// engine holds the session's caches (see package engine); rules, its
	// rule configuration (config.go).
	engine *engine.Engine
	// hot is the documents whose caches are kept (hotdocs.go).
	hot   hotDocs
	rules *ruleConfig
	// build caches the documents' folders, configuration files and build
	// contexts (buildcontext.go).
	build *buildState

	base   context.Context
	cancel context.CancelFunc

	state atomic.Int32

	// Set while handling initialize, before state becomes stateRunning.
	clientCaps    protocol.ClientCapabilities
	clientCapsRaw json.RawMessage
	initOptions   json.RawMessage
	clientInfo    *protocol.ClientInfo

	foldersMu sync.Mutex
	folders   []protocol.WorkspaceFolder

	docsMu sync.Mutex
	docs   atomic.Pointer[docMap]

	inflightMu sync.Mutex
	inflight   map[string]*inflightRequest
	// slots bounds the requests being handled or waiting to write their
	// reply (see handleRequest).
	slots chan struct{}

	callsMu sync.Mutex
	calls   map[string]chan *message
	nextID  atomic.Int64

	// queued and queuedFrames belong to the read loop (see queueDiagnostics).
	queued       map[protocol.DocumentURI]struct{}
	queuedFrames int

	// diagRuns counts diagnostics computations (for tests).
	diagRuns atomic.Int64

	// beforeDiagnose, when set (tests only, before the first document
	// opens), runs at the top of each diagnostics loop iteration, so a test
	// can hold a worker there and force an interleaving.
	beforeDiagnose func(protocol.DocumentURI)

	diagMu sync.Mutex
	diag   map[protocol.DocumentURI]*diagWorker
	pubMu  sync.Mutex
	// published is the snapshot last published per document (under
	// pubMu): a snapshot is published at most once. A configuration
	// refresh makes new snapshots of the same versions, so they are
	// published again with their new findings.
	published map[protocol.DocumentURI]*Snapshot
	// sent is the diagnostics last published per document, with their JSON
	// (under pubMu): a version whose diagnostics are the same, as after most
	// keystrokes, sends those bytes again instead of encoding.
	sent map[protocol.DocumentURI]sentDiagnostics
	// diagEncodes counts diagnostics encoded for publishing (for tests).
	diagEncodes atomic.Int64
	handled     sync.WaitGroup

	// the workspace index of build targets (targets.go)
	targetsOnce sync.Once
	targets     *targetIndex
}

// maxInflight is how many requests may be handled (or wait to write their
// reply) at once. It is far above what an editor keeps in flight, and low
// enough that the goroutines stay a few megabytes. A handler that waits on the
// client (Server.Call) holds its slot while it waits: the read loop delivers
// the answer as long as fewer than maxInflight requests do that at once.
const maxInflight = 1024

type inflightRequest struct {
	cancel    context.CancelFunc
	cancelled atomic.Bool
}

// New makes a server; Run starts it.
func New(opts Options) *Server {
	if opts.Name == "" {
		opts.Name = "msls"
	}
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	s := &Server{
		opts:      opts,
		log:       log,
		engine:    engine.New(log),
		rules:     &ruleConfig{files: map[string]fileConfig{}, shown: map[string]bool{}},
		build:     newBuildState(),
		inflight:  map[string]*inflightRequest{},
		slots:     make(chan struct{}, maxInflight),
		calls:     map[string]chan *message{},
		diag:      map[protocol.DocumentURI]*diagWorker{},
		published: map[protocol.DocumentURI]*Snapshot{},
		sent:      map[protocol.DocumentURI]sentDiagnostics{},
	}
	empty := docMap{}
	s.docs.Store(&empty)
	s.base, s.cancel = context.WithCancel(context.Background())
	return s
}

type loopKey struct{}

// Run serves one LSP session: it reads messages from in until `exit` or the
// end of input and writes to out. It returns the process exit status: 0 when
// the session was shut down properly (shutdown, then exit or end of input),
// 1 otherwise.
func (s *Server) Run(in io.Reader, out io.Writer) int {
	s.out = &frameWriter{w: out}
	defer s.cancel()
	fr := newFrameReader(in)
	loopCtx := context.WithValue(s.base, loopKey{}, true)
	for {
		body, err := fr.Read()
		if err != nil {
			if errors.Is(err, errBadFrame) {
				s.log.Warn("skipped a frame", zap.Error(err))
				// The id is unknowable, so tell the client with id null, as
				// JSON-RPC does for bodies that do not parse.
				s.replyError(nullID, Errorf(CodeParseError, "%v", err))
				s.flushDiagnostics(fr.r.Buffered() == 0)
				continue
			}
			if errors.Is(err, errFrameTooLarge) {
				s.log.Error("closing the stream", zap.Error(err))
				s.replyError(nullID, Errorf(CodeParseError, "%v; closing the stream", err))
				return s.exitStatus()
			}
			if err != io.EOF {
				s.log.Warn("input ended", zap.Error(err))
			}
			return s.exitStatus()
		}
		if exit := s.handleFrame(loopCtx, body); exit {
			return s.exitStatus()
		}
		s.flushDiagnostics(fr.r.Buffered() == 0)
	}
}

func (s *Server) exitStatus() int {
	if s.state.Load() == stateShutdown {
		return 0
	}
	return 1
}

// handleFrame dispatches one message; it reports whether the session ends.
func (s *Server) handleFrame(ctx context.Context, body []byte) (exit bool) {
	trimmed := bytes.TrimSpace(body)
	msg, err := decodeMessage(trimmed)
	if err != nil {
		if json.Valid(trimmed) {
			// Valid JSON but not a message: a batch (LSP has none), a scalar,
			// or fields of the wrong type (e.g. a numeric method).
			s.log.Warn("invalid message", zap.Error(err), zap.ByteString("body", clip(body)))
			s.replyError(nullIDFor(trimmed), Errorf(CodeInvalidRequest, "invalid request: %v", err))
			return false
		}
		s.log.Warn("malformed message", zap.Error(err), zap.ByteString("body", clip(body)))
		s.replyError(nullID, Errorf(CodeParseError, "parse error: %v", err))
		return false
	}
	switch {
	case msg.isRequest():
		if !validID(msg.ID) {
			s.replyError(nullID, Errorf(CodeInvalidRequest, "invalid request id %s", clip(msg.ID)))
			return false
		}
		s.handleRequest(&msg)
	case msg.isNotification():
		return s.handleNotification(ctx, &msg)
	case msg.isResponse():
		s.handleResponse(&msg)
	default:
		id := msg.ID
		if id == nil || !validID(id) {
			id = nullID
		}
		s.replyError(id, Errorf(CodeInvalidRequest, "invalid request: neither a request, a notification nor a response"))
	}
	return false
}

// decodeMessage is json.Unmarshal into a message.
func decodeMessage(body []byte) (message, error) {
	var m message
	err := sjson.Unmarshal(body, &m)
	return m, err
}

// nullIDFor recovers a usable id from an otherwise broken request.
func nullIDFor(body []byte) json.RawMessage {
	var probe struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(body, &probe) == nil && probe.ID != nil && validID(probe.ID) {
		return probe.ID
	}
	return nullID
}

func clip(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

func (s *Server) handleRequest(msg *message) {
	switch st := s.state.Load(); {
	case msg.Method == "initialize":
		if st != stateNew {
			s.replyError(msg.ID, Errorf(CodeInvalidRequest, "initialize was already called"))
			return
		}
		s.guard(msg, func() (any, error) { return s.initialize(msg.Params) })
		return
	case st == stateNew:
		s.replyError(msg.ID, Errorf(CodeServerNotInitialized, "server not initialized"))
		return
	case st == stateShutdown:
		s.replyError(msg.ID, Errorf(CodeInvalidRequest, "server is shutting down"))
		return
	case msg.Method == "shutdown":
		s.state.Store(stateShutdown)
		s.reply(msg.ID, nil)
		return
	}
	h := requestHandlers[msg.Method]
	if h == nil {
		s.replyError(msg.ID, Errorf(CodeMethodNotFound, "method not found: %s", msg.Method))
		return
	}
	// Backpressure: each request runs in its own goroutine until its reply
	// is written; when the client stops reading, replies stop being written
	// and the slots fill up, and the read loop waits here instead of reading
	// more requests and starting a goroutine for each (100,000 hovers from a
	// client that never read took the server to ~1 GB).
	s.slots <- struct{}{}
	ctx, cancel := context.WithCancel(withView(s.base, *s.docs.Load()))
	req := &inflightRequest{cancel: cancel}
	key := idKey(msg.ID)
	s.inflightMu.Lock()
	s.inflight[key] = req
	s.inflightMu.Unlock()
	s.handled.Add(1)
	go func() {
		defer func() { <-s.slots }()
		defer s.handled.Done()
		defer cancel()
		s.guard(msg, func() (any, error) {
			res, err := h(ctx, s, msg.Params)
			s.inflightMu.Lock()
			if s.inflight[key] == req {
				delete(s.inflight, key)
			}
			s.inflightMu.Unlock()
			if req.cancelled.Load() {
				return nil, Errorf(CodeRequestCancelled, "request cancelled")
			}
			return res, err
		})
	}()
}

// guard runs a request handler, converting errors and panics into replies.
func (s *Server) guard(msg *message, run func() (any, error)) {
	var (
		res any
		err error
	)
	start := time.Now()
	defer func() {
		if ce := s.log.Check(zap.DebugLevel, "request"); ce != nil {
			ce.Write(zap.String("method", msg.Method), zap.ByteString("id", msg.ID), zap.Duration("took", time.Since(start)), zap.Bool("ok", err == nil))
		}
	}()
	func() {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in request handler", zap.String("method", msg.Method),
					zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
				err = Errorf(CodeInternalError, "internal error in %s: %v", msg.Method, r)
			}
		}()
		res, err = run()
	}()
	if err != nil {
		e := toReplyError(s.base, err)
		if e.Code != CodeRequestCancelled {
			s.log.Debug("request failed", zap.String("method", msg.Method), zap.Error(err))
		}
		s.replyError(msg.ID, e)
		return
	}
	s.reply(msg.ID, res)
}

func (s *Server) handleNotification(ctx context.Context, msg *message) (exit bool) {
	if msg.Method == "exit" {
		return true
	}
	if s.state.Load() != stateRunning {
		// Before initialize (and after shutdown) notifications are dropped.
		return false
	}
	var h NotificationHandler
	switch msg.Method {
	case "$/cancelRequest":
		h = cancelRequest
	case "textDocument/didOpen":
		h = didOpen
	case "textDocument/didChange":
		h = didChange
	case "textDocument/didClose":
		h = didClose
	case "textDocument/didSave":
		return false
	case "workspace/didChangeWorkspaceFolders":
		h = didChangeWorkspaceFolders
	default:
		h = notificationHandlers[msg.Method]
	}
	if h == nil {
		return false
	}
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in notification handler", zap.String("method", msg.Method),
				zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
		}
	}()
	if err := h(ctx, s, msg.Params); err != nil {
		s.log.Warn("notification failed", zap.String("method", msg.Method), zap.Error(err))
	}
	return false
}

func cancelRequest(_ context.Context, s *Server, raw json.RawMessage) error {
	var p struct {
		ID json.RawMessage `json:"id"`
	}
	if err := decodeParams(raw, &p); err != nil {
		return err
	}
	s.inflightMu.Lock()
	req := s.inflight[idKey(p.ID)]
	s.inflightMu.Unlock()
	if req != nil {
		req.cancelled.Store(true)
		req.cancel()
	}
	return nil
}

func (s *Server) handleResponse(msg *message) {
	key := idKey(msg.ID)
	s.callsMu.Lock()
	ch := s.calls[key]
	delete(s.calls, key)
	s.callsMu.Unlock()
	if ch == nil {
		s.log.Debug("response to an unknown request", zap.ByteString("id", msg.ID))
		return
	}
	ch <- msg
}

func (s *Server) reply(id json.RawMessage, result any) {
	body, err := json.Marshal(responseOut{JSONRPC: "2.0", ID: id, Result: result})
	if err != nil {
		s.log.Error("cannot encode result", zap.Error(err))
		s.replyError(id, Errorf(CodeInternalError, "cannot encode result: %v", err))
		return
	}
	s.send(body)
}

func (s *Server) replyError(id json.RawMessage, e *Error) {
	body, err := json.Marshal(errorOut{JSONRPC: "2.0", ID: id, Error: e})
	if err != nil {
		// Only Data can fail to encode; drop it.
		body, _ = json.Marshal(errorOut{JSONRPC: "2.0", ID: id, Error: &Error{Code: e.Code, Message: e.Message}})
	}
	s.send(body)
}

func (s *Server) send(body []byte) {
	if err := s.out.write(body); err != nil {
		s.log.Debug("write failed", zap.Error(err))
	}
}

// Notify sends a notification to the client. Not through
// jsonrpc2.NewNotification: it encodes the params, then the message around
// them again, which made every publishDiagnostics (one per keystroke) ~3x
// slower to encode.
func (s *Server) Notify(method string, params any) error {
	body, err := encodeNotification(method, params)
	if err != nil {
		return err
	}
	return s.out.write(body)
}

// encodeNotification is encoding/json's encoding of the notification. A
// publishDiagnostics whose diagnostics are already encoded (cached: most
// keystrokes change none) is written around them as they are: encoding/json
// would compact them again on every publish (docs/performance.md). A test
// holds the two byte for byte equal.
func encodeNotification(method string, params any) ([]byte, error) {
	if p, ok := params.(publishEncoded); ok && method == "textDocument/publishDiagnostics" {
		uri, err := json.Marshal(p.URI)
		if err != nil {
			return nil, err
		}
		b := make([]byte, 0, len(p.Diagnostics)+len(uri)+100)
		b = append(b, `{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":`...)
		b = append(b, uri...)
		if p.Version != nil {
			b = append(b, `,"version":`...)
			b = strconv.AppendInt(b, int64(*p.Version), 10)
		}
		b = append(b, `,"diagnostics":`...)
		b = append(b, p.Diagnostics...)
		return append(b, "}}"...), nil
	}
	return json.Marshal(notificationOut{JSONRPC: "2.0", Method: method, Params: params})
}

// Call sends a request to the client and waits for its answer, decoding the
// result into result (which may be nil). It must not be called from a
// notification handler (that would block the read loop that delivers the
// answer); it returns an error instead.
func (s *Server) Call(ctx context.Context, method string, params, result any) error {
	if ctx.Value(loopKey{}) != nil {
		return fmt.Errorf("server: Call(%s) on the read loop would deadlock; call it from a goroutine", method)
	}
	// Our own ids: small numbers, as jsonrpc2.ID holds them (an int32; the
	// counter wraps long before a session could have that many calls open).
	id := jsonrpc2.NewNumberID(int32(s.nextID.Add(1)))
	key := fmt.Sprint(id)
	ch := make(chan *message, 1)
	s.callsMu.Lock()
	s.calls[key] = ch
	s.callsMu.Unlock()
	forget := func() {
		s.callsMu.Lock()
		delete(s.calls, key)
		s.callsMu.Unlock()
	}
	call, err := jsonrpc2.NewCall(id, method, params)
	if err != nil {
		forget()
		return err
	}
	body, err := json.Marshal(call)
	if err != nil {
		forget()
		return err
	}
	if err := s.out.write(body); err != nil {
		forget()
		return err
	}
	select {
	case resp := <-ch:
		if resp.Error != nil {
			return resp.Error
		}
		if result != nil && len(resp.Result) > 0 {
			return json.Unmarshal(resp.Result, result)
		}
		return nil
	case <-ctx.Done():
		forget()
		return ctx.Err()
	case <-s.base.Done():
		forget()
		return errors.New("server: connection closed")
	}
}

// ShowMessage asks the client to show a message (window/showMessage).
func (s *Server) ShowMessage(typ protocol.MessageType, format string, args ...any) error {
	return s.Notify("window/showMessage", protocol.ShowMessageParams{Type: typ, Message: fmt.Sprintf(format, args...)})
}

// ApplyEdit asks the client to apply a workspace edit (workspace/applyEdit).
func (s *Server) ApplyEdit(ctx context.Context, label string, edit protocol.WorkspaceEdit) (bool, error) {
	var res protocol.ApplyWorkspaceEditResponse
	if err := s.Call(ctx, "workspace/applyEdit", protocol.ApplyWorkspaceEditParams{Label: label, Edit: edit}, &res); err != nil {
		return false, err
	}
	return res.Applied, nil
}

// Configuration asks the client for configuration sections
// (workspace/configuration); one raw JSON value per item. Check
// ClientCapabilities().Workspace.Configuration first.
func (s *Server) Configuration(ctx context.Context, items []protocol.ConfigurationItem) ([]json.RawMessage, error) {
	var res []json.RawMessage
	if err := s.Call(ctx, "workspace/configuration", protocol.ConfigurationParams{Items: items}, &res); err != nil {
		return nil, err
	}
	return res, nil
}

// BaseContext is cancelled when the session ends; use it for work a
// notification handler starts in the background.
func (s *Server) BaseContext() context.Context { return s.base }

// Logger is the server's logger.
func (s *Server) Logger() *zap.Logger { return s.log }

// ClientCapabilities returns what the client announced in initialize. Fields
// msls's protocol version cannot decode are left zero; see
// ClientCapabilitiesRaw.
func (s *Server) ClientCapabilities() *protocol.ClientCapabilities { return &s.clientCaps }

// ClientCapabilitiesRaw is the capabilities object exactly as received.
func (s *Server) ClientCapabilitiesRaw() json.RawMessage { return s.clientCapsRaw }

// InitializationOptions is initialize's initializationOptions as received
// (nil when absent).
func (s *Server) InitializationOptions() json.RawMessage { return s.initOptions }

// ClientInfo is the client's name and version, if it sent them.
func (s *Server) ClientInfo() *protocol.ClientInfo { return s.clientInfo }

// WorkspaceFolders returns the current workspace folders (from initialize,
// rootUri as a fallback, kept up to date by didChangeWorkspaceFolders).
func (s *Server) WorkspaceFolders() []protocol.WorkspaceFolder {
	s.foldersMu.Lock()
	defer s.foldersMu.Unlock()
	return append([]protocol.WorkspaceFolder(nil), s.folders...)
}
