package workflow

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// The files a use case hands to the investigator (a report, a bundle, copies of artifacts) are
// written by the three functions below, the one place where Evidentia writes outside its data
// folder. None of them ever replaces a file: a name that exists, or appears while the file is
// being written, fails with ErrOutputExists and leaves that file as it was.

// writeNew writes data to path, which must not exist, whole or not at all: a temporary file in
// the same folder, synced, then published under path (see publish). what names the file in
// errors ("report").
func writeNew(path string, data []byte, what string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".evidentia-"+what+"-*.tmp")
	if err != nil {
		return fmt.Errorf("workflow: write %s: %w", what, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("workflow: write %s: %w", what, err)
	}
	return publish(tmp.Name(), path, what)
}

// publish gives the complete, synced file tmp the name path as well, which must not exist. A
// hard link fails if path appeared meanwhile, where a rename would replace it; where hard links
// are not possible (FAT, exFAT, some network shares) the file is copied to path, created
// exclusively, and a partial copy is removed. The caller removes tmp.
func publish(tmp, path, what string) error {
	err := os.Link(tmp, path)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%w: %s", ErrOutputExists, path)
	}
	if err != nil {
		src, oerr := os.Open(tmp)
		if oerr != nil {
			return fmt.Errorf("workflow: write %s: %w", what, oerr)
		}
		defer src.Close()
		if err := writeExclusive(path, src); err != nil {
			if errors.Is(err, os.ErrExist) {
				return fmt.Errorf("%w: %s", ErrOutputExists, path)
			}
			return fmt.Errorf("workflow: write %s: %w", what, err)
		}
	}
	// The file is whole, synced and under its name: from here on it is written. Making its
	// folder entry durable is done where the folder allows it; a folder that cannot be
	// opened or synced (a drop folder without read permission, some network shares) does not
	// make the written file a failure, or a report would exist that the custody log omits.
	_ = syncDir(filepath.Dir(path))
	return nil
}

// writeExclusive writes everything r yields to the new file path (which must not exist: the
// error then wraps os.ErrExist) and syncs it. A file that could not be written whole is
// removed.
func writeExclusive(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// writeExclusiveBytes is writeExclusive of data.
func writeExclusiveBytes(path string, data []byte) error {
	return writeExclusive(path, bytes.NewReader(data))
}

// syncDir makes the new entries of dir durable. Windows cannot sync a folder (it journals
// metadata), and some file systems refuse to: there it does nothing; any other failure is
// returned.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
