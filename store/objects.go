package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"evidentia/evidence"
	"evidentia/internal/ctxio"
)

// tmpObjectPrefix names the temp files objects are written to before they take their place.
const tmpObjectPrefix = "obj-"

// ObjectPath returns the absolute path of the object with digest d: objects/ab/abcdef… in the
// data folder, named by the full digest. It returns "" when d is not a well formed digest. The
// file may not exist.
func (s *Store) ObjectPath(d evidence.Digest) string {
	if _, err := evidence.ParseDigest(string(d)); err != nil {
		return ""
	}
	return filepath.Join(s.dir, objectsDir, string(d[:2]), string(d))
}

// ingestFile copies the file at path into the object store and returns its digest and size.
func (s *Store) ingestFile(ctx context.Context, path string) (evidence.Digest, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("store: read %s: %w", path, err)
	}
	defer f.Close()
	return s.ingest(ctx, f)
}

// ingest writes everything r yields into the object store and returns its digest and size.
// The content is written to a temp file, fsynced, linked into place (never replacing an
// existing file), its folder synced, and made read-only. When the object exists already its
// content is re-hashed: a match is reused, a mismatch is an error wrapping ErrDigestMismatch
// and the existing file is left untouched.
func (s *Store) ingest(ctx context.Context, r io.Reader) (d evidence.Digest, n int64, err error) {
	tmp, err := os.CreateTemp(s.TempDir(), tmpObjectPrefix+"*")
	if err != nil {
		return "", 0, fmt.Errorf("store: object temp file: %w", err)
	}
	tmpPath := tmp.Name()
	defer func() {
		if tmp != nil {
			err = errors.Join(err, tmp.Close())
		}
		if rmErr := os.Remove(tmpPath); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			err = errors.Join(err, fmt.Errorf("store: remove temp file: %w", rmErr))
		}
	}()
	h := sha256.New()
	n, err = io.Copy(io.MultiWriter(tmp, h), ctxio.Reader(ctx, r))
	if err != nil {
		return "", 0, fmt.Errorf("store: write object: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("store: sync object: %w", err)
	}
	closeErr := tmp.Close()
	tmp = nil
	if closeErr != nil {
		return "", 0, fmt.Errorf("store: write object: %w", closeErr)
	}
	d = evidence.Digest(hex.EncodeToString(h.Sum(nil)))
	dest := s.ObjectPath(d)
	sub := filepath.Dir(dest)
	if err := s.ensureObjectDir(sub); err != nil {
		return "", 0, err
	}
	err = os.Link(tmpPath, dest)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// A file system without hard links: rename, unless the object appeared meanwhile.
		if _, statErr := os.Lstat(dest); errors.Is(statErr, fs.ErrNotExist) {
			err = os.Rename(tmpPath, dest)
		} else {
			err = fs.ErrExist
		}
	}
	if errors.Is(err, fs.ErrExist) {
		if err := checkObject(ctx, dest, d, n); err != nil {
			return "", 0, fmt.Errorf("store: object %s exists and was not replaced: %w", d, err)
		}
	} else if err != nil {
		return "", 0, fmt.Errorf("store: place object %s: %w", d, err)
	}
	// Drop the temp name before making the object read-only. On Windows the read-only
	// attribute belongs to the file, not to one of its names, and os.Remove clears it to
	// delete a read-only name: removing the temp link afterwards left the object writable.
	if err := os.Remove(tmpPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", 0, fmt.Errorf("store: remove temp file: %w", err)
	}
	if err := os.Chmod(dest, 0o444); err != nil {
		return "", 0, fmt.Errorf("store: protect object %s: %w", d, err)
	}
	if err := syncDir(sub); err != nil {
		return "", 0, err
	}
	return d, n, nil
}

// ensureObjectDir creates objects/ab when missing and makes its creation durable.
func (s *Store) ensureObjectDir(sub string) error {
	if _, err := os.Stat(sub); err == nil {
		return nil
	}
	if err := os.MkdirAll(sub, 0o700); err != nil {
		return fmt.Errorf("store: object folder: %w", err)
	}
	return syncDir(filepath.Dir(sub))
}

