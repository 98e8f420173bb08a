//go:build !race

package app

// raceEnabled: the tests run without the race detector.
const raceEnabled = false
