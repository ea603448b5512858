//go:build race

package protocol_test

// raceEnabled builds the server binary with the race detector when the tests
// themselves run with -race, so `go test -race ./test/protocol` checks the
// server's concurrency over real pipes.
const raceEnabled = true