// syncDir makes the entries of folder dir durable. Windows cannot sync a folder and does not
// need to: its file system journals metadata.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: sync folder: %w", err)
	}
	err = f.Sync()
	if cErr := f.Close(); err == nil {
		err = cErr
	}
	if err != nil {
		return fmt.Errorf("store: sync folder %s: %w", dir, err)
	}
	return nil
}

// checkObject re-hashes the file at path and compares it with d and size (size < 0: any). It
// returns errors wrapping ErrMissingObject or ErrDigestMismatch.
func checkObject(ctx context.Context, path string, d evidence.Digest, size int64) error {
	f, err := openObject(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s", ErrMissingObject, d)
	}
	if err != nil {
		return fmt.Errorf("store: read object %s: %w", d, err)
	}
	defer f.Close()
	got, n, err := evidence.SumReader(ctxio.Reader(ctx, f))
	if err != nil {
		return fmt.Errorf("store: read object %s: %w", d, err)
	}
	if got != d {
		return fmt.Errorf("%w: object %s hashes to %s", ErrDigestMismatch, d, got)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("%w: object %s has %d bytes, %d recorded", ErrDigestMismatch, d, n, size)
	}
	return nil
}

// OpenArtifact opens the stored object with digest d for reading. The returned reader hashes
// what it yields: instead of io.EOF, Read returns an error wrapping ErrDigestMismatch when the
// content does not hash to d, and Close returns nil only when the whole object matched d (when
// the caller stopped reading early, Close reads the rest to find out). A missing object gives
// an error wrapping ErrMissingObject. The caller must Close the reader. ctx bounds the reads.
func (s *Store) OpenArtifact(ctx context.Context, d evidence.Digest) (io.ReadCloser, error) {
	p := s.ObjectPath(d)
	if p == "" {
		return nil, fmt.Errorf("%w: %q is not a SHA-256 digest", ErrInvalid, d)
	}
	f, err := openObject(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrMissingObject, d)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open object %s: %w", d, err)
	}
	return &verifyingReader{ctx: ctx, f: f, h: sha256.New(), want: d}, nil
}

// verifyingReader is the reader OpenArtifact returns.
type verifyingReader struct {
	ctx    context.Context
	f      *os.File
	h      hash.Hash
	want   evidence.Digest
	result error // set once EOF has been reached: nil or a digest mismatch
	done   bool
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.done {
		if v.result != nil {
			return 0, v.result
		}
		return 0, io.EOF
	}
	if err := v.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := v.f.Read(p)
	v.h.Write(p[:n])
	if errors.Is(err, io.EOF) {
		v.finish()
		if v.result != nil {
			return n, v.result
		}
	}
	return n, err
}

func (v *verifyingReader) finish() {
	v.done = true
	if got := evidence.Digest(hex.EncodeToString(v.h.Sum(nil))); got != v.want {
		v.result = fmt.Errorf("%w: object %s hashes to %s", ErrDigestMismatch, v.want, got)
	}
}

func (v *verifyingReader) Close() error {
	var err error
	if !v.done {
		if _, cErr := io.Copy(io.Discard, struct{ io.Reader }{v}); cErr != nil && !errors.Is(cErr, ErrDigestMismatch) {
			err = fmt.Errorf("store: read object %s: %w", v.want, cErr)
		}
	}
	if cErr := v.f.Close(); cErr != nil && err == nil {
		err = fmt.Errorf("store: close object %s: %w", v.want, cErr)
	}
	if err != nil {
		return err
	}
	return v.result
}

// ingestBytes stores b as an object.
func (s *Store) ingestBytes(ctx context.Context, b []byte) (evidence.Digest, error) {
	d, _, err := s.ingest(ctx, bytes.NewReader(b))
	return d, err
}
