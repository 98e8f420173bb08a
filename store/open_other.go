//go:build !windows

package store

import "os"

// openObject opens an object for reading (see open_windows.go for why Windows differs).
func openObject(path string) (*os.File, error) { return os.Open(path) }
