package identity

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// maxFileSize bounds what Load reads: an identity file is a few kilobytes.
const maxFileSize = 1 << 20

// DefaultPath is the identity file of the data folder dataDir.
func DefaultPath(dataDir string) string {
	return filepath.Join(dataDir, "identity.json")
}

// Save writes f to path atomically (a temporary file in the same folder, synced, then renamed
// over path) with mode 0600, creating the parent folder with mode 0700 when missing. An
// existing file at path is replaced: see Install to keep it.
func Save(path string, f *File) error {
	if f == nil || f.cert == nil {
		return fmt.Errorf("%w: empty identity file", ErrInvalid)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".identity-*.tmp")
	if err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	tmpName := tmp.Name()
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	done = true
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable where the system allows it (best effort: not on Windows).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Load reads and checks the identity file at path. A missing file is ErrNoIdentity (and
// fs.ErrNotExist); a file that does not parse or whose parts do not fit is ErrCorrupt.
func Load(path string) (*File, error) {
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s: %w", ErrNoIdentity, path, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrCorrupt, path, maxFileSize)
	}
	f := new(File)
	if err := json.Unmarshal(data, f); err != nil {
		if !errors.Is(err, ErrCorrupt) {
			err = fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	if f.cert == nil { // a JSON null
		return nil, fmt.Errorf("%w: empty identity file (%s)", ErrCorrupt, path)
	}
	return f, nil
}

// Install saves f at path (as Save) when no file is there. When one is, Install refuses with
// ErrExists, unless replace is set: then the old file is first copied beside it as
// identity-YYYYMMDDTHHMMSSZ.json (now, in UTC; a counter is added when that name is taken),
// so that what was signed with it can still be verified, and archived returns that copy's
// path. The check and the write are not one atomic step: two Installs racing on one path
// may both succeed, the last one winning (the archive copy is still made).
func Install(path string, f *File, replace bool, now time.Time) (archived string, err error) {
	if f == nil || f.cert == nil {
		return "", fmt.Errorf("%w: empty identity file", ErrInvalid)
	}
	if _, err := os.Lstat(path); err == nil {
		if !replace {
			return "", fmt.Errorf("%w: %s", ErrExists, path)
		}
		if archived, err = archive(path, now); err != nil {
			return "", err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("identity: %w", err)
	}
	if err := Save(path, f); err != nil {
		return archived, err
	}
	return archived, nil
}

// archive copies the file at path to a new, unused name beside it and returns that name.
func archive(path string, now time.Time) (string, error) {
	old, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("identity: keeping the old identity: %w", err)
	}
	dir, base := filepath.Split(path)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext) + "-" + now.UTC().Format("20060102T150405Z")
	for i := 1; i < 1000; i++ {
		name := stem
		if i > 1 {
			name += "-" + strconv.Itoa(i)
		}
		dst := filepath.Join(dir, name+ext)
		fh, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("identity: keeping the old identity: %w", err)
		}
		_, err = fh.Write(old)
		if err == nil {
			err = fh.Sync()
		}
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(dst)
			return "", fmt.Errorf("identity: keeping the old identity: %w", err)
		}
		syncDir(dir)
		return dst, nil
	}
	return "", fmt.Errorf("identity: keeping the old identity: no free name beside %s", path)
}
