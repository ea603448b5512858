//go:build race

package corpustest

// raceEnabled: the sweep is single-threaded engine code that the race
// detector slows tenfold; CI runs it in a separate pass without -race.
const raceEnabled = true
