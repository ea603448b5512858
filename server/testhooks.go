package server

import (
	"context"
	"encoding/json"
	"sync"
)

var testHooksOnce sync.Once

// EnableTestHooks registers requests that exist only so end-to-end tests can
// drive failure paths through the real binary: msls/test/panic panics inside
// a handler and msls/test/block waits until the request is cancelled. The
// msls binary enables them when MSLS_TEST_HOOKS=1. Call before Run.
func EnableTestHooks() {
	testHooksOnce.Do(func() {
		registerRequest("msls/test/panic", func(context.Context, *Server, json.RawMessage) (any, error) {
			panic("test hook panic")
		})
		registerRequest("msls/test/block", func(ctx context.Context, _ *Server, _ json.RawMessage) (any, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
	})
}
