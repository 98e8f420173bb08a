//go:build race

package app

// raceEnabled: the tests run with the race detector, so buildCLI builds with it too (and so
// reuses the packages the test build compiled).
const raceEnabled = true
