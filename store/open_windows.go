//go:build windows

package store

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// openObject opens an object for reading. Windows shares access per file, not per name: while
// a concurrent seal of the same content deletes its temp name (a hard link of the object),
// os.Open, which does not share delete access, fails with "Sharing violation.", and its handle
// would make that deletion fail in turn. So objects are opened sharing read, write and delete.
func openObject(path string) (*os.File, error) {
	p, err := syscall.UTF16PtrFromString(longPath(path))
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ,
		syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE|syscall.FILE_SHARE_DELETE,
		nil, syscall.OPEN_EXISTING, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// longPath gives an absolute path of MAX_PATH or more characters the \\?\ prefix that lets
// CreateFile open it, as os.Open does itself.
func longPath(p string) string {
	if len(p) < 248 || strings.HasPrefix(p, `\\?\`) || !filepath.IsAbs(p) {
		return p
	}
	p = filepath.Clean(p)
	if strings.HasPrefix(p, `\\`) {
		return `\\?\UNC\` + p[2:]
	}
	return `\\?\` + p
}
