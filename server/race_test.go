//go:build race

package server

// raceEnabled: the tests about scale run smaller under the race detector,
// whose slowdown would only measure itself.
const raceEnabled = true
